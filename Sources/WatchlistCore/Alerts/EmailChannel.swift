import Foundation
import Logging

extension ChannelName {
    public static let email: ChannelName = "email"
}

/// Alerts by e-mail (`smtp:` or `email-dir:`): one message per customer with that
/// customer's hits, to that customer's `email:` recipients only (and the `bcc:`). A
/// transient refusal is retried with backoff, a permanent one parked with the reason;
/// after a partial delivery only the recipients that refused are owed the row.
public struct EmailChannel: AlertChannel {
    public static let name = ChannelName.email
    public static let label = "e-mail"
    public static let configKeys = ["smtp", "email-dir"]

    public var watchlists: [Watchlist]
    public var transport: any MailTransport
    public var from: String
    /// How hits become messages (`grouping:` in the `smtp:` block).
    public var grouping: SMTPConfig.Grouping = .dispatch
    /// At most this many messages per customer per hour; further hits wait and are
    /// folded into the next message (`max-per-hour:`).
    public var maxPerHour = 12
    /// No message is larger than this (`max-message-size:`), nor than the server's EHLO
    /// `SIZE`: a batch that would be is split into several messages.
    public var maxMessageSize = 10_000_000
    /// Customers at their hourly cap: logged when it is reached and when it ends.
    let capped = LogOnce()

    public init(watchlists: [Watchlist], transport: any MailTransport, from: String) {
        self.watchlists = watchlists
        self.transport = transport
        self.from = from
    }

    public static func make(config: DaemonConfig, watchlists: [Watchlist]) -> EmailChannel? {
        let transport: any MailTransport
        if let directory = config.emailDirectory {
            transport = DirectoryTransport(directory: directory)
        } else if let smtp = config.smtp {
            transport = SMTPTransport(config: smtp)
        } else {
            return nil
        }
        var channel = EmailChannel(
            watchlists: watchlists,
            transport: transport,
            from: config.smtp?.from ?? "watchlistd@localhost"
        )
        if let smtp = config.smtp {
            channel.grouping = smtp.grouping
            channel.maxPerHour = smtp.maxPerHour
            channel.maxMessageSize = smtp.maxMessageSize
        }
        return channel
    }

    /// Every hit: a customer without recipients has its rows parked with the reason.
    public func routes(_ hit: MatchHit) -> Bool { true }

    public func sendTest(_ hit: StoredHit, watchlist: Watchlist) async -> ChannelTestResult {
        guard !watchlist.emails.isEmpty else {
            return ChannelTestResult(
                channel: Self.label,
                ok: false,
                detail: "\(watchlist.file): no `email:` recipients for \(watchlist.customer)"
            )
        }
        var message = AlertMail(
            customer: watchlist.customer,
            from: from,
            recipients: watchlist.emails,
            hits: [hit],
            outboxIDs: [],
            date: hit.seen
        )
        message.isTest = true
        // Each recipient's answer: one refused address is named, the others still count.
        let answers = await transport.deliver(message, to: watchlist.emails + transport.extraRecipients)
        let accepted = answers.filter { $0.error == nil && watchlist.emails.contains($0.address) }.map(\.address)
        var reasons: [String] = []
        for case let error? in answers.map(\.error) where !reasons.contains(error.description) {
            reasons.append(error.description)
        }
        if reasons.isEmpty {
            return ChannelTestResult(
                channel: Self.label,
                ok: true,
                detail: "accepted for \(accepted.joined(separator: ", ")) (Message-ID \(message.messageID))"
            )
        }
        return ChannelTestResult(
            channel: Self.label,
            ok: false,
            detail: (accepted.isEmpty ? "" : "accepted for \(accepted.joined(separator: ", ")); ")
                + reasons.joined(separator: "; ")
        )
    }

