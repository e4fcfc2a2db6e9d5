import Foundation

/// JSON Feed 1.0/1.1, and plain JSON APIs through the feed's field paths
/// (`items:` `$` or dotted keys; `title:`, `link:`, `id:`, `date:`, `body:`).
enum JSONFeedReader {
    /// True when the document is several JSON values, one a line (JSON Lines).
    static func looksLikeJSONLines(_ bytes: Data.SubSequence) -> Bool {
        let lines = bytes.split(separator: 0x0A, maxSplits: 2).filter {
            !$0.allSatisfy { [0x20, 0x09, 0x0D].contains($0) }
        }
        guard lines.count >= 2, let first = lines.first else { return false }
        return (try? JSONSerialization.jsonObject(with: Data(first))) is [String: Any]
    }

    /// JSON Lines: one object a line, read with the feed's field paths (defaults: `title`,
    /// `link` or `url`, `id`, `date` or `published`, `body` or `content`). A line that is
    /// not JSON is skipped, not fatal; a document with no readable line is an error.
    static func parseLines(_ data: Data, feed: FeedConfig) -> Result<ParsedFeed, ParseError> {
        var items: [FeedItem] = []
        var bad = 0
        var lines = 0
        for line in data.split(separator: 0x0A) where !line.allSatisfy({ [0x20, 0x09, 0x0D].contains($0) }) {
            lines += 1
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) else {
                bad += 1
                continue
            }
            if let item = item(from: object, feed: feed, defaults: true) { items.append(item) }
        }
        if lines > 0 && bad == lines {
            return .failure(ParseError(feed: feed.name, message: "JSON Lines with no readable line (\(lines) lines)"))
        }
        return .success(
            ParsedFeed(
                format: .jsonLines,
                title: nil,
                link: nil,
                items: items,
                encoding: "utf-8",
                encodingSource: .declaration
            )
        )
    }

    static func item(from element: Any, feed: FeedConfig, defaults: Bool) -> FeedItem? {
        func first(_ path: String?, _ fallbacks: [String]) -> String? {
            if let path, let value = string(value(at: path, in: element)) { return value }
            guard defaults else { return nil }
            return fallbacks.lazy.compactMap { string(value(at: $0, in: element)) }.first
        }
        guard let title = first(feed.titlePath, ["title", "name", "post_title"]) else { return nil }
        var body = first(feed.bodyPath, ["body", "content", "description", "summary"]).map(HTMLText.plain)
        // `body: a | b`: each value, one a line (empty and null ones left out)
        if let path = feed.bodyPath, path.contains("|") {
            let values = path.split(separator: "|").compactMap {
                string(value(at: $0.trimmingCharacters(in: .whitespaces), in: element))
            }
            .map(HTMLText.plain).filter { !$0.isEmpty }
            body = values.isEmpty ? nil : values.joined(separator: "\n")
        }
        return FeedItem(
            guid: first(feed.idPath, ["id", "guid"]),
            link: first(feed.linkPath, ["link", "url"]),
            title: HTMLText.plain(title),
            body: body ?? "",
            published: first(feed.datePath, ["date", "published", "discovered"]).flatMap(FeedDates.parse)
        )
    }

    static func parse(_ data: Data, feed: FeedConfig) -> Result<ParsedFeed, ParseError> {
        parseItems(data, feed: feed).map { items, format, title, link in
            ParsedFeed(
                format: format,
                title: title,
                link: link,
                items: items,
                encoding: "utf-8",
                encodingSource: .declaration
            )
        }
    }

    static func parseItems(
        _ data: Data,
        feed: FeedConfig
    ) -> Result<([FeedItem], ParsedFeed.Format, String?, String?), ParseError> {
        let document: Any
        do {
            document = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            return .failure(ParseError(feed: feed.name, message: "malformed JSON: \(error.localizedDescription)"))
        }
        if feed.format == .auto {
            guard let object = document as? [String: Any], let items = object["items"] as? [[String: Any]] else {
                return .failure(
                    ParseError(
                        feed: feed.name,
                        message:
                            "JSON but not a JSON Feed (no `items` array); for a JSON API set `format: json` with `items:` and `title:` paths"
                    )
                )
            }
            return .success(
                (
                    items.map { item in
                        let html = (item["content_html"] as? String).map(HTMLText.plain)
                        return FeedItem(
                            guid: string(item["id"]),
                            link: string(item["url"]),
                            title: HTMLText.plain(string(item["title"]) ?? ""),
                            body: string(item["content_text"]) ?? html ?? string(item["summary"]) ?? "",
                            published: string(item["date_published"]).flatMap(FeedDates.parse)
                        )
                    }, .jsonFeed, string(object["title"]), string(object["home_page_url"])
                )
            )
        }
        guard let list = value(at: feed.itemsPath, in: document) as? [Any] else {
            return .failure(
                ParseError(feed: feed.name, message: "`items: \(feed.itemsPath)` does not lead to a JSON array")
            )
        }
        return .success((list.compactMap { item(from: $0, feed: feed, defaults: false) }, .json, nil, nil))
    }

    /// `$` is the value itself; `a.b.c` walks object keys (a leading `$.` is allowed).
    static func value(at path: String, in document: Any) -> Any? {
        var current: Any? = document
        var components = path.split(separator: ".").map(String.init)
        if components.first == "$" { components.removeFirst() }
        for key in components {
            current = (current as? [String: Any])?[key]
        }
        return current
    }

    static func string(_ value: Any?) -> String? {
        switch value {
        case let string as String: return string
        case let number as NSNumber: return number.stringValue
        default: return nil
        }
    }
}
