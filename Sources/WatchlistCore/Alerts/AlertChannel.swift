import Foundation
import Logging

/// One way alerts leave the daemon (e-mail, syslog, webhook). The dispatcher knows
/// channels only through this protocol, as a `ServiceGroup` knows only `Service`s: the
/// outbox, the metrics, `alerts`, `status` and `test-alert` are keyed by `name`.
///
/// A channel is built from the configuration (`make`), says which new hits are queued
/// for it (`routes`), delivers its due outbox rows (`deliver`) and sends a test message
/// (`sendTest`). Delivery is at-least-once: a row's outcome is recorded
/// (`DeliveryContext.record`) only after the receiver answered, so a crash in between
/// means the row is delivered again, never lost.
public protocol AlertChannel: Sendable {
    /// The channel's name in the outbox and everywhere it is shown (`email`, `syslog`, …).
    static var name: ChannelName { get }
    /// What `test-alert` calls it (default: the name).
    static var label: String { get }
    /// The configuration keys that configure it (`smtp`, `email-dir`), for messages.
    static var configKeys: [String] { get }
    /// The channel as `config` and the watchlists configure it; nil when it is not configured.
    static func make(config: DaemonConfig, watchlists: [Watchlist]) -> Self?
    /// Whether a new hit is queued on this channel.
    func routes(_ hit: MatchHit) -> Bool
    /// Delivers `due` (this channel's due rows, oldest first), recording every row's
    /// outcome through `context` once it is known. Rows it holds back (a digest window,
    /// an hourly cap) are left as they are.
    func deliver(_ due: [OutboxEntry], context: DeliveryContext) async throws -> ChannelReport
    /// Sends a clearly marked test alert for `watchlist`'s customer; nothing is stored.
    func sendTest(_ hit: StoredHit, watchlist: Watchlist) async -> ChannelTestResult
}

extension AlertChannel {
    public static var label: String { name.rawValue }
    public var name: ChannelName { Self.name }
}

/// Every kind of channel, in the order `alerts`, `status` and the metrics list them.
/// A new channel adds its type here.
public enum AlertChannels {
    public static let kinds: [any AlertChannel.Type] = [EmailChannel.self, SyslogChannel.self, WebhookChannel.self]

    public static var names: [ChannelName] { kinds.map { $0.name } }

    /// "`smtp:`, `email-dir:` or `syslog:`": what configures a channel, for messages.
    public static var configKeys: String {
        let keys = kinds.flatMap { $0.configKeys }.map { "`\($0):`" }
        return keys.count < 2 ? keys.joined() : keys.dropLast().joined(separator: ", ") + " or " + keys.last!
    }

    /// The channels `config` configures, in `kinds` order.
    public static func make(config: DaemonConfig, watchlists: [Watchlist]) -> [any AlertChannel] {
        kinds.compactMap { $0.make(config: config, watchlists: watchlists) }
    }
}

/// What one delivery of one row (or one batch of rows) came to.
public enum DeliveryOutcome: Sendable {
    /// The receiver accepted it. With a message (e-mail), it counts toward the hourly cap.
    case delivered(messageID: String? = nil, customer: String? = nil)
    /// A transient failure: retried at `at`.
    case retry(String, at: Date)
    /// A permanent failure: parked with the reason until `alerts --requeue`.
    case parked(String)
    /// Per recipient (e-mail addresses, webhook endpoints): accepted ones are no longer
    /// owed, refused ones are retried (transient) or parked (permanent); see
    /// `Store.recordDelivery`.
    case perRecipient([RecipientResult], retryAt: Date, messageID: String? = nil, customer: String? = nil)
}

/// What a channel's delivery needs from the dispatcher: the outbox and the time.
public struct DeliveryContext: Sendable {
    public var store: Store
    public var now: Date
    /// False for `run --once`: digest windows and hourly caps hold nothing back.
    public var holdBack: Bool
    public var logger: Logger

    /// Records the outcome of `ids`: the only way a channel changes its rows.
    /// Carried through even when the task is cancelled (`Store.writeToEnd`).
    public func record(_ outcome: DeliveryOutcome, for ids: [Int64]) async throws {
        guard !ids.isEmpty else { return }
        switch outcome {
        case .delivered(let messageID, let customer):
            try await store.markSent(ids, at: now, messageID: messageID, customer: customer)
        case .retry(let reason, let at):
            try await store.markFailed(ids, error: reason, retryAt: at)
        case .parked(let reason):
            try await store.markFailed(ids, error: reason, retryAt: nil)
        case .perRecipient(let results, let retryAt, let messageID, let customer):
            try await store.recordDelivery(
                ids,
                results: results,
                retryAt: retryAt,
                at: now,
                messageID: messageID,
                customer: customer
            )
        }
    }

    /// When a row that failed after `attempts` earlier attempts is tried again: 1 min
    /// doubling per attempt, at most 1 h; never before `notBefore` (a server's Retry-After).
    public func retryAt(attempts: Int, notBefore: TimeInterval? = nil) -> Date {
        now.addingTimeInterval(max(AlertDispatcher.retryDelay(attempts: attempts), notBefore ?? 0))
    }
}

/// What one channel did in one dispatch.
public struct ChannelReport: Sendable, Equatable {
    /// Messages, records or requests the receiver accepted.
    public var messages = 0
    /// Hits those carried.
    public var hits = 0
    /// Why deliveries failed, one line each (a reason shared by several rows once).
    public var failures: [String] = []

    public init(messages: Int = 0, hits: Int = 0, failures: [String] = []) {
        (self.messages, self.hits, self.failures) = (messages, hits, failures)
    }
}

/// One line of `test-alert`.
public struct ChannelTestResult: Sendable {
    /// The channel's label (`e-mail`, `syslog`, `webhook`).
    public var channel: String
    public var ok: Bool
    public var detail: String

    public init(channel: String, ok: Bool, detail: String) {
        (self.channel, self.ok, self.detail) = (channel, ok, detail)
    }
}
