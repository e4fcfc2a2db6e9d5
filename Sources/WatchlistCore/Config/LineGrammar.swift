import Foundation

/// The one grammar shared by `watchlistd.conf` and every `*.watch` file.
///
/// The format, as operators see it (docs/interfaces.md):
///
/// - UTF-8 text; a leading byte-order mark is tolerated; LF or CRLF line ends.
/// - A line whose first non-blank character is `#` is a comment; blank lines are ignored.
/// - Every other line is `key: value`. Keys are case-insensitive; leading whitespace
///   is allowed and means nothing. The value is everything after the first colon,
///   trimmed (so URLs and times with colons survive).
/// - Some keys start a block (`entity:`, `feed:`, `smtp:`, `syslog:`); the keys after
///   them belong to that block until the next block-starting key. A file-level key
///   after a block is still accepted as file-level (it cannot be mistaken for
///   anything else) and closes the block.
///
/// `LineGrammar.parse` only splits and validates keys against a `Schema`; what the
/// values mean is decided by the file's type and its block types (`ConfigFile`,
/// `ConfigBlock`: `DaemonConfig` with `FeedConfig`, `SMTPConfig`, `SyslogConfig`;
/// `Watchlist` with `Entity`), whose key lists make the schema.
public enum LineGrammar {
    /// One `key: value` line, with where it came from.
    public struct Line: Sendable, Equatable {
        public var file: String
        public var number: Int
        /// Lower-cased key.
        public var key: String
        public var value: String
        /// The block-starting line this key belongs to, nil for file-level keys and block starts.
        public var blockStart: Int?
    }

    /// Which keys exist and where they may stand.
    public struct Schema: Sendable {
        public var fileKeys: Set<String>
        /// block-starting key → keys allowed inside that block.
        public var blocks: [String: Set<String>]

        public let allKeys: Set<String>

        public init(fileKeys: Set<String>, blocks: [String: Set<String>]) {
            self.fileKeys = fileKeys
            self.blocks = blocks
            var keys = fileKeys.union(blocks.keys)
            for inner in blocks.values { keys.formUnion(inner) }
            self.allKeys = keys
        }

        func blocksAllowing(_ key: String) -> [String] {
            blocks.filter { $0.value.contains(key) }.map(\.key).sorted()
        }
    }

    /// One line read on its own, before blocks are assigned.
    enum Read: Sendable {
        case skip
        case problem(String)
        case pair(key: String, value: String)
    }

    /// Splits `data` into lines and checks every key against `schema`.
    /// Returns the valid lines and one diagnostic per problem (never stops at the first).
    /// Lines are read on all cores (a 100,000-name watchlist is 100,000 lines); blocks
    /// are then assigned in order.
    public static func parse(_ data: Data, file: String, schema: Schema) -> (lines: [Line], problems: [Diagnostic]) {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var ranges: [Range<Int>] = []
        var lineStart = 0
        for (i, byte) in bytes.enumerated() where byte == 0x0A {
            ranges.append(lineStart..<i)
            lineStart = i + 1
        }
        ranges.append(lineStart..<bytes.count)

        let reads = parallelMap(ranges.count, chunk: 4096) { read(bytes[ranges[$0]], schema: schema) }

        var lines: [Line] = []
        var problems: [Diagnostic] = []
        var currentBlock: (key: String, line: Int)?
        for (index, item) in reads.enumerated() {
            let number = index + 1
            switch item {
            case .skip:
                continue
            case .problem(let message):
                problems.append(Diagnostic(file: file, line: number, message: message))
            case .pair(let key, let value):
                if schema.blocks[key] != nil {
                    currentBlock = (key, number)
                    lines.append(Line(file: file, number: number, key: key, value: value, blockStart: nil))
                } else if let block = currentBlock, schema.blocks[block.key]?.contains(key) == true {
                    lines.append(Line(file: file, number: number, key: key, value: value, blockStart: block.line))
                } else if schema.fileKeys.contains(key) {
                    currentBlock = nil
                    lines.append(Line(file: file, number: number, key: key, value: value, blockStart: nil))
                } else {
                    let owners = schema.blocksAllowing(key).map { "`\($0):`" }.joined(separator: " or ")
                    problems.append(
                        Diagnostic(
                            file: file,
                            line: number,
                            message: "`\(key):` must be inside a \(owners) block"
                        )
                    )
                }
            }
        }
        return (lines, problems)
    }