    /// Splits one customer's due rows into messages. With `holdBack`, a digest window
    /// holds hits until the oldest is old enough, and the hourly cap holds them once
    /// reached (they go out folded into the next message); without it (`run --once`),
    /// everything due goes now.
    func batches(_ entries: [OutboxEntry], customer: String, context: DeliveryContext) async throws -> [[OutboxEntry]] {
        let (now, logger) = (context.now, context.logger)
        if context.holdBack, case .window(let window) = grouping,
            let oldest = entries.map(\.hit.seen).min(), now.timeIntervalSince(oldest) < window
        {
            return []
        }
        var allowed = Int.max
        if context.holdBack {
            allowed =
                maxPerHour
                - (try await context.store.messagesSent(customer: customer, since: now.addingTimeInterval(-3600)))
            if allowed <= 0 {
                if capped.begin(customer) {
                    logger.notice(
                        "hourly alert cap reached; hits wait for the next message (logged again when the cap ends)",
                        metadata: [
                            "customer": "\(customer)", "pending": "\(entries.count)", "max-per-hour": "\(maxPerHour)",
                        ]
                    )
                }
                return []
            }
            if capped.end(customer) {
                logger.notice(
                    "hourly alert cap over; waiting hits go out now",
                    metadata: ["customer": "\(customer)", "pending": "\(entries.count)"]
                )
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
    func fitting(
        _ batch: [OutboxEntry],
        customer: String,
        recipients: [String],
        limit: Int,
        now: Date
    ) -> [[OutboxEntry]] {
        guard batch.count > 1 else { return [batch] }
        let size = AlertMail(
            customer: customer,
            from: from,
            recipients: recipients,
            hits: batch.map(\.hit),
            outboxIDs: batch.map(\.id),
            date: now
        ).render().count
        if size <= limit { return [batch] }
        let perChunk = max(1, Int(Double(batch.count) * Double(limit) / Double(size) * 0.95))
        return stride(from: 0, to: batch.count, by: perChunk).flatMap { start in
            fitting(
                Array(batch[start..<min(start + perChunk, batch.count)]),
                customer: customer,
                recipients: recipients,
                limit: limit,
                now: now
            )
        }
    }

    public func deliver(_ due: [OutboxEntry], context: DeliveryContext) async throws -> ChannelReport {
        var report = ChannelReport()
        let (now, logger) = (context.now, context.logger)
        // The server's EHLO SIZE, asked once, and only when a message is about to go
        // (a digest window holding hits back costs the relay no connection).
        var limit: Int?
        var byCustomer: [String: [OutboxEntry]] = [:]
        for entry in due { byCustomer[entry.hit.customer, default: []].append(entry) }
        for customer in byCustomer.keys.sorted() {
            let entries = byCustomer[customer]!
            guard let watchlist = watchlists.first(where: { $0.customer == customer }), !watchlist.emails.isEmpty else {
                let reason =
                    "customer \(customer) has no `email:` recipients in its watchlist; add them, then `watchlistd alerts --requeue`"
                try await context.record(.parked(reason), for: entries.map(\.id))
                report.failures.append(reason)
                logger.error("alert not sent", metadata: ["customer": "\(customer)", "reason": "\(reason)"])
                continue
            }
            // Rows still owed to particular recipients (after a partial delivery) go
            // only to them, in messages of their own.
            var groups: [[String]: [OutboxEntry]] = [:]
            for entry in entries { groups[entry.owed, default: []].append(entry) }
            groupLoop: for owed in groups.keys.sorted(by: { $0.joined(separator: ",") < $1.joined(separator: ",") }) {
                let envelope = owed.isEmpty ? watchlist.emails + transport.extraRecipients : owed
                let batched = try await batches(groups[owed]!, customer: customer, context: context)
                if !batched.isEmpty, limit == nil {
                    limit = min(maxMessageSize, await transport.advertisedSizeLimit() ?? .max)
                }
                var queue = batched.flatMap {
                    fitting(
                        $0,
                        customer: customer,
                        recipients: watchlist.emails,
                        limit: limit ?? maxMessageSize,
                        now: now
                    )
                }
                while !queue.isEmpty {
                    let batch = queue.removeFirst()
                    let ids = batch.map(\.id)
                    var message = AlertMail(
                        customer: customer,
                        from: from,
                        recipients: watchlist.emails,
                        hits: batch.map(\.hit),
                        outboxIDs: ids,
                        date: now
                    )
                    message.databaseID = context.store.databaseID
                    let results = await transport.deliver(message, to: envelope)
                    let refused = results.compactMap(\.error)
                    if batch.count > 1, refused.contains(where: \.tooLarge) {
                        // Larger than the server takes, though within what it said: halve and retry.
                        logger.notice(
                            "message too large for the server; splitting it",
                            metadata: ["customer": "\(customer)", "hits": "\(batch.count)"]
                        )
                        let half = batch.count / 2
                        queue.insert(contentsOf: [Array(batch[..<half]), Array(batch[half...])], at: 0)
                        continue
                    }
                    if refused.count < results.count { FaultInjection.crashPoint(.afterMailAccepted) }
                    let attempts = batch.map(\.attempts).max() ?? 0
                    try await context.record(
                        .perRecipient(
                            results.map {
                                RecipientResult(
                                    address: $0.address,
                                    error: $0.error?.description,
                                    permanent: $0.error?.permanent ?? false
                                )
                            },
                            retryAt: context.retryAt(attempts: attempts),
                            messageID: message.messageID,
                            customer: customer
                        ),
                        for: ids
                    )
                    var reasons: [String] = []  // recipients sharing one reason (a failed transaction) count once
                    for error in refused where !reasons.contains(error.description) {
                        reasons.append(error.description)
                        report.failures.append(error.description)
                        logger.error(
                            "alert e-mail refused",
                            metadata: ["customer": "\(customer)", "error": "\(error.description)"]
                        )
                    }
                    // nothing got through: the rest waits for the retry
                    if refused.count == results.count { break groupLoop }
                    report.messages += 1
                    report.hits += ids.count
                    logger.info(
                        "alert e-mail sent",
                        metadata: [
                            "customer": "\(customer)", "hits": "\(ids.count)", "message.id": "\(message.messageID)",
                            "recipients.accepted": "\(results.count - refused.count)",
                            "recipients.refused": "\(refused.count)",
                        ]
                    )
                }
            }
        }
        return report
    }
}
