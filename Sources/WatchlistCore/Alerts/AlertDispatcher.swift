import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Logging

/// What one dispatch did, per channel.
public struct DispatchReport: Sendable, Equatable {
    public var messagesSent = 0
    public var hitsMailed = 0
    public var syslogRecords = 0
    public var failures: [String] = []
    /// Failed deliveries by channel (for the metrics).
    public var failed: [AlertChannel: Int] = [:]

    mutating func fail(_ channel: AlertChannel, _ reason: String) {
        failures.append(reason)
        failed[channel, default: 0] += 1
    }

    /// Deliveries were attempted and not one succeeded (`run --once` exits 75 then).
    public var allFailed: Bool { !failures.isEmpty && messagesSent == 0 && syslogRecords == 0 }
}

/// Sends the due outbox rows: one e-mail per customer with that customer's hits (to
/// that customer's recipients only), one syslog record per hit. A row is marked sent
/// only after the server accepted it; transient failures are retried with exponential
/// backoff (1 min doubling, at most 1 h), permanent ones are parked with the reason.
public struct AlertDispatcher: Sendable {
    public var store: Store
    public var watchlists: [Watchlist]
    public var mail: (any MailTransport)?
    public var from: String
    public var syslog: SyslogSender?
    public var logger: Logger
    /// How hits become messages (`grouping:` in the `smtp:` block).
    public var grouping: SMTPConfig.Grouping = .dispatch
    /// At most this many messages per customer per hour; further hits wait and are
    /// folded into the next message (`max-per-hour:`).
    public var maxPerHour = 12
    /// Customers at their hourly cap: logged when it is reached and when it ends.
    let capped = LogOnce()
    /// No message is larger than this (`max-message-size:`), nor than the server's EHLO
    /// `SIZE`: a batch that would be is split into several messages.
    public var maxMessageSize = 10_000_000

    public init(store: Store, watchlists: [Watchlist], mail: (any MailTransport)?, from: String,
                syslog: SyslogSender?, logger: Logger) {
        self.store = store
        self.watchlists = watchlists
        self.mail = mail
        self.from = from
        self.syslog = syslog
        self.logger = logger
    }

    /// Sends a clearly marked test alert for `customer` through every configured channel;
    /// returns one line per channel saying what happened. Nothing is stored.
    public func sendTest(customer: String, now: Date = Date()) async -> [(channel: String, ok: Bool, detail: String)] {
        var results: [(String, Bool, String)] = []
        guard let watchlist = watchlists.first(where: { $0.customer.lowercased() == customer.lowercased() }) else {
            return [("all", false, "no watchlist has `customer: \(customer)`; known customers: \(watchlists.map(\.customer).joined(separator: ", "))")]
        }
        let hit = StoredHit(id: 0, itemKey: "test", feed: "test-alert", customer: watchlist.customer, entity: "(test)",
                            name: "(test)", relation: "name", matched: "(test)", score: 1,
                            title: "watchlistd test alert — no action needed", link: nil, seen: now,
                            watchFile: watchlist.file, watchLine: 1)
        if let mail {
            if watchlist.emails.isEmpty {
                results.append(("e-mail", false, "\(watchlist.file): no `email:` recipients for \(watchlist.customer)"))
            } else {
                var message = AlertMail(customer: watchlist.customer, from: from, recipients: watchlist.emails, hits: [hit],
                                        outboxIDs: [], date: now)
                message.isTest = true
                // Each recipient's answer: one refused address is named, the others still count.
                let answers = await mail.deliver(message, to: watchlist.emails + mail.extraRecipients)
                let accepted = answers.filter { $0.error == nil && watchlist.emails.contains($0.address) }.map(\.address)
                var reasons: [String] = []
                for case let error? in answers.map(\.error) where !reasons.contains(error.description) { reasons.append(error.description) }
                if reasons.isEmpty {
                    results.append(("e-mail", true, "accepted for \(accepted.joined(separator: ", ")) (Message-ID \(message.messageID))"))
                } else {
                    results.append(("e-mail", false, (accepted.isEmpty ? "" : "accepted for \(accepted.joined(separator: ", ")); ")
                                        + reasons.joined(separator: "; ")))
                }
            }
        }
        if let syslog {
            do throws(DeliveryError) {
                var test = hit
                test.title = "TEST " + hit.title
                try syslog.send(test, at: now)
                results.append(("syslog", true, "sent to \(syslog.targetDescription)"))
            } catch {
                results.append(("syslog", false, error.description))
            }
        }
        if results.isEmpty { results.append(("all", false, "no alert channel is configured (`smtp:`, `email-dir:` or `syslog:`)")) }
        return results
    }


