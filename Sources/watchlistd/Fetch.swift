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
                For `format: html`: each item's fields as the expressions read them, and when `items:` \
                selects nothing, the page's most repeated elements to try. \
                Exit 69 when the fetch fails, 65 when the document cannot be read.
                """
        )

        @Option(help: "The configuration file.")
        var config: String

        @Argument(help: "The feed's name (or its URL).")
        var feed: String

        @Option(help: "Show at most this many items.")
        var limit = 50

        func run() async throws {
            let parsed = try loadConfig(config)
            guard let feed = parsed.feeds.first(where: { $0.name == self.feed || $0.url == self.feed }) else {
                printError(
                    "watchlistd fetch: no feed named `\(self.feed)` in \(config); `watchlistd feeds --config \(config)` lists them"
                )
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
            print(
                "    HTTP \(response.status), \(response.body.count) bytes in \(String(format: "%.2f", Date().timeIntervalSince(started))) s, content-type \(response.contentType ?? "none")"
            )
            if feed.format == .html {
                try showHTML(response, feed: feed, matcher: matcher, threshold: parsed.threshold)
                return
            }
            let document: ParsedFeed
            switch FeedParser.parseDocument(response.body, feed: feed, contentType: response.contentType) {
            case .success(let parsed): document = parsed
            case .failure(let error):
                printError("watchlistd fetch: \(error.description)")
                throw Exit.dataError
            }
            print(
                "    \(document.format.rawValue), read as \(document.encoding) (\(document.encodingSource.rawValue)), \(document.items.count) items"
                    + (document.title.map { ", titled \"\(MailHeader.singleLine($0))\"" } ?? "")
            )
            for (index, item) in document.items.prefix(limit).enumerated() {
                print("\(index + 1). \(MailHeader.singleLine(item.title))")
                var facts: [String] = []
                if let link = item.link { facts.append(link) }
                if let date = item.published { facts.append(FeedDates.rfc3339(date)) }
                if let guid = item.guid, guid != item.link { facts.append("id \(guid)") }
                if !facts.isEmpty { print("    " + facts.joined(separator: "  ")) }
                showHits(item, matcher: matcher, threshold: parsed.threshold)
            }
            if document.items.count > limit { print("… \(document.items.count - limit) more (--limit)") }
        }

        func showHits(_ item: FeedItem, matcher: Matcher, threshold: Double) {
            for hit in matcher.match(title: item.title, body: item.body, threshold: threshold) {
                print(
                    "    HIT \(hit.customer) | \(hit.entity) | \(hit.relation.rawValue) \(hit.name) | matched \"\(MailHeader.singleLine(hit.matched))\" | score \(String(format: "%.2f", hit.score))"
                )
            }
        }

        /// `format: html`: every configured field of every item as the expressions read it,
        /// and when `items:` selects nothing, the page's most repeated elements to try.
        func showHTML(_ response: FetchResponse, feed: FeedConfig, matcher: Matcher, threshold: Double) throws {
            let decoded = Charset.decode(response.body, contentType: response.contentType)
            let base = URL(string: feed.url)
            let page: HTMLSource.Page
            switch HTMLSource.read(decoded.utf8, feed: feed, base: base) {
            case .success(let read): page = read
            case .failure(let error):
                printError("watchlistd fetch: \(error.description)")
                throw Exit.dataError
            }
            print(
                "    html, read as \(decoded.encoding) (\(decoded.source.rawValue)), `items:` selects \(page.selected), \(page.extracted.count) items"
            )
            if page.selected == 0 {
                print(
                    "`items: \(feed.itemsPath)` selects nothing on this page. Its most repeated elements (try one in `items:`):"
                )
                for suggestion in page.suggestions { print("    \(suggestion.expression)  ×\(suggestion.count)") }
                return
            }
            if page.selected > page.extracted.count {
                print(
                    "    (\(page.selected - page.extracted.count) selected elements have an empty title and are skipped)"
                )
            }
            for (index, extracted) in page.extracted.prefix(limit).enumerated() {
                let item = extracted.item
                print("\(index + 1). \(MailHeader.singleLine(item.title))")
                for (key, value) in extracted.fields where key != "title" {
                    var shown = MailHeader.singleLine(value)
                    if shown.count > 160 { shown = String(shown.prefix(160)) + "…" }
                    switch key {
                    case "link": shown += item.link.map { $0 != value ? " (\($0))" : "" } ?? " (not a link)"
                    case "date":
                        shown +=
                            item.published.map { " (\(FeedDates.rfc3339($0)))" } ?? " (not a date watchlistd reads)"
                    default: break
                    }
                    print("    \(key): \(shown)")
                }
                if extracted.fields.first(where: { $0.key == "id" })?.value.isEmpty ?? true, item.link == nil {
                    print("    identity: \(item.guid ?? "") (title and body without digits)")
                }
                showHits(item, matcher: matcher, threshold: threshold)
            }
            if page.extracted.count > limit { print("… \(page.extracted.count - limit) more (--limit)") }
        }
    }
}
