import Foundation

/// `format: html`: a page without a feed (a leak site's victim cards, a forum's thread
/// list, a channel preview) read with XPath 1.0 expressions from the feed's block.
///
/// - `items:` selects the repeated elements; `title:`, `link:`, `id:`, `date:` and
///   `body:` are evaluated with each item as the context node. A node set gives its
///   first node's text (`body:` every node's, joined); `string(…)`, `normalize-space(…)`,
///   `concat(…)` and `@href` work as XPath says. Without `title:` the item's own text is
///   the title; an item whose title comes out empty is skipped.
/// - Links are made absolute against `<base href>` and the page's URL; `javascript:`
///   and bare `#` links count as none.
/// - Dates: ISO 8601, `2024-03-19 10:11`, RFC 822, `19 Mar 2024`, `Mar 19, 2024`,
///   `19.03.2024`, `2024/03/19`, unambiguous `DD/MM/YYYY`, and relative ones ("3 days ago",
///   "yesterday") against the fetch time; anything else leaves the date empty.
/// - Identity: `id:` when it gives text, else the link, else a hash of the title and the
///   body with every digit removed from the body. A card whose countdown or view counter
///   ticks keeps its identity (its stored text is updated and matched again, which makes
///   no second alert); a changed title makes a new item. When digits in the body are what
///   tells items apart, configure `id:`.
///
/// Bounds: documents over `maxDocumentBytes` are refused, libxml2's parser limits apply
/// (HTML_PARSE_HUGE is never set), each XPath evaluation stops after
/// `HTMLDocument.operationLimit` operations, `items:` may select at most `maxItems`
/// elements, and extraction stops at `deadline`. Any of these is the feed's error.
public enum HTMLSource {
    public static let maxDocumentBytes = 32 << 20
    public static let maxItems = 5_000
    public static let deadline: TimeInterval = 10

    /// The keys a block gives expressions in, in the order they are checked.
    static let keys = ["items", "title", "link", "id", "date", "body"]

    /// One item as read, with each configured expression's raw text (for `fetch`).
    public struct Extracted: Sendable {
        public var item: FeedItem
        /// (key, text) for every configured field, in `keys` order.
        public var fields: [(key: String, value: String)]
    }

    /// What a page yields: the items, the elements `items:` selected (items with an empty
    /// title are skipped), and, when `items:` selected nothing, the page's most repeated
    /// elements as `//tag[@class="…"]` expressions with their counts.
    public struct Page: Sendable {
        public var extracted: [Extracted]
        public var selected: Int
        public var suggestions: [(expression: String, count: Int)]
        public var items: [FeedItem] { extracted.map(\.item) }
    }

    /// The expressions of a block, compiled.
    struct Expressions {
        var items: XPathExpression
        var fields: [String: XPathExpression]
    }

    /// The expression a key of `feed` holds (nil: not configured).
    static func source(_ key: String, of feed: FeedConfig) -> String? {
        let configured = feed.keyLines[key] != nil
        switch key {
        case "items": return configured || feed.itemsPath != "$" ? feed.itemsPath : nil
        case "title": return configured || feed.titlePath != "title" ? feed.titlePath : nil
        case "link": return feed.linkPath
        case "id": return feed.idPath
        case "date": return feed.datePath
        case "body": return feed.bodyPath
        default: return nil
        }
    }

    /// `FILE:LINE` of a key (the feed's own line when the key has none).
    static func location(_ key: String, of feed: FeedConfig) -> String {
        let file = feed.file.isEmpty ? "the configuration" : feed.file
        return "\(file):\(feed.keyLines[key] ?? feed.line)"
    }

    /// Compiles every expression of the block; the problems name the key and its line.
    static func compile(_ feed: FeedConfig) -> Result<Expressions, ConfigurationError> {
        var problems: [Diagnostic] = []
        var compiled: [String: XPathExpression] = [:]
        for key in keys {
            guard let source = source(key, of: feed) else {
                if key == "items" {
                    problems.append(
                        Diagnostic(
                            file: feed.file,
                            line: feed.line,
                            message:
                                "feed `\(feed.name)`: `format: html` needs `items:`, an XPath expression selecting the repeated elements (like //div[@class=\"card\"]); `watchlistd fetch \(feed.name)` suggests some"
                        )
                    )
                }
                continue
            }
            switch XPathExpression.compile(source) {
            case .success(let expression): compiled[key] = expression
            case .failure(let error):
                problems.append(
                    Diagnostic(
                        file: feed.file,
                        line: feed.keyLines[key] ?? feed.line,
                        message:
                            "feed `\(feed.name)`: `\(key): \(source)` is not XPath 1.0 (\(error.message)); fix the expression"
                    )
                )
            }
        }
        guard problems.isEmpty, let items = compiled.removeValue(forKey: "items") else {
            return .failure(ConfigurationError(Diagnostic.sortedByLine(problems)))
        }
        return .success(Expressions(items: items, fields: compiled))
    }

