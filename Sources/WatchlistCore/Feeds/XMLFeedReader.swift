import CFeedXML
import Foundation

/// RSS and Atom through libxml2's SAX2 parser (the CFeedXML shim: no network, no DTD,
/// no entity substitution; well-formedness checked, not only the return value).
/// FoundationXML's `XMLParser` over the same library was the first version; its
/// per-element bridging cost half the parse time.
enum XMLFeedReader {
    /// Items of an XML document given as raw bytes (decoded first, as `FeedParser` does).
    static func parse(_ data: Data, feed: String) -> Result<[FeedItem], ParseError> {
        let decoded = Charset.decode(data)
        return parseDocument(declaringUTF8(decoded.utf8), feed: feed).map(\.items)
    }

    static func parseDocument(_ data: Data, feed: String, base: URL? = nil) -> Result<ParsedFeed, ParseError> {
        let delegate = Delegate(base: base)
        // The DOCTYPE goes first (no entity is ever declared, so none is ever expanded:
        // billion laughs and quadratic blow-up read as literal text), then the repairs.
        let document = XMLRepair.repair(XMLRepair.strippingDoctype(data))
        guard document.count < Int(Int32.max) else {
            return .failure(ParseError(feed: feed, message: "document too large"))
        }
        var handlers = wl_xml_handlers(
            start: { context, prefix, local, count, attributes in
                let delegate = Unmanaged<Delegate>.fromOpaque(context!).takeUnretainedValue()
                let localName = String(cString: local!)
                let qName = prefix.map { String(cString: $0) + ":" + localName } ?? localName
                var dictionary = Attributes()
                if count > 0, let attributes {
                    for i in 0..<Int(count) {
                        guard let name = attributes[4 * i + 1], let start = attributes[4 * i + 2],
                            let end = attributes[4 * i + 3]
                        else { continue }
                        let key =
                            attributes[4 * i].map { String(cString: $0) + ":" + String(cString: name) }
                            ?? String(cString: name)
                        let length = end - start
                        dictionary.pairs.append(
                            (
                                key,
                                start.withMemoryRebound(to: UInt8.self, capacity: length) {
                                    String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
                                }
                            )
                        )
                    }
                }
                delegate.start(qName: qName, attributes: dictionary)
            },
            end: { context, prefix, local in
                let delegate = Unmanaged<Delegate>.fromOpaque(context!).takeUnretainedValue()
                let localName = String(cString: local!)
                delegate.end(qName: prefix.map { String(cString: $0) + ":" + localName } ?? localName)
            },
            text: { context, bytes, length in
                let delegate = Unmanaged<Delegate>.fromOpaque(context!).takeUnretainedValue()
                guard delegate.wantsText, let bytes, length > 0 else { return }
                bytes.withMemoryRebound(to: UInt8.self, capacity: Int(length)) {
                    delegate.characters(
                        String(decoding: UnsafeBufferPointer(start: $0, count: Int(length)), as: UTF8.self)
                    )
                }
            }
        )
        var code: Int32 = 0
        var line: Int32 = 0
        var message = [CChar](repeating: 0, count: 256)
        let ok = withExtendedLifetime(delegate) {
            document.withUnsafeBytes { raw in
                wl_xml_parse(
                    raw.baseAddress?.assumingMemoryBound(to: CChar.self),
                    Int32(raw.count),
                    &handlers,
                    Unmanaged.passUnretained(delegate).toOpaque(),
                    &code,
                    &line,
                    &message,
                    message.count
                )
            }
        }
        guard ok == 1 else {
            let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return .failure(
                ParseError(
                    feed: feed,
                    message:
                        "malformed XML at line \(line): \(text.isEmpty ? "not well-formed" : text) (libxml2 error \(code))"
                )
            )
        }
        guard let format = delegate.format else {
            return .failure(
                ParseError(feed: feed, message: "XML but not RSS or Atom (root element <\(delegate.root ?? "?")>)")
            )
        }
        let title = delegate.feedTitle.map {
            delegate.feedTitleIsText ? HTMLText.collapseWhitespace($0) : HTMLText.plain($0)
        }
        return .success(
            ParsedFeed(
                format: format,
                title: title,
                link: delegate.feedLink,
                items: delegate.items,
                encoding: "utf-8",
                encodingSource: .declaration
            )
        )
    }

    /// The document is UTF-8 now (`Charset` decoded it): its XML declaration must say
    /// so, or libxml2 would decode it a second time.
    static func declaringUTF8(_ input: Data) -> Data {
        // Blank lines before the XML declaration (ill-formed, and common) are dropped.
        let data =
            input.first.map { [0x20, 0x09, 0x0A, 0x0D].contains($0) } == true
                && input.drop(while: { [0x20, 0x09, 0x0A, 0x0D].contains($0) }).starts(with: Array("<?xml".utf8))
            ? Data(input.drop(while: { [0x20, 0x09, 0x0A, 0x0D].contains($0) })) : input
        guard data.starts(with: Array("<?xml".utf8)), let end = data.prefix(512).firstRange(of: Array("?>".utf8)) else {
            return data
        }
        let declaration = String(decoding: data[data.startIndex..<end.lowerBound], as: UTF8.self)
        guard let range = declaration.range(of: #"encoding\s*=\s*["'][^"']*["']"#, options: .regularExpression) else {
            return data
        }
        var fixed = declaration
        fixed.replaceSubrange(range, with: "encoding=\"UTF-8\"")
        return Data(fixed.utf8) + data[end.lowerBound...]
    }

