import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Why a document could not be read as a feed.
public struct ParseError: Error, Sendable, CustomStringConvertible {
    public var feed: String
    public var message: String
    public var description: String { "feed \(feed): \(message)" }
}

/// The one entry point from bytes to items: sniffs the format and hands off to the
/// XML reader (RSS 0.9x / 1.0 RDF / 2.0, Atom) or the JSON reader (JSON Feed, or a plain
/// JSON API through the feed's field paths).
public enum FeedParser {
    public static func parse(_ data: Data, feed: FeedConfig) -> Result<[FeedItem], ParseError> {
        var bytes = data[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        let first = bytes.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        switch (feed.format, first) {
        case (.json, _), (.auto, UInt8(ascii: "{")), (.auto, UInt8(ascii: "[")):
            return JSONFeedReader.parse(Data(bytes), feed: feed)
        case (.auto, UInt8(ascii: "<")):
            return XMLFeedReader.parse(data, feed: feed.name)
        case (.auto, nil):
            return .failure(ParseError(feed: feed.name, message: "empty document"))
        default:
            return .failure(ParseError(feed: feed.name, message: "neither XML nor JSON (first byte 0x\(String(first!, radix: 16))); check the URL serves a feed"))
        }
    }
}

/// RSS and Atom through FoundationXML's SAX parser (libxml2). External entities are
/// never loaded by `XMLParser` (checked: platform notes), and its error is checked
/// after `parse()`, which can return true on a truncated document.
enum XMLFeedReader {
    static func parse(_ data: Data, feed: String) -> Result<[FeedItem], ParseError> {
        let parser = XMLParser(data: repairedUTF8(data))
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        let delegate = Delegate()
        parser.delegate = delegate
        let ok = parser.parse()
        if !ok || parser.parserError != nil {
            let error = parser.parserError.map { "\($0.localizedDescription) (code \(($0 as NSError).code))" } ?? "unknown error"
            return .failure(ParseError(feed: feed, message: "malformed XML at line \(parser.lineNumber): \(error)"))
        }
        guard delegate.sawFeedRoot else {
            return .failure(ParseError(feed: feed, message: "XML but not RSS or Atom (root element <\(delegate.root ?? "?")>)"))
        }
        return .success(delegate.items)
    }

    /// Invalid byte sequences in a UTF-8 document are replaced with U+FFFD rather than
    /// failing the whole feed (criminals' feeds are not carefully encoded). Documents that
    /// declare another encoding are left to libxml2.
    static func repairedUTF8(_ data: Data) -> Data {
        let prolog = String(decoding: data.prefix(200), as: UTF8.self).lowercased()
        if let range = prolog.range(of: "encoding=") {
            let declared = prolog[range.upperBound...].dropFirst().prefix { $0 != "\"" && $0 != "'" }
            guard declared == "utf-8" || declared == "utf8" else { return data }
        }
        if String(validating: data, as: UTF8.self) != nil { return data }
        return Data(String(decoding: data, as: UTF8.self).utf8)
    }

    final class Delegate: NSObject, XMLParserDelegate {
        var items: [FeedItem] = []
        var root: String?
        var sawFeedRoot = false
        private var depth = 0
        private var itemDepth: Int?
        private var field: String?
        private var fieldDepth = 0
        private var text = ""
        private var current = Fields()

        struct Fields {
            var title = "", link = "", guid = "", description = "", content = "", date = ""
            var alternateLink: String?
        }

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            depth += 1
            if root == nil {
                root = name
                sawFeedRoot = ["rss", "feed", "RDF", "channel"].contains(name)
            }
            if name == "item" || name == "entry" {
                itemDepth = depth
                current = Fields()
                return
            }
            guard let itemDepth, depth == itemDepth + 1 else { return }
            if name == "link", let href = attributes["href"] {  // Atom
                let rel = attributes["rel"] ?? "alternate"
                if rel == "alternate" && current.alternateLink == nil { current.alternateLink = href }
            }
            if ["title", "link", "guid", "id", "description", "summary", "content", "encoded", "pubDate", "published",
                "updated", "date", "issued", "modified"].contains(name) {
                field = name
                fieldDepth = depth
                text = ""
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if field != nil { text += string }
        }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
            if field != nil { text += String(decoding: CDATABlock, as: UTF8.self) }
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            defer { depth -= 1 }
            if let itemDepth, depth == itemDepth, name == "item" || name == "entry" {
                finishItem()
                self.itemDepth = nil
                return
            }
            guard let field, depth == fieldDepth else { return }
            let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
            switch field {
            case "title": current.title = value
            case "link": if current.link.isEmpty { current.link = value }
            case "guid", "id": current.guid = value
            case "description", "summary": if current.description.isEmpty { current.description = value }
            case "content", "encoded": current.content = value
            default: if current.date.isEmpty { current.date = value }
            }
            self.field = nil
        }

        private func finishItem() {
            let link = current.alternateLink ?? (current.link.isEmpty ? nil : current.link)
            let body = HTMLText.plain(current.content.isEmpty ? current.description : current.content)
            let title = HTMLText.plain(current.title)
            items.append(FeedItem(guid: current.guid.isEmpty ? nil : current.guid, link: link,
                                  title: title, body: body, published: FeedDates.parse(current.date)))
        }
    }
}

/// JSON Feed 1.0/1.1, and plain JSON APIs through the feed's field paths
/// (`items:` `$` or dotted keys; `title:`, `link:`, `id:`, `date:`, `body:`).
enum JSONFeedReader {
    static func parse(_ data: Data, feed: FeedConfig) -> Result<[FeedItem], ParseError> {
        let document: Any
        do {
            document = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            return .failure(ParseError(feed: feed.name, message: "malformed JSON: \(error.localizedDescription)"))
        }
        if feed.format == .auto {
            guard let object = document as? [String: Any], let items = object["items"] as? [[String: Any]] else {
                return .failure(ParseError(feed: feed.name, message: "JSON but not a JSON Feed (no `items` array); for a JSON API set `format: json` with `items:` and `title:` paths"))
            }
            return .success(items.map { item in
                let html = (item["content_html"] as? String).map(HTMLText.plain)
                return FeedItem(guid: string(item["id"]), link: string(item["url"]),
                                title: HTMLText.plain(string(item["title"]) ?? ""),
                                body: string(item["content_text"]) ?? html ?? string(item["summary"]) ?? "",
                                published: string(item["date_published"]).flatMap(FeedDates.parse))
            })
        }
        guard let list = value(at: feed.itemsPath, in: document) as? [Any] else {
            return .failure(ParseError(feed: feed.name, message: "`items: \(feed.itemsPath)` does not lead to a JSON array"))
        }
        return .success(list.compactMap { element in
            guard let title = string(value(at: feed.titlePath, in: element)) else { return nil }
            return FeedItem(guid: feed.idPath.flatMap { string(value(at: $0, in: element)) },
                            link: feed.linkPath.flatMap { string(value(at: $0, in: element)) },
                            title: HTMLText.plain(title),
                            body: feed.bodyPath.flatMap { string(value(at: $0, in: element)) }.map(HTMLText.plain) ?? "",
                            published: feed.datePath.flatMap { string(value(at: $0, in: element)) }.flatMap(FeedDates.parse))
        })
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
