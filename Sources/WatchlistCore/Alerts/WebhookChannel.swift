import CHMAC
import Foundation
import Logging

extension ChannelName {
    public static let webhook: ChannelName = "webhook"
}

/// Alerts as JSON POSTs (`webhook:`): the configuration's webhook receives every
/// customer's hits, a `.watch` file's webhook only that customer's. One POST per customer
/// and dispatch (`grouping: batch`, at most 100 hits) or per hit, the body
/// `{"hits": [ … ]}` with the keys of `hits --json` plus `id` (the same on a redelivery),
/// `explanation` and, for a match in the body, `excerpt`. With `secret-file:`, the header
/// `X-Watchlistd-Signature-256: sha256=HEX` is the HMAC-SHA256 of the exact body.
///
/// Through libcurl with a feed's options (`Fetcher`: proxy, CA, TLS checks, time limits,
/// the SSRF guard, which applies to a webhook URL even when it names an internal address
/// itself). 2xx is delivered; 429 and 5xx (and no answer) are retried with backoff, never
/// before the receiver's Retry-After; a redirect or another 4xx is parked with the status
/// and the first line of the receiver's answer. Each endpoint a row goes to is one of its
/// recipients (`outbox_recipient`), so after one of two endpoints refused, only that one
/// is owed the row.
public struct WebhookChannel: AlertChannel {
    public static let name = ChannelName.webhook
    public static let configKeys = ["webhook"]
    /// The header carrying the signature (as GitHub's `X-Hub-Signature-256`).
    public static let signatureHeader = "X-Watchlistd-Signature-256"

    /// The configuration's webhook (every customer's hits).
    public var shared: WebhookConfig?
    /// Each customer's own webhook, from its `.watch` file.
    public var perCustomer: [String: WebhookConfig]

    public init(shared: WebhookConfig?, perCustomer: [String: WebhookConfig]) {
        self.shared = shared
        self.perCustomer = perCustomer
    }

    public static func make(config: DaemonConfig, watchlists: [Watchlist]) -> WebhookChannel? {
        var perCustomer: [String: WebhookConfig] = [:]
        for watchlist in watchlists { perCustomer[watchlist.customer] = watchlist.webhook }
        guard config.webhook != nil || !perCustomer.isEmpty else { return nil }
        return WebhookChannel(shared: config.webhook, perCustomer: perCustomer)
    }

    /// The endpoints `customer`'s hits go to: the shared one, then its own (once each).
    func endpoints(for customer: String) -> [WebhookConfig] {
        var endpoints = shared.map { [$0] } ?? []
        if let own = perCustomer[customer], !endpoints.contains(where: { $0.url == own.url }) { endpoints.append(own) }
        return endpoints
    }

    public func routes(_ hit: MatchHit) -> Bool { !endpoints(for: hit.customer).isEmpty }