    /// An element's attributes by qualified name (`href`, `xml:base`): a handful at most,
    /// so a list searched in order beats hashing into a dictionary.
    struct Attributes {
        var pairs: [(String, String)] = []
        subscript(_ name: String) -> String? {
            for (key, value) in pairs where key == name { return value }
            return nil
        }
    }

    /// The reader's state machine, fed by libxml2's SAX callbacks (CFeedXML).
    final class Delegate {
        var items: [FeedItem] = []
        var root: String?
        var format: ParsedFeed.Format?
        var feedTitle: String?
        var feedTitleIsText: Bool { feedTitleXHTML }
        private var feedTitleXHTML = false
        var feedLink: String?
        private var feedField: String?
        private var channelDepth = 0
        private var depth = 0
        private var itemDepth: Int?
        private var field: String?
        private var fieldDepth = 0
        private var text = ""
        private var current = Fields()

        struct Fields {
            var title = "", link = "", guid = "", description = "", content = "", date = ""
            var alternateLink: String?
            /// RSS: a `<guid>` that is a permalink stands in for a missing `<link>`.
            var guidIsPermaLink = true
            var base: URL?
            /// The title was inline XHTML: the parser already made it text.
            var titleIsText = false
        }
        private var fieldBase64 = false
        private var fieldIsXHTML = false

        /// Atom: `mode="base64"` (0.3), or a `type` that is neither text nor XML (1.0, RFC 4287 §4.1.3.3).
        static func isBase64(_ attributes: Attributes) -> Bool {
            if attributes["mode"] == "base64" { return true }
            // a MIME type, with "/"
            guard let type = attributes["type"], type.utf8.contains(0x2F) else { return false }
            let lower = type.lowercased()
            return !lower.hasPrefix("text/") && !lower.hasSuffix("+xml") && !lower.hasSuffix("/xml")
        }

        static func isXHTML(_ attributes: Attributes) -> Bool {
            let type = attributes["type"]?.lowercased() ?? ""
            return type == "xhtml" || type == "application/xhtml+xml" || attributes["mode"] == "xml"
        }
        /// xml:base in force at each open element (the document's URL at the bottom).
        private var bases: [URL?]

        init(base: URL?) {
            bases = [base]
        }

        /// Modules whose elements are not the item's own (`media:title` is a video's title,
        /// `itunes:summary` a podcast's); every other prefix (`dc:`, `content:`, `atom:`, an
        /// RSS namespace under any prefix) is read like the plain element.
        static let foreignPrefixes: Set<String> = [
            "media", "itunes", "googleplay", "podcast", "yt", "georss", "gml", "geo",
            "slash", "wfw", "feedburner", "thr", "sy", "admin", "cc", "creativeCommons",
            "trackback", "psc", "xhtml", "html", "foaf", "image", "enc", "ev", "taxo",
        ]
        private var mediaTitle: String?
        static func isItemField(_ name: String) -> Bool {
            switch name {
            case "title", "link", "guid", "id", "description", "summary", "content", "encoded", "pubDate", "published",
                "updated", "date", "issued", "modified":
                return true
            default: return false
            }
        }

        static func isForeign(_ qName: String) -> Bool {
            guard qName.utf8.contains(0x3A) else { return false }
            return foreignPrefixes.contains(prefix(qName))
        }
        /// Inside a field, the depth of a <script>/<style> child whose text is not text.
        private var skipFrom: Int?

        static func prefix(_ qName: String) -> String {
            guard let colon = qName.utf8.firstIndex(of: 0x3A) else { return "" }
            return String(qName[..<colon])
        }