    /// `watchlistd check`: every expression of every `format: html` feed compiles.
    public static func problems(for feed: FeedConfig) -> [Diagnostic] {
        guard feed.format == .html else { return [] }
        if case .failure(let error) = compile(feed) { return error.problems }
        return []
    }

    /// The items of a page (UTF-8 bytes, decoded by `Charset` already). `base`: the page's
    /// URL; `now`: the fetch time, for relative dates.
    static func parse(_ data: Data, feed: FeedConfig, base: URL?, now: Date = Date()) -> Result<ParsedFeed, ParseError>
    {
        read(data, feed: feed, base: base, now: now).map {
            ParsedFeed(
                format: .html,
                title: nil,
                link: nil,
                items: $0.items,
                encoding: "utf-8",
                encodingSource: .declaration
            )
        }
    }

    /// A page too large to read (checked before it is decoded, too).
    static func sizeProblem(_ bytes: Int, feed: FeedConfig) -> ParseError? {
        guard bytes > maxDocumentBytes else { return nil }
        return ParseError(
            feed: feed.name,
            message:
                "page of \(bytes) bytes is over the \(maxDocumentBytes >> 20) MB an HTML source may be; check \(feed.url) serves the listing page"
        )
    }

    /// The page as `fetch` shows it: items with their raw fields, and suggestions when
    /// `items:` selects nothing.
    public static func read(_ data: Data, feed: FeedConfig, base: URL?, now: Date = Date()) -> Result<Page, ParseError>
    {
        func failure(_ key: String, _ message: String) -> Result<Page, ParseError> {
            .failure(ParseError(feed: feed.name, message: "\(location(key, of: feed)): \(message)"))
        }
        if let refused = sizeProblem(data.count, feed: feed) { return .failure(refused) }
        let expressions: Expressions
        switch compile(feed) {
        case .success(let compiled): expressions = compiled
        case .failure(let error):
            return .failure(
                ParseError(feed: feed.name, message: error.problems.map(\.description).joined(separator: "; "))
            )
        }
        guard let document = HTMLDocument(utf8: data) else {
            return .failure(
                ParseError(
                    feed: feed.name,
                    message: "empty page (no HTML to read); check \(feed.url) serves the listing page"
                )
            )
        }
        let selected: Int
        switch document.select(expressions.items, maxNodes: maxItems) {
        case .success(let count): selected = count
        case .failure(let error):
            return failure("items", describe(error, key: "items", source: expressions.items.source))
        }
        var page = Page(extracted: [], selected: selected, suggestions: [])
        if selected == 0 {
            if document.maxDepth > 256 {
                return failure(
                    "items",
                    "the page nests elements deeper than 256 levels, where libxml2 stops reading it; nothing after that point can be read (a hostile or broken page)"
                )
            }
            page.suggestions = suggestions(document)
            return .success(page)
        }
        let base = baseURL(document, page: base)
        let selfText = try! XPathExpression.compile(".").get()  // the title when `title:` is not given
        let started = Date()
        for index in 0..<selected {
            if index % 16 == 0, Date().timeIntervalSince(started) > deadline {
                return failure(
                    "items",
                    "reading \(selected) items took over \(Int(deadline)) s (stopped at item \(index + 1)); make the expressions narrower (no `//` inside item fields)"
                )
            }
            var fields: [(key: String, value: String)] = []
            var values: [String: String] = [:]
            for key in keys.dropFirst() {
                guard let expression = expressions.fields[key] else { continue }
                switch document.value(expression, item: index, allNodes: key == "body") {
                case .success(let text):
                    values[key] = text
                    fields.append((key, text))
                case .failure(let error):
                    return failure(key, describe(error, key: key, source: expression.source) + " (item \(index + 1))")
                }
            }
            if expressions.fields["title"] == nil {
                guard case .success(let text) = document.value(selfText, item: index) else { continue }
                values["title"] = text
            }
            guard let title = values["title"], !title.isEmpty else { continue }
            let body = values["body"] ?? ""
            let link = values["link"].flatMap { resolve($0, against: base) }
            let id = values["id"].flatMap { $0.isEmpty ? nil : $0 }
            let guid = id ?? (link == nil ? contentKey(title: title, body: body) : nil)
            let item = FeedItem(
                guid: guid,
                link: link,
                title: title,
                body: body,
                published: values["date"].flatMap { HTMLDates.parse($0, now: now) }
            )
            page.extracted.append(Extracted(item: item, fields: fields))
        }
        return .success(page)
    }