    /// One value of the document: the webhook's wire format, as `AlertMail` is e-mail's.
    enum Value: Encodable {
        case text(String)
        case number(Double)
        case flag(Bool)
        case null
        case object([String: Value])
        case list([Value])

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .text(let text): try container.encode(text)
            case .number(let number): try container.encode(number)
            case .flag(let flag): try container.encode(flag)
            case .null: try container.encodeNil()
            case .object(let fields): try container.encode(fields)
            case .list(let values): try container.encode(values)
            }
        }
    }

    /// One hit: the keys of `hits --json` (docs/interfaces.md; `link` null when the listing
    /// has none), plus `id` (the same on a redelivery), `explanation` and `excerpt`.
    static func object(_ hit: StoredHit, databaseID: String) -> Value {
        var fields: [String: Value] = [
            "item": .text(hit.itemKey), "feed": .text(hit.feed), "customer": .text(hit.customer),
            "entity": .text(hit.entity),
            "name": .text(hit.name), "relation": .text(hit.relation), "matched": .text(hit.matched),
            "score": .number((hit.score * 100).rounded() / 100), "field": .text(hit.field), "title": .text(hit.title),
            "link": hit.link.map(Value.text) ?? .null, "seen": .text(FeedDates.rfc3339(hit.seen)),
            "watchlist": .text("\(hit.watchFile):\(hit.watchLine)"), "id": .text("\(databaseID)-\(hit.id)"),
            "explanation": .text(
                "\(hit.relation) \"\(hit.name)\" of \(hit.entity) matched \"\(hit.matched)\" in the \(hit.field) "
                    + "(score \(String(format: "%.2f", hit.score)))"
            ),
        ]
        if let excerpt = hit.excerpt { fields["excerpt"] = .text(excerpt) }
        return .object(fields)
    }

    /// The document for `hits` (keys sorted, so the same hits give the same bytes).
    static func document(_ hits: [StoredHit], databaseID: String, test: Bool = false) -> String {
        var document: [String: Value] = ["hits": .list(hits.map { object($0, databaseID: databaseID) })]
        if test { document["test"] = .flag(true) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return (try? encoder.encode(document)).map { String(decoding: $0, as: UTF8.self) } ?? "{\"hits\":[]}"
    }

    /// `sha256=HEX`: the HMAC-SHA256 of `body`'s bytes under `secret`'s.
    public static func signature(_ body: String, secret: String) -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        let key = Array(secret.utf8)
        let data = Array(body.utf8)
        let status = wl_hmac_sha256(key, key.count, data, data.count, &digest)
        precondition(status == 0, "libcrypto's HMAC-SHA256 failed")
        return "sha256=" + digest.map { String(format: "%02x", $0) }.joined()
    }

    /// What one POST came to.
    struct Answer {
        var error: String?
        var permanent = false
        /// Seconds the receiver asked us to wait (Retry-After on 429/503).
        var retryAfter: Int?
    }

    /// POSTs `body` to `endpoint` (on a transfer thread; cancelling the task aborts it).
    static func post(_ body: String, to endpoint: WebhookConfig) async -> Answer {
        var request = FetchRequest(feed: "webhook", url: endpoint.url, proxy: endpoint.transfer.proxy)
        request.postBody = body
        request.headers = ["Content-Type: application/json", "Expect:"]
        if let secret = endpoint.secret {
            request.headers.append("\(signatureHeader): \(signature(body, secret: secret))")
        }
        request.proxyCredentials = endpoint.transfer.proxyCredentials
        request.caFile = endpoint.transfer.caFile
        request.verifyTLS = endpoint.transfer.verifyTLS
        request.refuseInternal = !endpoint.transfer.allowInternal
        request.totalTimeout = endpoint.timeout
        request.connectTimeout = min(20, endpoint.timeout)
        request.maxBytes = 1 << 20
        let target = "webhook \(endpoint.shownURL) (\(endpoint.origin))"
        switch await Fetcher().fetch(request) {
        case .success(let response) where (200..<300).contains(response.status):
            return Answer()
        case .success(let response):
            return Answer(
                error:
                    "\(target): HTTP status \(response.status) — not a 2xx answer; parked, fix the receiver, then `watchlistd alerts --requeue`",
                permanent: true
            )
        case .failure(let error):
            switch error.kind {
            case .http(let status) where status == 429 || status >= 500:
                return Answer(error: "\(target): \(error.detail) — will be retried", retryAfter: error.retryAfter)
            case .http(let status) where (300..<400).contains(status):
                return Answer(
                    error:
                        "\(target): \(error.detail) — redirects are not followed: put the final URL in the `webhook:` line, "
                        + "then `watchlistd alerts --requeue`",
                    permanent: true
                )
            case .http:
                return Answer(
                    error: "\(target): \(error.detail) — refused; parked: fix the receiver or the `webhook:` block, "
                        + "then `watchlistd alerts --requeue`",
                    permanent: true
                )
            case .internalAddress:
                return Answer(
                    error:
                        "\(target): \(error.detail) — the SSRF guard refused it; if the receiver really is internal, "
                        + "set `allow-internal: yes` in the `webhook:` block, then `watchlistd alerts --requeue`",
                    permanent: true
                )
            default:
                return Answer(error: "\(target): \(error.detail) — will be retried")
            }
        }
    }

    public func deliver(_ due: [OutboxEntry], context: DeliveryContext) async throws -> ChannelReport {
        var report = ChannelReport()
        var byCustomer: [String: [OutboxEntry]] = [:]
        for entry in due { byCustomer[entry.hit.customer, default: []].append(entry) }
        for customer in byCustomer.keys.sorted() {
            let configured = endpoints(for: customer)
            guard !configured.isEmpty else {
                let reason =
                    "no `webhook:` applies to customer \(customer) any more; add one, then `watchlistd alerts --requeue`"
                try await context.record(.parked(reason), for: byCustomer[customer]!.map(\.id))
                report.failures.append(reason)
                context.logger.error(
                    "webhook alert not sent",
                    metadata: ["customer": "\(customer)", "reason": "\(reason)"]
                )
                continue
            }
            // Rows still owed to particular endpoints (after one of several refused) go only to them.
            var groups: [[String]: [OutboxEntry]] = [:]
            for entry in byCustomer[customer]! { groups[entry.owed, default: []].append(entry) }
            for owed in groups.keys.sorted(by: { $0.joined(separator: " ") < $1.joined(separator: " ") }) {
                let targets = owed.isEmpty ? configured : configured.filter { owed.contains($0.shownURL) }
                let entries = groups[owed]!
                guard !targets.isEmpty else {
                    let reason =
                        "the webhook \(owed.joined(separator: ", ")) is no longer configured for customer \(customer); "
                        + "`watchlistd alerts --requeue` sends to the current ones"
                    try await context.record(.parked(reason), for: entries.map(\.id))
                    report.failures.append(reason)
                    continue
                }
                let size = targets.contains { $0.grouping == .hit } ? 1 : targets.map(\.maxBatch).min()!
                for start in stride(from: 0, to: entries.count, by: size) {
                    let batch = Array(entries[start..<min(start + size, entries.count)])
                    let body = Self.document(batch.map(\.hit), databaseID: context.store.databaseID)
                    var results: [RecipientResult] = []
                    var wait = 0
                    for endpoint in targets {
                        let answer = await Self.post(body, to: endpoint)
                        results.append(
                            RecipientResult(
                                address: endpoint.shownURL,
                                error: answer.error,
                                permanent: answer.permanent
                            )
                        )
                        wait = max(wait, answer.retryAfter ?? 0)
                    }
                    let accepted = results.filter { $0.error == nil }.count
                    if accepted > 0 { FaultInjection.crashPoint(.afterWebhookAccepted) }
                    let attempts = batch.map(\.attempts).max() ?? 0
                    try await context.record(
                        .perRecipient(
                            results,
                            retryAt: context.retryAt(attempts: attempts, notBefore: TimeInterval(wait))
                        ),
                        for: batch.map(\.id)
                    )
                    for case let error? in results.map(\.error) where !report.failures.contains(error) {
                        report.failures.append(error)
                        context.logger.error(
                            "webhook alert refused",
                            metadata: ["customer": "\(customer)", "error": "\(error)"]
                        )
                    }
                    if accepted == 0 { break }  // nothing got through: the rest waits for the retry
                    report.messages += 1
                    report.hits += batch.count
                    context.logger.info(
                        "webhook alert sent",
                        metadata: [
                            "customer": "\(customer)", "hits": "\(batch.count)", "endpoints.accepted": "\(accepted)",
                            "endpoints.refused": "\(results.count - accepted)",
                        ]
                    )
                }
            }
        }
        return report
    }

    public func sendTest(_ hit: StoredHit, watchlist: Watchlist) async -> ChannelTestResult {
        let targets = endpoints(for: watchlist.customer)
        guard !targets.isEmpty else {
            return ChannelTestResult(
                channel: Self.label,
                ok: false,
                detail:
                    "no `webhook:` applies to \(watchlist.customer) (\(watchlist.file) has none, nor the configuration)"
            )
        }
        let body = Self.document([hit], databaseID: "test", test: true)
        var accepted: [String] = []
        var refused: [String] = []
        for endpoint in targets {
            if let error = await Self.post(body, to: endpoint).error {
                refused.append(error)
            } else {
                accepted.append(endpoint.shownURL)
            }
        }
        let detail = (accepted.isEmpty ? [] : ["accepted by \(accepted.joined(separator: ", "))"]) + refused
        return ChannelTestResult(channel: Self.label, ok: refused.isEmpty, detail: detail.joined(separator: "; "))
    }
}