    static func retryDelay(attempts: Int) -> TimeInterval {
        min(3600, 60 * pow(2, Double(min(attempts, 10))))
    }

    /// Splits one customer's due rows into messages. With `holdBack`, a digest window
    /// holds hits until the oldest is old enough, and the hourly cap holds them once
    /// reached (they go out folded into the next message); without it (`run --once`),
    /// everything due goes now.
    func batches(_ entries: [OutboxEntry], customer: String, now: Date, holdBack: Bool) throws -> [[OutboxEntry]] {
        if holdBack, case .window(let window) = grouping,
           let oldest = entries.map(\.hit.seen).min(), now.timeIntervalSince(oldest) < window {
            return []
        }
        var allowed = Int.max
        if holdBack {
            allowed = maxPerHour - (try store.messagesSent(customer: customer, since: now.addingTimeInterval(-3600)))
            if allowed <= 0 {
                if capped.begin(customer) {
                    logger.notice("hourly alert cap reached; hits wait for the next message (logged again when the cap ends)",
                                  metadata: ["customer": "\(customer)", "pending": "\(entries.count)", "max-per-hour": "\(maxPerHour)"])
                }
                return []
            }
            if capped.end(customer) {
                logger.notice("hourly alert cap over; waiting hits go out now", metadata: ["customer": "\(customer)", "pending": "\(entries.count)"])
            }
        }
        guard case .perHit = grouping else { return [entries] }
        if entries.count <= allowed { return entries.map { [$0] } }
        // More hits than messages allowed: singles, then the rest folded into one.
        return entries.prefix(allowed - 1).map { [$0] } + [Array(entries.dropFirst(allowed - 1))]
    }

    /// Splits `batch` until each message renders within `limit` bytes (a single hit is
    /// never split; the server decides about it): into chunks of about the limit by the
    /// batch's average size per hit (95% of it, so most fit at once), each checked again.
    func fitting(_ batch: [OutboxEntry], customer: String, recipients: [String], limit: Int, now: Date) -> [[OutboxEntry]] {
        guard batch.count > 1 else { return [batch] }
        let size = AlertMail(customer: customer, from: from, recipients: recipients, hits: batch.map(\.hit),
                             outboxIDs: batch.map(\.id), date: now).render().count
        if size <= limit { return [batch] }
        let perChunk = max(1, Int(Double(batch.count) * Double(limit) / Double(size) * 0.95))
        return stride(from: 0, to: batch.count, by: perChunk).flatMap { start in
            fitting(Array(batch[start..<min(start + perChunk, batch.count)]), customer: customer, recipients: recipients,
                    limit: limit, now: now)
        }
    }