    static func describe(_ error: XPathError, key: String, source: String) -> String {
        switch error.kind {
        case .syntax, .evaluation:
            return
                "`\(key): \(source)` failed on this page: \(error.message); fix the expression (`watchlistd fetch` shows what it yields)"
        case .operationLimit:
            return
                "`\(key): \(source)` stopped after \(HTMLDocument.operationLimit) XPath operations on this page; make it narrower (select by class or id, avoid `//` inside item fields)"
        case .tooManyNodes(let count):
            return
                "`\(key): \(source)` selects \(count) elements (at most \(maxItems)); make it select only the repeated listing elements"
        case .notNodes:
            return
                "`\(key): \(source)` gives a value, not elements; `items:` must select elements (like //div[@class=\"card\"])"
        }
    }

    /// `<base href>` made absolute against the page's URL, else the page's URL.
    static func baseURL(_ document: HTMLDocument, page: URL?) -> URL? {
        let baseHref = try! XPathExpression.compile("string((//base/@href)[1])").get()
        guard case .success(let href) = document.value(baseHref, item: nil), !href.isEmpty,
            let url = URL(string: href, relativeTo: page)?.absoluteURL,
            ["http", "https"].contains(url.scheme?.lowercased() ?? "")
        else { return page }
        return url
    }

    /// An absolute link, or nil for none (`#`, `javascript:`, empty).
    static func resolve(_ link: String, against base: URL?) -> String? {
        let link = link.trimmingCharacters(in: .whitespaces)
        guard !link.isEmpty, !link.hasPrefix("#") else { return nil }
        if let scheme = URL(string: link)?.scheme?.lowercased() {
            return ["http", "https", "ftp", "magnet"].contains(scheme) ? link : nil
        }
        guard let base, let url = URL(string: link, relativeTo: base) else { return link }
        return url.absoluteString
    }

    /// The identity of an item with neither id nor link: FNV-1a of the title and of the
    /// body with its digits removed (case and whitespace folded).
    public static func contentKey(title: String, body: String) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        func add(_ byte: UInt8) { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        func add(_ text: String, digits: Bool) {
            var space = false
            for byte in text.lowercased().utf8 {
                if !digits, byte >= 0x30, byte <= 0x39 { continue }
                if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                    space = true
                    continue
                }
                if space { add(0x20) }
                space = false
                add(byte)
            }
        }
        add(title, digits: true)
        add(0)
        add(body, digits: false)
        return "html:" + String(hash, radix: 16)
    }

    /// The page's most repeated elements (at least 3 of a kind), most frequent first, as
    /// expressions to try in `items:`; elements with a class come before bare ones.
    static func suggestions(_ document: HTMLDocument, limit: Int = 8) -> [(expression: String, count: Int)] {
        let ignored: Set<String> = [
            "html", "head", "body", "meta", "link", "script", "style", "title", "br", "hr", "wbr", "b", "i", "em",
            "strong", "span", "img", "svg", "path",
        ]
        var counts: [String: Int] = [:]
        var order: [String] = []
        for (tag, className) in document.elementKeys() where !ignored.contains(tag) || !className.isEmpty {
            let name = className.trimmingCharacters(in: .whitespaces)
            let expression: String
            if name.isEmpty {
                expression = "//\(tag)"
            } else {
                expression = name.contains("\"") ? "//\(tag)[@class='\(name)']" : "//\(tag)[@class=\"\(name)\"]"
            }
            if counts[expression] == nil { order.append(expression) }
            counts[expression, default: 0] += 1
        }
        return order.filter { counts[$0]! >= 3 }
            .sorted { a, b in
                let (ca, cb) = (counts[a]!, counts[b]!)
                let (classA, classB) = (a.contains("[@class"), b.contains("[@class"))
                return classA != classB ? classA : ca > cb
            }
            .prefix(limit).map { ($0, counts[$0]!) }
    }
}