        func start(qName: String, attributes: Attributes) {
            let name = Self.local(qName)
            depth += 1
            let parentBase = bases.last ?? nil
            bases.append(
                attributes["xml:base"].flatMap { URL(string: $0, relativeTo: parentBase)?.absoluteURL } ?? parentBase
            )
            if root == nil {
                root = name
                switch name {
                case "rss", "channel": format = .rss
                case "feed", "entry": format = .atom  // an Atom Entry Document is a feed of one
                case "RDF": format = .rdf
                default: break
                }
                if name == "feed" { channelDepth = depth }
            }
            if name == "channel" && itemDepth == nil { channelDepth = depth }
            if itemDepth == nil, channelDepth > 0, depth == channelDepth + 1, name == "title" || name == "link" {
                if name == "link", let href = attributes["href"] {
                    if (attributes["rel"] ?? "alternate") == "alternate" && feedLink == nil {
                        feedLink = resolved(href)
                    }
                } else if !Self.isForeign(qName) {
                    feedField = name
                    fieldBase64 = Self.isBase64(attributes)
                    fieldIsXHTML = Self.isXHTML(attributes)
                    text = ""
                }
            }
            if name == "item" || name == "entry" {
                itemDepth = depth
                current = Fields()
                current.base = bases.last ?? nil
                mediaTitle = nil
                if let about = attributes["rdf:about"] { current.guid = about }  // RSS 1.0
                return
            }
            if field != nil || feedField != nil {
                if skipFrom == nil, name.lowercased() == "script" || name.lowercased() == "style" { skipFrom = depth }
                // block boundaries separate words
                if skipFrom == nil, !HTMLText.inline.contains(name.lowercased()) { text += " " }
                return
            }
            if let itemDepth, depth == itemDepth + 1, Self.prefix(qName) == "media", name == "title" {
                field = "media-title"
                fieldDepth = depth
                text = ""
                return
            }
            guard let itemDepth, depth == itemDepth + 1, !Self.isForeign(qName) else { return }
            if name == "guid", attributes["isPermaLink"]?.lowercased() == "false" { current.guidIsPermaLink = false }
            if name == "link", let href = attributes["href"] {  // Atom
                let rel = attributes["rel"] ?? "alternate"
                if rel == "alternate" && current.alternateLink == nil { current.alternateLink = href }
            }
            if Self.isItemField(name) {
                field = name
                fieldDepth = depth
                fieldBase64 = Self.isBase64(attributes)
                fieldIsXHTML = Self.isXHTML(attributes)
                text = ""
            }
        }

        /// Whether text now belongs to a field (so the reader builds no string otherwise).
        var wantsText: Bool { (field != nil || feedField != nil) && skipFrom == nil }

        func characters(_ string: String) {
            if wantsText { text += string }
        }

        /// A link made absolute against the xml:base in force (and the document's URL).
        func resolved(_ link: String) -> String {
            guard URL(string: link)?.scheme == nil, let base = bases.last ?? nil else { return link }
            return URL(string: link, relativeTo: base)?.absoluteString ?? link
        }

        func decodedValue() -> String {
            let value = Self.trimmed(text)
            guard fieldBase64, let data = Data(base64Encoded: value, options: .ignoreUnknownCharacters) else {
                return value
            }
            return String(decoding: data, as: UTF8.self)
        }

        /// Without ASCII whitespace at the ends (Foundation's trimming was a fifth of parse time).
        static func trimmed(_ text: String) -> String {
            var copy = text
            return copy.withUTF8 { bytes in
                func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }
                var start = 0
                var end = bytes.count
                while start < end, isSpace(bytes[start]) { start += 1 }
                while end > start, isSpace(bytes[end - 1]) { end -= 1 }
                if start == 0 && end == bytes.count { return text }
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
            }
        }

        static func local(_ qName: String) -> String {
            guard let colon = qName.utf8.lastIndex(of: 0x3A) else { return qName }
            return String(qName[qName.utf8.index(after: colon)...])
        }

        func end(qName: String) {
            let name = Self.local(qName)
            defer {
                depth -= 1
                bases.removeLast()
            }
            if let skip = skipFrom {
                if depth == skip { skipFrom = nil }
                return
            }
            if let feedField, name == feedField, depth == channelDepth + 1 {
                let value = decodedValue()
                if feedField == "title", feedTitle == nil {
                    feedTitle = value
                    feedTitleXHTML = fieldIsXHTML
                }
                if feedField == "link", feedLink == nil, !value.isEmpty { feedLink = resolved(value) }
                self.feedField = nil
                return
            }
            if let itemDepth, depth == itemDepth, name == "item" || name == "entry" {
                finishItem()
                self.itemDepth = nil
                return
            }
            guard let field, depth == fieldDepth else { return }
            let value = decodedValue()
            switch field {
            case "media-title": if mediaTitle == nil { mediaTitle = value }
            case "title":
                current.title = value
                current.titleIsText = fieldIsXHTML
            case "link": if current.link.isEmpty { current.link = value }
            case "guid", "id": current.guid = name == "id" ? resolved(value) : value
            case "description", "summary": if current.description.isEmpty { current.description = value }
            case "content", "encoded": current.content = value
            default: if current.date.isEmpty { current.date = value }
            }
            self.field = nil
        }

        private func finishItem() {
            var link = current.alternateLink ?? (current.link.isEmpty ? nil : current.link)
            if link == nil, current.guidIsPermaLink, current.guid.hasPrefix("http") { link = current.guid }
            // Relative links resolved against xml:base and the feed's own URL.
            if let relative = link, let base = current.base, URL(string: relative)?.scheme == nil {
                link = URL(string: relative, relativeTo: base)?.absoluteString ?? relative
            }
            let body = HTMLText.plain(current.content.isEmpty ? current.description : current.content)
            let title =
                current.titleIsText
                ? HTMLText.collapseWhitespace(current.title)
                : HTMLText.plain(current.title.isEmpty ? mediaTitle ?? "" : current.title)
            items.append(
                FeedItem(
                    guid: current.guid.isEmpty ? nil : current.guid,
                    link: link,
                    title: title,
                    body: body,
                    published: FeedDates.parse(current.date)
                )
            )
        }
    }
}