    public func dispatch(now: Date = Date(), holdBack: Bool = true) async throws -> DispatchReport {
        var report = DispatchReport()
        if let mail {
            let due = try store.dueOutbox(channel: .email, at: now)
            // The server's EHLO SIZE, asked once, and only when a message is about to go
            // (a digest window holding hits back costs the relay no connection).
            var limit: Int?
            var byCustomer: [String: [OutboxEntry]] = [:]
            for entry in due { byCustomer[entry.hit.customer, default: []].append(entry) }
            for customer in byCustomer.keys.sorted() {
                let entries = byCustomer[customer]!
                guard let watchlist = watchlists.first(where: { $0.customer == customer }), !watchlist.emails.isEmpty else {
                    let reason = "customer \(customer) has no `email:` recipients in its watchlist; add them, then `watchlistd alerts --requeue`"
                    try store.markFailed(entries.map(\.id), error: reason, retryAt: nil)
                    report.fail(.email, reason)
                    logger.error("alert not sent", metadata: ["customer": "\(customer)", "reason": "\(reason)"])
                    continue
                }
                // Rows still owed to particular recipients (after a partial delivery) go
                // only to them, in messages of their own.
                var groups: [[String]: [OutboxEntry]] = [:]
                for entry in entries { groups[entry.owed, default: []].append(entry) }
                groupLoop: for owed in groups.keys.sorted(by: { $0.joined(separator: ",") < $1.joined(separator: ",") }) {
                    let envelope = owed.isEmpty ? watchlist.emails + mail.extraRecipients : owed
                    let batched = try batches(groups[owed]!, customer: customer, now: now, holdBack: holdBack)
                    if !batched.isEmpty, limit == nil { limit = min(maxMessageSize, await mail.advertisedSizeLimit() ?? .max) }
                    var queue = batched.flatMap {
                        fitting($0, customer: customer, recipients: watchlist.emails, limit: limit ?? maxMessageSize, now: now)
                    }
                    while !queue.isEmpty {
                        let batch = queue.removeFirst()
                        let ids = batch.map(\.id)
                        var message = AlertMail(customer: customer, from: from, recipients: watchlist.emails,
                                                hits: batch.map(\.hit), outboxIDs: ids, date: now)
                        message.databaseID = store.databaseID
                        let results = await mail.deliver(message, to: envelope)
                        let refused = results.compactMap(\.error)
                        if batch.count > 1, refused.contains(where: \.tooLarge) {
                            // Larger than the server takes, though within what it said: halve and retry.
                            logger.notice("message too large for the server; splitting it",
                                          metadata: ["customer": "\(customer)", "hits": "\(batch.count)"])
                            let half = batch.count / 2
                            queue.insert(contentsOf: [Array(batch[..<half]), Array(batch[half...])], at: 0)
                            continue
                        }
                        if refused.count < results.count { FaultInjection.crashPoint(.afterMailAccepted) }
                        let attempts = batch.map(\.attempts).max() ?? 0
                        try store.recordDelivery(ids, results: results.map {
                            RecipientResult(address: $0.address, error: $0.error?.description, permanent: $0.error?.permanent ?? false)
                        }, retryAt: now.addingTimeInterval(Self.retryDelay(attempts: attempts)), at: now,
                           messageID: message.messageID, customer: customer)
                        var reasons: [String] = []  // recipients sharing one reason (a failed transaction) count once
                        for error in refused where !reasons.contains(error.description) {
                            reasons.append(error.description)
                            report.fail(.email, error.description)
                            logger.error("alert e-mail refused", metadata: ["customer": "\(customer)", "error": "\(error.description)"])
                        }
                        if refused.count == results.count { break groupLoop }  // nothing got through: the rest waits for the retry
                        report.messagesSent += 1
                        report.hitsMailed += ids.count
                        logger.info("alert e-mail sent", metadata: [
                            "customer": "\(customer)", "hits": "\(ids.count)", "message.id": "\(message.messageID)",
                            "recipients.accepted": "\(results.count - refused.count)", "recipients.refused": "\(refused.count)",
                        ])
                    }
                }
            }
        }
        if let syslog {
            for entry in try store.dueOutbox(channel: .syslog, at: now) {
                do throws(DeliveryError) {
                    try syslog.send(entry.hit, at: now)
                } catch {
                    try store.markFailed([entry.id], error: error.description,
                                         retryAt: now.addingTimeInterval(Self.retryDelay(attempts: entry.attempts)))
                    report.fail(.syslog, error.description)
                    logger.error("syslog record failed", metadata: ["error": "\(error.description)"])
                    break  // the collector is down: the rest waits for the retry
                }
                try store.markSent([entry.id], at: Date())
                report.syslogRecords += 1
            }
        }
        return report
    }
}