/// Dates as leak sites and forums print them (see `HTMLSource`).
enum HTMLDates {
    static func parse(_ raw: String, now: Date) -> Date? {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.utf8.count < 80 else { return nil }
        if let date = FeedDates.parse(text) ?? other(text, now: now) { return date }
        // A label before the date: "Published: 19 Mar 2024", "Date - 2024-03-19".
        if let range = text.range(of: #"^[^0-9:]{1,30}[:\-]\s*"#, options: .regularExpression) {
            let rest = String(text[range.upperBound...])
            return FeedDates.parse(rest) ?? other(rest, now: now)
        }
        return nil
    }

    static func other(_ text: String, now: Date) -> Date? {
        let lower = text.lowercased()
        switch lower {
        case "just now", "now", "today": return now
        case "yesterday": return now.addingTimeInterval(-86400)
        default: break
        }
        if let date = relative(lower, now: now) { return date }
        // Month-name first: "Mar 19, 2024", "March 19 2024 10:11".
        let words = lower.replacingOccurrences(of: ",", with: " ").split(separator: " ").map(String.init)
        if words.count >= 3, let month = FeedDates.months.firstIndex(of: String(words[0].prefix(3))),
            words[0].count >= 3,
            let day = Int(words[1].filter(\.isNumber)), let year = Int(words[2]), year > 1900
        {
            let time = words.count > 3 ? words[3] : "00:00"
            return FeedDates.parse(
                String(format: "%04d-%02d-%02d %@", year, month + 1, day, time.count == 5 ? time : "00:00")
            )
        }
        // Numeric with separators: YYYY/MM/DD, DD.MM.YYYY, DD/MM/YYYY or MM/DD/YYYY when unambiguous.
        let parts = lower.split(separator: " ", maxSplits: 1)
        let numbers = parts[0].split(whereSeparator: { $0 == "/" || $0 == "." || $0 == "-" }).compactMap { Int($0) }
        guard numbers.count == 3 else { return nil }
        let time = parts.count > 1 ? String(parts[1]) : ""
        var (year, month, day) = (0, 0, 0)
        if numbers[0] > 1900 {
            (year, month, day) = (numbers[0], numbers[1], numbers[2])
        } else if numbers[2] > 1900 {
            year = numbers[2]
            if parts[0].contains(".") || numbers[0] > 12 {
                (day, month) = (numbers[0], numbers[1])
            } else if numbers[1] > 12 {
                (month, day) = (numbers[0], numbers[1])
            } else {
                return nil  // 03/04/2024: April or March; left empty rather than guessed
            }
        } else {
            return nil
        }
        let iso = String(format: "%04d-%02d-%02d", year, month, day) + (time.isEmpty ? "" : " " + time)
        return FeedDates.parse(iso)
    }

    /// "3 days ago", "an hour ago", "5 mins ago", "2w ago".
    static func relative(_ lower: String, now: Date) -> Date? {
        guard lower.hasSuffix(" ago") else { return nil }
        let words = lower.dropLast(4).split(separator: " ")
        guard let first = words.first else { return nil }
        var count: Double
        var unit: Substring
        if words.count == 2 {
            count = first == "a" || first == "an" ? 1 : Double(first) ?? -1
            unit = words[1]
        } else if words.count == 1, let split = first.firstIndex(where: { !$0.isNumber }),
            let n = Double(first[..<split])
        {
            count = n
            unit = first[split...]
        } else {
            return nil
        }
        guard count >= 0 else { return nil }
        let seconds: Double
        switch unit {
        case "s", "sec", "secs", "second", "seconds": seconds = 1
        case "m", "min", "mins", "minute", "minutes": seconds = 60
        case "h", "hr", "hrs", "hour", "hours": seconds = 3600
        case "d", "day", "days": seconds = 86400
        case "w", "wk", "wks", "week", "weeks": seconds = 7 * 86400
        case "mo", "month", "months": seconds = 30 * 86400
        case "y", "yr", "yrs", "year", "years": seconds = 365 * 86400
        default: return nil
        }
        return now.addingTimeInterval(-count * seconds)
    }
}
