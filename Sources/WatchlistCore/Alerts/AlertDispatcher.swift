import Foundation
import Logging

/// What one dispatch did, per channel (by name).
public struct DispatchReport: Sendable, Equatable {
    public var channels: [ChannelName: ChannelReport] = [:]

    public init() {}

    /// One channel's part (empty when it did nothing).
    public subscript(channel: ChannelName) -> ChannelReport {
        get { channels[channel] ?? ChannelReport() }
        set { channels[channel] = newValue }
    }

    /// Every failure of every channel, channels in name order.
    public var failures: [String] { channels.keys.sorted().flatMap { channels[$0]!.failures } }

    /// Messages, records and requests delivered, all channels together.
    public var delivered: Int { channels.values.reduce(0) { $0 + $1.messages } }

    /// Deliveries were attempted and not one succeeded (`run --once` exits 75 then).
    public var allFailed: Bool { !failures.isEmpty && delivered == 0 }

    /// Log fields: `CHANNEL.messages` for each channel that delivered, and `alerts.failed`.
    public var logMetadata: Logger.Metadata {
        var fields: Logger.Metadata = ["alerts.failed": "\(failures.count)"]
        for (name, report) in channels where report.messages > 0 { fields["\(name).messages"] = "\(report.messages)" }
        return fields
    }
}

/// Sends the due outbox rows through each configured channel (`AlertChannel`). A row is
/// marked sent only after its receiver accepted it; transient failures are retried with
/// exponential backoff (1 min doubling, at most 1 h), permanent ones are parked with the
/// reason.
public struct AlertDispatcher: Sendable {
    public var store: Store
    public var watchlists: [Watchlist]
    public var channels: [any AlertChannel]
    public var logger: Logger

    public init(store: Store, watchlists: [Watchlist], channels: [any AlertChannel], logger: Logger) {
        self.store = store
        self.watchlists = watchlists
        self.channels = channels
        self.logger = logger
    }

    /// The channels a new hit is queued on.
    public func channels(for hit: MatchHit) -> [ChannelName] {
        channels.filter { $0.routes(hit) }.map(\.name)
    }

    /// Sends a clearly marked test alert for `customer` through every configured channel;
    /// returns one line per channel saying what happened. Nothing is stored.
    public func sendTest(customer: String, now: Date = Date()) async -> [ChannelTestResult] {
        guard let watchlist = watchlists.first(where: { $0.customer.lowercased() == customer.lowercased() }) else {
            return [
                ChannelTestResult(
                    channel: "all",
                    ok: false,
                    detail:
                        "no watchlist has `customer: \(customer)`; known customers: \(watchlists.map(\.customer).joined(separator: ", "))"
                )
            ]
        }
        let hit = StoredHit(
            id: 0,
            itemKey: "test",
            feed: "test-alert",
            customer: watchlist.customer,
            entity: "(test)",
            name: "(test)",
            relation: "name",
            matched: "(test)",
            score: 1,
            title: "watchlistd test alert — no action needed",
            link: nil,
            seen: now,
            watchFile: watchlist.file,
            watchLine: 1
        )
        var results: [ChannelTestResult] = []
        for channel in channels { results.append(await channel.sendTest(hit, watchlist: watchlist)) }
        if results.isEmpty {
            results.append(
                ChannelTestResult(
                    channel: "all",
                    ok: false,
                    detail: "no alert channel is configured (\(AlertChannels.configKeys))"
                )
            )
        }
        return results
    }

    static func retryDelay(attempts: Int) -> TimeInterval {
        min(3600, 60 * pow(2, Double(min(attempts, 10))))
    }

    /// Delivers every channel's due rows. With `holdBack` false (`run --once`), digest
    /// windows and hourly caps hold nothing back.
    public func dispatch(now: Date = Date(), holdBack: Bool = true) async throws -> DispatchReport {
        var report = DispatchReport()
        let context = DeliveryContext(store: store, now: now, holdBack: holdBack, logger: logger)
        for channel in channels {
            let due = try await store.dueOutbox(channel: channel.name, at: now)
            guard !due.isEmpty else { continue }
            report[channel.name] = try await channel.deliver(due, context: context)
        }
        return report
    }
}