    /// Reads one line (without its line feed): a comment or blank, a problem, or a pair.
    static func read(_ rawLine: ArraySlice<UInt8>, schema: Schema) -> Read {
        var raw = rawLine
        if raw.last == 0x0D { raw = raw.dropLast() }
        guard let text = String(validating: raw, as: UTF8.self) else {
            return .problem("invalid UTF-8 on this line; save the file as UTF-8")
        }
        let trimmed = trim(Substring(text))
        if trimmed.isEmpty || trimmed.hasPrefix("#") { return .skip }
        guard let colon = trimmed.firstIndex(of: ":") else {
            return .problem("expected `key: value`, found `\(preview(trimmed))`")
        }
        let key = trim(trimmed[..<colon]).lowercased()
        let value = String(trim(trimmed[trimmed.index(after: colon)...]))
        guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0 == "-" || $0.isNumber }) else {
            return .problem("expected `key: value`, found `\(preview(trimmed))`")
        }
        guard schema.allKeys.contains(key) else {
            var message = "unknown key `\(key):`"
            if let close = closestKey(to: key, in: schema.allKeys) { message += "; did you mean `\(close):`?" }
            return .problem(message)
        }
        if value.isEmpty { return .problem("`\(key):` needs a value") }
        return .pair(key: key, value: value)
    }

    /// Trims spaces, tabs and other Unicode white space (Foundation's trimming is slow,
    /// and a 100,000-name watchlist is 100,000 lines).
    static func trim(_ text: Substring) -> Substring {
        // ASCII fast path: most lines are ASCII at the ends.
        let utf8 = text.utf8
        if let first = utf8.first, let last = utf8.last, first > 0x20, first < 0x80, last > 0x20, last < 0x80 {
            return text
        }
        var start = text.startIndex
        var end = text.endIndex
        while start < end, text.unicodeScalars[start].properties.isWhitespace {
            start = text.unicodeScalars.index(after: start)
        }
        while end > start {
            let before = text.unicodeScalars.index(before: end)
            guard text.unicodeScalars[before].properties.isWhitespace else { break }
            end = before
        }
        return text[start..<end]
    }

    static func preview<S: StringProtocol>(_ text: S) -> String {
        text.count > 40 ? String(text.prefix(40)) + "…" : String(text)
    }

    /// The known key within edit distance 2 (or a prefix match), for "did you mean".
    static func closestKey(to key: String, in keys: Set<String>) -> String? {
        let ranked = keys.map { ($0, editDistance(key, $0)) }.sorted { ($0.1, $0.0) < ($1.1, $1.0) }
        guard let best = ranked.first else { return nil }
        if best.1 <= max(1, min(2, key.count / 3)) { return best.0 }
        return keys.filter { $0.hasPrefix(key) || key.hasPrefix($0) }.sorted().first
    }

    /// Edit distance counting a swap of two neighbours as one edit (optimal string alignment).
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }
}

/// A problem in an operator's file, printed as `FILE:LINE: message`.
public struct Diagnostic: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }
    public var file: String
    public var line: Int
    public var message: String
    public var severity: Severity

    public init(file: String, line: Int, message: String, severity: Severity = .error) {
        self.file = file
        self.line = line
        self.message = message
        self.severity = severity
    }

    /// In file order (stable: problems of one line keep the order they were found in).
    static func sortedByLine(_ problems: [Diagnostic]) -> [Diagnostic] {
        problems.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }.map(\.element)
    }

    public var description: String {
        let location = line > 0 ? "\(file):\(line)" : file
        return severity == .warning ? "\(location): warning: \(message)" : "\(location): \(message)"
    }
}

/// Every problem found in a set of files; thrown when any of them is an error.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var problems: [Diagnostic]
    public init(_ problems: [Diagnostic]) { self.problems = problems }
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
