import ArgumentParser
import Foundation
import WatchlistCore

extension Watchlistd {
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The daemon's view from its database: feeds, last cycle, hits, alert outbox."
        )

        @Option(help: "The configuration file.")
        var config: String

        /// The daemon's last configuration load: a rejected reload, with its first problem.
        static func configLine(_ load: Store.ConfigLoad?) -> String {
            guard let load else { return "no daemon start recorded yet" }
            if load.ok { return "\(load.detail) \(FeedDates.rfc3339(load.at))" }
            let good =
                load.lastSuccess.map { "the configuration loaded \(FeedDates.rfc3339($0)) stays in force" }
                ?? "the previous configuration stays in force"
            return
                "last reload REJECTED \(FeedDates.rfc3339(load.at)): \(load.detail); \(good); fix the file and reload"
        }

        func run() async throws {
            let parsed = try loadConfig(config)
            // From the lock file first: shown even when the database cannot be opened (a full disk).
            print("database:   \(parsed.databasePath)")
            let daemon = InstanceLock.inspect(database: parsed.databasePath)
            print(
                "daemon:     "
                    + (daemon.running ? "running" + (daemon.pid.map { " (pid \($0))" } ?? "") : "not running")
            )
            if daemon.running, let note = daemon.note { print("            \(note)") }
            try readStore(parsed, command: "status") { store in
                let feeds = try store.feedStates().filter { state in parsed.feeds.contains { $0.name == state.name } }
                let failing = feeds.filter { $0.errorCount > 0 }
                let lastCycle = feeds.compactMap { [$0.lastSuccess, $0.lastErrorAt].compactMap { $0 }.max() }.max()
                let today = try store.hitCount(since: Calendar.current.startOfDay(for: Date()))
                let total = try store.hitCount()
                let outbox = try store.outboxCounts()
                print(
                    "feeds:      \(parsed.feeds.count) configured, \(feeds.count - failing.count) ok, \(failing.count) failing, \(parsed.feeds.count - feeds.count) never fetched"
                )
                for feed in failing { print("            failing: \(feed.name) (\(feed.errorCount) in a row)") }
                print("last cycle: \(lastCycle.map(FeedDates.rfc3339) ?? "never")")
                print("config:     " + Self.configLine(try store.lastConfigLoad()))
                print("hits:       \(today) today, \(total) in all")
                for channel in shownChannels(outbox) {
                    print(
                        (channel.rawValue + ":").padding(toLength: 12, withPad: " ", startingAt: 0)
                            + outboxSummary(outbox, channel: channel)
                    )
                }
            }
        }
    }
}
