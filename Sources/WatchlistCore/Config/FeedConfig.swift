import Foundation

/// One `feed:` block: the feed's URL, then how to fetch and read it.
public struct FeedConfig: Sendable, Equatable {
    /// `auto` sniffs RSS / RDF / Atom / JSON Feed / JSON Lines; `json` and `jsonl` take field
    /// paths; `html` takes XPath 1.0 expressions (see `HTMLSource`).
    public enum Format: String, Sendable { case auto, json, jsonl, html }
    public var url: String
    /// `name:` — what logs, hits and metrics call the feed (default: the URL's host).
    public var name: String
    public var interval: Duration = .seconds(600)
    /// `proxy:`, `proxy-credentials:`, `ca-file:`, `tls-verify:`, `allow-internal:` (read as a webhook's are).
    public var transfer = TransferOptions()
    public var format: Format = .auto
    /// Field paths for `format: json` (dotted keys; `$` is the document itself; `body: a | b`
    /// joins values), XPath 1.0 expressions for `format: html`.
    public var itemsPath = "$"
    public var titlePath = "title"
    public var linkPath: String?
    public var idPath: String?
    public var datePath: String?
    public var bodyPath: String?
    /// The `feed:` line.
    public var line = 0
    /// `header:` lines, `Name: value` (a value `file:PATH` is read from that file).
    public var headers: [String] = []
    public var userAgent: String?
    public var proxy: String? {
        get { transfer.proxy }
        set { transfer.proxy = newValue }
    }
    public var proxyCredentials: String? {
        get { transfer.proxyCredentials }
        set { transfer.proxyCredentials = newValue }
    }
    public var caFile: String? {
        get { transfer.caFile }
        set { transfer.caFile = newValue }
    }
    public var verifyTLS: Bool {
        get { transfer.verifyTLS }
        set { transfer.verifyTLS = newValue }
    }
    /// A feed whose URL itself names an internal host (127.0.0.1, 10.x, localhost,
    /// *.internal) is local already: the SSRF guard does not apply to it either.
    public var allowInternal: Bool {
        get { transfer.allowInternal }
        set { transfer.allowInternal = newValue }
    }
    /// The `proxy:` line (for `check`'s messages).
    public var proxyLine: Int { transfer.proxyLine }
    /// The configuration file, and the line of each field key given in the block
    /// (`items`, `title`, `link`, `id`, `date`, `body`): `format: html` errors name them.
    public var file = ""
    public var keyLines: [String: Int] = [:]

    /// A feed with the defaults a `feed:` line gets.
    public init(url: String, name: String, format: Format = .auto) {
        self.url = url
        self.name = name
        self.format = format
    }

    /// A feed with every field path given (tests of `format: json`).
    init(
        url: String,
        name: String,
        interval: Duration,
        proxy: String?,
        format: Format,
        itemsPath: String,
        titlePath: String,
        linkPath: String?,
        idPath: String?,
        datePath: String?,
        bodyPath: String?,
        line: Int
    ) {
        self.init(url: url, name: name, format: format)
        self.interval = interval
        self.proxy = proxy
        self.itemsPath = itemsPath
        self.titlePath = titlePath
        self.linkPath = linkPath
        self.idPath = idPath
        self.datePath = datePath
        self.bodyPath = bodyPath
        self.line = line
    }

    /// Whether the SSRF guard applies: to feeds not explicitly local.
    public var guardsInternal: Bool {
        !allowInternal && !AddressGuard.namesInternalHost(url) && !url.lowercased().hasPrefix("file:")
    }
}

extension FeedConfig: ConfigBlock {
    static let key = "feed"
    static let keys: Set<String> = TransferOptions.keys.union([
        "name", "interval", "format", "items", "title", "link", "id", "date", "body", "header", "user-agent",
    ])

    init(start: LineGrammar.Line, context: inout ConfigContext) {
        let url = start.value
        let scheme = url.split(separator: ":", maxSplits: 1).first.map { $0.lowercased() } ?? ""
        if !["http", "https", "file"].contains(scheme) || !url.contains("://") {
            context.problem(start, "feed URL `\(url)` must start with http://, https:// or file://")
        } else if let reason = ConfigParser.portProblem(url) {
            context.problem(start, "feed URL `\(url)`: \(reason)")
        }
        self.init(url: url, name: "")
        line = start.number
        file = context.file
    }

    mutating func read(_ line: LineGrammar.Line, context: inout ConfigContext) {
        switch line.key {
        case "name": name = line.value
        case "interval":
            if let duration = ConfigParser.parseDuration(line.value), duration >= .seconds(10),
                duration <= .seconds(7 * 86400)
            {
                interval = duration
            } else {
                context.problem(line, "`interval:` must be a duration from 10s to 7d, like 90s, 10m, 1h or 1d")
            }
        case let key where TransferOptions.keys.contains(key):
            transfer.read(line, what: "feed", unverified: "anyone on the path can feed it listings", context: &context)
        case "format":
            if let value = Format(rawValue: line.value.lowercased()) {
                format = value
            } else {
                context.problem(line, "`format:` must be `auto`, `json`, `jsonl` or `html`")
            }
        case "header":
            if let header = Self.parseHeader(line, context: &context) {
                headers.append(header)
            }
        case "user-agent":
            if line.value.unicodeScalars.allSatisfy({ (0x20..<0x7f).contains($0.value) }) {
                userAgent = line.value
            } else {
                context.problem(line, "`user-agent:` must be printable ASCII")
            }
        case "items", "title", "link", "id", "date", "body":
            keyLines[line.key] = line.number
            switch line.key {
            case "items": itemsPath = line.value
            case "title": titlePath = line.value
            case "link": linkPath = line.value
            case "id": idPath = line.value
            case "date": datePath = line.value
            default: bodyPath = line.value
            }
        default: context.problem(line, "`\(line.key):` is not handled in a `feed:` block")
        }
    }

    mutating func finish(context: inout ConfigContext) {
        // A feed without a name is named after its host, which is what operators see in logs.
        if name.isEmpty { name = URLComponents(string: url)?.host ?? "feed-\(line)" }
    }

    /// `Name: value`, or `Name: file:PATH` (the value is that file's first line: API keys
    /// stay out of the configuration). Names are HTTP tokens; values carry no CR, LF or NUL.
    static func parseHeader(_ line: LineGrammar.Line, context: inout ConfigContext) -> String? {
        let text = line.value
        func problem(_ message: String) { context.problem(line, message) }
        guard let colon = text.firstIndex(of: ":") else {
            problem("`header:` must be `Name: value`, like `X-Api-Key: file:keys/ransom.key`")
            return nil
        }
        let name = text[..<colon].trimmingCharacters(in: .whitespaces)
        var value = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        let token = CharacterSet(
            charactersIn: "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
        )
        guard !name.isEmpty, name.unicodeScalars.allSatisfy(token.contains) else {
            problem("`header:` name `\(name)` is not a valid HTTP header name")
            return nil
        }
        if value.hasPrefix("file:") {
            let path = context.absolute(String(value.dropFirst(5)))
            guard let contents = try? String(contentsOfFile: path, encoding: .utf8) else {
                problem("`header:` \(name): cannot read \(path); the file holds the header's value on its first line")
                return nil
            }
            value = contents.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        }
        guard !value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) else {
            problem("`header:` \(name): the value holds control characters")
            return nil
        }
        return name + ": " + value
    }
}
