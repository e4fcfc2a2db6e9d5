import ArgumentParser
import Foundation
import WatchlistCore

extension Watchlistd {
    struct Hits: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The stored hits, newest first.")

        @Option(help: "The configuration file (for the database path).")
        var config: String

        @Flag(help: "One JSON object a line.")
        var json = false

        @Option(help: "Only this customer's hits.")
        var customer: String?

        @Option(help: "Only hits recorded since: a duration back from now (24h, 7d) or an RFC 3339 time.")
        var since: String?

        @Option(help: "At most this many hits.")
        var limit: Int?

        func run() async throws {
            let parsed = try loadConfig(config)
            var sinceDate: Date?
            if let since {
                if let duration = ConfigParser.parseDuration(since) {
                    sinceDate = Date().addingTimeInterval(-Double(duration.components.seconds))
                } else if let date = FeedDates.parse(since) {
                    sinceDate = date
                } else {
                    printError("watchlistd hits: --since \(since) is neither a duration (24h, 7d) nor an RFC 3339 time")
                    throw Exit.usage
                }
            }
            let hits = try readStore(parsed, command: "hits") {
                try $0.hits(customer: customer, since: sinceDate, limit: limit)
            }
            if json {
                for hit in hits { print(HitJSON.line(hit)) }
                return
            }
            if hits.isEmpty {
                print("no hits")
                return
            }
            for hit in hits {
                let title = hit.title.count > 70 ? String(hit.title.prefix(70)) + "…" : hit.title
                print("\(FeedDates.rfc3339(hit.seen))  \(hit.customer) — \(hit.entity)")
                print(
                    "    \(hit.relation) \"\(hit.name)\" matched \"\(hit.matched)\" score \(String(format: "%.2f", hit.score))"
                )
                print("    [\(hit.feed)] \(MailHeader.singleLine(title))\(hit.link.map { "  <\($0)>" } ?? "")")
            }
        }
    }
}
