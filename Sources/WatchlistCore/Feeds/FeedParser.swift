import Foundation

/// Why a document could not be read as a feed.
public struct ParseError: Error, Sendable, CustomStringConvertible {
    public var feed: String
    public var message: String
    public var description: String { "feed \(feed): \(message)" }
}

/// A parsed document: its items, and what the conformance run and `feeds` report.
public struct ParsedFeed: Sendable {
    public enum Format: String, Sendable {
        case rss, atom, rdf
        case jsonFeed = "json-feed"
        case json
        case jsonLines = "json-lines"
        case html
    }
    public var format: Format
    public var title: String?
    public var link: String?
    public var items: [FeedItem]
    /// The encoding the bytes were read as, and where that came from.
    public var encoding: String
    public var encodingSource: DecodedText.Source
}

/// The one entry point from bytes to items: decodes (see `Charset`), sniffs the format
/// and hands off to the XML reader (RSS 0.9x / 1.0 RDF / 2.0, Atom 0.3 / 1.0), the JSON
/// readers (JSON Feed, a plain JSON API through the feed's field paths, JSON Lines), or
/// for `format: html` the HTML reader (`HTMLSource`, XPath expressions).
public enum FeedParser {
    public static func parse(
        _ data: Data,
        feed: FeedConfig,
        contentType: String? = nil
    ) -> Result<[FeedItem], ParseError> {
        parseDocument(data, feed: feed, contentType: contentType).map(\.items)
    }

    /// `baseURL`: where relative links point from (default: the feed's URL).
    public static func parseDocument(
        _ data: Data,
        feed: FeedConfig,
        contentType: String? = nil,
        baseURL: URL? = nil
    ) -> Result<ParsedFeed, ParseError> {
        if feed.format == .html, let refused = HTMLSource.sizeProblem(data.count, feed: feed) {
            return .failure(refused)
        }  // before decoding it
        let decoded = Charset.decode(data, contentType: contentType)
        var bytes = decoded.utf8[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        let first = bytes.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        func finish(_ result: Result<ParsedFeed, ParseError>) -> Result<ParsedFeed, ParseError> {
            result.map { parsed in
                var parsed = parsed
                parsed.encoding = decoded.encoding
                parsed.encodingSource = decoded.source
                return parsed
            }
        }
        switch (feed.format, first) {
        case (.html, _):
            let base =
                baseURL
                ?? URL(string: feed.url).flatMap {
                    ["http", "https"].contains($0.scheme?.lowercased() ?? "") ? $0 : nil
                }
            return finish(HTMLSource.parse(Data(bytes), feed: feed, base: base))
        case (.jsonl, _):
            return finish(JSONFeedReader.parseLines(Data(bytes), feed: feed))
        case (.json, _), (.auto, UInt8(ascii: "{")), (.auto, UInt8(ascii: "[")):
            if feed.format == .auto, JSONFeedReader.looksLikeJSONLines(bytes) {
                return finish(JSONFeedReader.parseLines(Data(bytes), feed: feed))
            }
            return finish(JSONFeedReader.parse(Data(bytes), feed: feed))
        case (.auto, UInt8(ascii: "<")):
            let base =
                baseURL
                ?? URL(string: feed.url).flatMap {
                    ["http", "https"].contains($0.scheme?.lowercased() ?? "") ? $0 : nil
                }
            return finish(
                XMLFeedReader.parseDocument(XMLFeedReader.declaringUTF8(Data(bytes)), feed: feed.name, base: base)
            )
        case (.auto, nil):
            return .failure(ParseError(feed: feed.name, message: "empty document"))
        default:
            return .failure(
                ParseError(
                    feed: feed.name,
                    message:
                        "neither XML nor JSON (first byte 0x\(String(first!, radix: 16))); check the URL serves a feed"
                )
            )
        }
    }
}
