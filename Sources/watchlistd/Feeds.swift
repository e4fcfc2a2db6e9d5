import ArgumentParser
import Foundation
import WatchlistCore

extension Watchlistd {
    struct Feeds: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every configured feed's state: last success, last error, next due, items seen."
        )

        @Option(help: "The configuration file.")
        var config: String

        func run() async throws {
            let parsed = try loadConfig(config)
            let states = try readStore(parsed, command: "feeds") { try $0.feedStates() }
            func time(_ date: Date?) -> String { date.map(FeedDates.rfc3339) ?? "never" }
            for feed in parsed.feeds {
                guard let state = states.first(where: { $0.name == feed.name }) else {
                    print("\(feed.name)  \(feed.url)\n    not fetched yet")
                    continue
                }
                let health = state.errorCount == 0 ? "ok" : "FAILING (\(state.errorCount) in a row)"
                print("\(feed.name)  \(feed.url)  \(health)")
                print(
                    "    last success \(time(state.lastSuccess)), next due \(state.nextDueProblem == nil ? time(state.nextDue) : "now"), items seen \(state.itemsSeen)"
                )
                if let problem = state.nextDueProblem {
                    print("    note: \(problem); the daemon fetches it at its next round and stores a fresh date")
                }
                if state.errorCount > 0, let error = state.lastError {
                    print("    last error at \(time(state.lastErrorAt)): \(MailHeader.singleLine(error))")
                }
            }
        }
    }
}
