import ArgumentParser
import Foundation
import WatchlistCore

extension Watchlistd {
    struct Fetch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch one configured feed now and show what watchlistd reads in it (no database, no alerts).",
            discussion: """
                Uses the feed's block as the daemon does (proxy, headers, CA, SSRF guard), then prints the \
                format, the encoding and where it came from, every item, and the hits each would give. \
                Exit 69 when the fetch fails, 65 when the document cannot be read.
                """)

        @Option(help: "The configuration file.")
        var config: String

        @Argument(help: "The feed's name (or its URL).")
        var feed: String

        @Option(help: "Show at most this many items.")
        var limit = 50

        func run() async throws {
            let parsed = try loadConfig(config)
            guard let feed = parsed.feeds.first(where: { $0.name == self.feed || $0.url == self.feed }) else {
                printError("watchlistd fetch: no feed named `\(self.feed)` in \(config); `watchlistd feeds --config \(config)` lists them")
                throw Exit.usage
            }
            let (watchlists, _) = try WatchlistParser.loadDirectory(parsed.watchlistsDirectory)
            let matcher = Matcher(watchlists: watchlists)
            let started = Date()
            let response: FetchResponse
            switch await Fetcher().fetch(Pipeline.request(for: feed)) {
            case .success(let fetched): response = fetched
            case .failure(let error):
                printError("watchlistd fetch: \(error.description)")
                throw Exit.unavailable
            }
            print("\(feed.name)  \(feed.url)")
            print("    HTTP \(response.status), \(response.body.count) bytes in \(String(format: "%.2f", Date().timeIntervalSince(started))) s, content-type \(response.contentType ?? "none")")
            let document: ParsedFeed
            switch FeedParser.parseDocument(response.body, feed: feed, contentType: response.contentType) {
            case .success(let parsed): document = parsed
            case .failure(let error):
                printError("watchlistd fetch: \(error.description)")
                throw Exit.dataError
            }
            print("    \(document.format.rawValue), read as \(document.encoding) (\(document.encodingSource.rawValue)), \(document.items.count) items"
                  + (document.title.map { ", titled \"\(MailHeader.singleLine($0))\"" } ?? ""))
            for (index, item) in document.items.prefix(limit).enumerated() {
                print("\(index + 1). \(MailHeader.singleLine(item.title))")
                var facts: [String] = []
                if let link = item.link { facts.append(link) }
                if let date = item.published { facts.append(FeedDates.rfc3339(date)) }
                if let guid = item.guid, guid != item.link { facts.append("id \(guid)") }
                if !facts.isEmpty { print("    " + facts.joined(separator: "  ")) }
                for hit in matcher.match(title: item.title, body: item.body, threshold: parsed.threshold) {
                    print("    HIT \(hit.customer) | \(hit.entity) | \(hit.relation.rawValue) \(hit.name) | matched \"\(MailHeader.singleLine(hit.matched))\" | score \(String(format: "%.2f", hit.score))")
                }
            }
            if document.items.count > limit { print("… \(document.items.count - limit) more (--limit)") }
        }
    }
}
