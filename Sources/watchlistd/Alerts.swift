import ArgumentParser
import Foundation
import WatchlistCore

extension Watchlistd {
    struct Alerts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The alert outbox: pending, sent and failed deliveries per channel, with the reasons.")

        @Option(help: "The configuration file (for the database path).")
        var config: String

        @Option(help: "Which rows to list: pending, sent, failed, or all (default: pending and failed).")
        var state: String = "open"

        func run() async throws {
            let parsed = try loadConfig(config)
            let states: [String]
            switch state.lowercased() {
            case "open": states = ["pending", "failed"]
            case "all": states = ["pending", "sent", "failed"]
            case "pending", "sent", "failed": states = [state.lowercased()]
            default:
                printError("watchlistd alerts: --state must be pending, sent, failed, open or all")
                throw Exit.usage
            }
            let (counts, rows) = try readStore(parsed, command: "alerts") { store in
                (try store.outboxCounts(), try store.outbox(states: states))
            }
            for channel in AlertChannel.allCases.map(\.rawValue) {
                print("\(channel): \(outboxSummary(counts, channel: channel))")
            }
            for row in rows {
                let title = MailHeader.singleLine(String(row.hit.title.prefix(60)))
                var line = "\(row.state) \(row.channel) \(row.hit.customer) — \(row.hit.entity) [\(row.hit.feed)] \(title)"
                line += " (attempts \(row.attempts)"
                if row.state == "pending" { line += ", next \(FeedDates.rfc3339(row.nextAttempt))" }
                if let sent = row.sentAt { line += ", sent \(FeedDates.rfc3339(sent))" }
                line += ")"
                print(line)
                if let error = row.lastError { print("    last error: \(MailHeader.singleLine(error))") }
            }
        }
    }
}
