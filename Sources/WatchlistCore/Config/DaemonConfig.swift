import Foundation

/// One `feed:` block.
public struct FeedConfig: Sendable, Equatable {
    /// `auto` sniffs RSS / RDF / Atom / JSON Feed / JSON Lines; `json` and `jsonl` take field paths.
    public enum Format: String, Sendable { case auto, json, jsonl }
    public var url: String
    public var name: String
    public var interval: Duration
    public var proxy: String?
    public var format: Format
    /// Field paths for `format: json` (dotted keys; `$` is the document itself).
    public var itemsPath: String
    public var titlePath: String
    public var linkPath: String?
    public var idPath: String?
    public var datePath: String?
    public var bodyPath: String?
    public var line: Int
    /// `header:` lines, `Name: value` (a value `file:PATH` is read from that file).
    public var headers: [String] = []
    public var userAgent: String?
    /// `proxy-credentials:` — `user:password` read from this file's first line.
    public var proxyCredentials: String?
    /// `ca-file:` — verify the server against this CA bundle instead of the system's.
    public var caFile: String?
    /// `tls-verify: no` — the feed's explicit opt-out of certificate checks.
    public var verifyTLS = true
    /// `allow-internal: yes` — the SSRF guard does not apply. A feed whose URL itself
    /// names an internal host (127.0.0.1, 10.x, localhost, *.internal) is local already.
    public var allowInternal = false
    /// The `proxy:` line (for `check`'s messages).
    public var proxyLine = 0
    /// A feed with the defaults a `feed:` line gets.
    public init(url: String, name: String, format: Format = .auto) {
        self.init(url: url, name: name, interval: .seconds(600), proxy: nil, format: format, itemsPath: "$", titlePath: "title",
                  linkPath: nil, idPath: nil, datePath: nil, bodyPath: nil, line: 0)
    }

    init(url: String, name: String, interval: Duration, proxy: String?, format: Format, itemsPath: String, titlePath: String,
         linkPath: String?, idPath: String?, datePath: String?, bodyPath: String?, line: Int) {
        self.url = url
        self.name = name
        self.interval = interval
        self.proxy = proxy
        self.format = format
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

/// The `smtp:` block: where e-mail alerts go.
public struct SMTPConfig: Sendable, Equatable {
    /// Whether to speak TLS: `require` (STARTTLS or smtps, refuse otherwise), `try`
    /// (STARTTLS when offered), `off` (clear text). The default is `require` for any
    /// server not on loopback and `try` on loopback.
    public enum StartTLS: String, Sendable { case require, `try`, off }
    /// `grouping:` — one message per customer per dispatch (`dispatch`, the default), one
    /// per hit (`hit`), or a digest window (`15m`: hits wait until the oldest is that old).
    public enum Grouping: Sendable, Equatable {
        case dispatch, perHit
        case window(TimeInterval)
    }
    public var grouping: Grouping = .dispatch
    public var maxPerHour = 12
    /// `max-message-size:` — no alert message is larger (bytes); a bigger batch is split.
    /// The server's EHLO `SIZE`, when smaller, wins.
    public var maxMessageSize = 10_000_000
    public var url: String
    public var from: String
    public var line: Int
    /// Operator copies of every message (envelope only; never in a header).
    public var bcc: [String] = []
    public var user: String?
    /// A file holding the SMTP password (first line); the password itself is never in the config.
    public var passwordFile: String?
    /// The name sent in EHLO/HELO.
    public var helo: String?
    public var timeout: Int = 60
    public var startTLS: StartTLS?
}

/// The `syslog:` block: `local`, or `udp://HOST:PORT` / `tcp://HOST:PORT`.
public struct SyslogConfig: Sendable, Equatable {
    public enum Target: Sendable, Equatable {
        case local
        case udp(host: String, port: UInt16)
        case tcp(host: String, port: UInt16)
        /// RFC 5425: octet-counted records over TLS, the server's certificate verified.
        case tls(host: String, port: UInt16)
        /// A unix datagram socket (what `local` is, at a path of the operator's choosing).
        case unix(path: String)
    }
    /// `format:` — RFC 5424 with structured data (default), or ArcSight CEF in the message.
    public enum Format: String, Sendable { case rfc5424, cef }
    public var format: Format = .rfc5424
    /// `ca-file:` — the CA bundle to verify a `tls://` collector with (default: the system's).
    public var caFile: String?
    public var target: Target
    public var facility: Int32
    public var appName: String
    public var line: Int
}

/// `watchlistd.conf`, parsed and checked. Paths are absolute (relative ones are taken
/// from the configuration file's folder).
public struct DaemonConfig: Sendable {
    public var file: String
    public var watchlistsDirectory: String
    public var databasePath: String
    /// The `database:` line (for `check`'s messages).
    public var databaseLine = 0
    public var feeds: [FeedConfig]
    public var smtp: SMTPConfig?
    /// `email-dir:` — write each alert e-mail as an .eml file here instead of (or as well as) SMTP.
    public var emailDirectory: String?
    public var syslog: SyslogConfig?
    /// `threshold:` — hits scoring below it are not recorded.
    public var threshold: Double
    /// `backfill:` — when names are added or changed, stored listings this far back are
    /// matched against the new names (default 30d; 0 turns it off).
    public var backfill: TimeInterval = 30 * 86400
    /// `retention:` — items no longer in their feed, with their hits, are pruned once
    /// they are this old (default 365d; 0 keeps everything).
    public var retention: TimeInterval = 365 * 86400

    /// `metrics-file:` — Prometheus text metrics for node_exporter's textfile collector.
    public var metricsFile: String?
    /// `concurrency:` — feeds fetched at once (default 8).
    public var concurrency = 8

    /// Problems that do not stop the daemon (a feed with TLS checks turned off).
    public var warnings: [Diagnostic] = []

    /// True when alerts by e-mail are configured at all.
    public var emailConfigured: Bool { smtp != nil || emailDirectory != nil }
}

/// Parses `watchlistd.conf` (see docs/interfaces.md). Keys on top of the contract:
/// `threshold:` (default 0.8), `email-dir:` (an .eml sink, used by `make demo`),
/// `facility:` / `app-name:` in `syslog:`, and `link:` / `id:` / `body:` field paths
/// for `format: json` feeds.
public enum ConfigParser {
    static let schema = LineGrammar.Schema(
        fileKeys: ["watchlists", "database", "threshold", "email-dir", "backfill", "retention", "metrics-file", "concurrency"],
        blocks: [
            "feed": ["name", "interval", "proxy", "format", "items", "title", "link", "id", "date", "body",
                     "header", "user-agent", "proxy-credentials", "ca-file", "tls-verify", "allow-internal"],
            "smtp": ["from", "bcc", "user", "password-file", "helo", "timeout", "starttls", "grouping", "max-per-hour", "max-message-size"],
            "syslog": ["facility", "app-name", "format", "ca-file"],
        ]
    )

    public static func load(_ path: String) throws -> DaemonConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError([Diagnostic(file: path, line: 0,
                                                 message: "cannot read the configuration file; check the path given to --config")])
        }
        return try parse(data, file: path)
    }

    public static func parse(_ data: Data, file: String) throws -> DaemonConfig {
        var (lines, problems) = LineGrammar.parse(data, file: file, schema: schema)
        let folder = (file as NSString).deletingLastPathComponent
        func absolute(_ path: String) -> String {
            path.hasPrefix("/") ? path : ((folder.isEmpty ? "." : folder) as NSString).appendingPathComponent(path)
        }
        func problem(_ line: LineGrammar.Line, _ message: String) {
            problems.append(Diagnostic(file: file, line: line.number, message: message))
        }

        var watchlists: String?
        var database: String?
        var databaseLine = 0
        var threshold = 0.8
        var backfill: TimeInterval = 30 * 86400
        var retention: TimeInterval = 365 * 86400
        var retentionLine = 0
        var metricsFile: String?
        var concurrency = 8
        var emailDirectory: String?
        var feeds: [FeedConfig] = []
        var smtp: SMTPConfig?
        var syslog: SyslogConfig?
        var seen: [String: Int] = [:]

        var block = ""  // the block the current line belongs to ("feed", "smtp", "syslog" or "")
        for line in lines {
            if line.blockStart == nil { block = schema.blocks[line.key] != nil ? line.key : "" }
            if line.blockStart == nil, ["watchlists", "database", "threshold", "email-dir", "backfill", "retention", "metrics-file", "concurrency", "smtp", "syslog"].contains(line.key) {
                if let first = seen[line.key] {
                    problem(line, "`\(line.key):` given twice (first at line \(first))")
                    continue
                }
                seen[line.key] = line.number
            }
            switch line.key {
            case "watchlists": watchlists = absolute(line.value)
            case "database":
                database = absolute(line.value)
                databaseLine = line.number
            case "email-dir": emailDirectory = absolute(line.value)
            case "backfill":
                if let duration = parseDuration(line.value), duration <= .seconds(366 * 86400) {
                    backfill = TimeInterval(duration.components.seconds)
                } else {
                    problem(line, "`backfill:` must be a duration up to 366d, like 30d (0 turns backfill off)")
                }
            case "metrics-file": metricsFile = absolute(line.value)
            case "concurrency":
                if let value = Int(line.value), (1...64).contains(value) { concurrency = value } else {
                    problem(line, "`concurrency:` must be a number of feeds fetched at once, from 1 to 64")
                }
            case "retention":
                retentionLine = line.number
                if let duration = parseDuration(line.value), duration == .zero || (duration >= .seconds(86400) && duration <= .seconds(3650 * 86400)) {
                    retention = TimeInterval(duration.components.seconds)
                } else {
                    problem(line, "`retention:` must be a duration from 1d to 3650d, like 365d (0 keeps everything)")
                }
            case "threshold":
                if let value = Double(line.value), (0...1).contains(value) { threshold = value } else {
                    problem(line, "`threshold:` must be a number from 0 to 1, like 0.8")
                }
            case "feed":
                let url = line.value
                let scheme = url.split(separator: ":", maxSplits: 1).first.map { $0.lowercased() } ?? ""
                if !["http", "https", "file"].contains(scheme) || !url.contains("://") {
                    problem(line, "feed URL `\(url)` must start with http://, https:// or file://")
                } else if let reason = portProblem(url) {
                    problem(line, "feed URL `\(url)`: \(reason)")
                }
                feeds.append(FeedConfig(url: url, name: "", interval: .seconds(600), proxy: nil, format: .auto,
                                        itemsPath: "$", titlePath: "title", linkPath: nil, idPath: nil,
                                        datePath: nil, bodyPath: nil, line: line.number))
            case "name": feeds[feeds.count - 1].name = line.value
            case "interval":
                if let duration = parseDuration(line.value), duration >= .seconds(10), duration <= .seconds(7 * 86400) {
                    feeds[feeds.count - 1].interval = duration
                } else {
                    problem(line, "`interval:` must be a duration from 10s to 7d, like 90s, 10m, 1h or 1d")
                }
            case "proxy":
                let lower = line.value.lowercased()
                if ["socks5h://", "socks5://", "http://", "https://"].contains(where: lower.hasPrefix) {
                    feeds[feeds.count - 1].proxy = line.value
                    feeds[feeds.count - 1].proxyLine = line.number
                } else {
                    problem(line, "`proxy:` must start with socks5h://, socks5:// or http:// (socks5h:// lets Tor resolve .onion names)")
                }
            case "format" where block == "syslog":
                if let format = SyslogConfig.Format(rawValue: line.value.lowercased()) { syslog?.format = format } else {
                    problem(line, "`format:` must be `rfc5424` or `cef`")
                }
            case "format":
                if let format = FeedConfig.Format(rawValue: line.value.lowercased()) {
                    feeds[feeds.count - 1].format = format
                } else {
                    problem(line, "`format:` must be `auto`, `json` or `jsonl`")
                }
            case "header":
                if let header = parseHeader(line.value, absolute: absolute, problem: { problem(line, $0) }) {
                    feeds[feeds.count - 1].headers.append(header)
                }
            case "user-agent":
                if line.value.unicodeScalars.allSatisfy({ (0x20..<0x7f).contains($0.value) }) {
                    feeds[feeds.count - 1].userAgent = line.value
                } else {
                    problem(line, "`user-agent:` must be printable ASCII")
                }
            case "proxy-credentials":
                let path = absolute(line.value)
                if let text = try? String(contentsOfFile: path, encoding: .utf8),
                   let first = text.split(whereSeparator: \.isNewline).first, first.contains(":") {
                    feeds[feeds.count - 1].proxyCredentials = String(first)
                } else {
                    problem(line, "`proxy-credentials:` file \(path) must be readable and hold `user:password` on its first line")
                }
            case "ca-file" where block == "feed":
                let path = absolute(line.value)
                if FileManager.default.isReadableFile(atPath: path) { feeds[feeds.count - 1].caFile = path } else {
                    problem(line, "`ca-file:` \(path) is not readable; give a PEM CA bundle")
                }
            case "tls-verify":
                if let yes = parseYesNo(line.value) {
                    feeds[feeds.count - 1].verifyTLS = yes
                    if !yes {
                        problems.append(Diagnostic(file: file, line: line.number, message: "`tls-verify: no`: this feed's server certificate is not checked; anyone on the path can feed it listings", severity: .warning))
                    }
                } else {
                    problem(line, "`tls-verify:` must be `yes` or `no`")
                }
            case "allow-internal":
                if let yes = parseYesNo(line.value) { feeds[feeds.count - 1].allowInternal = yes } else {
                    problem(line, "`allow-internal:` must be `yes` or `no`")
                }
            case "items": feeds[feeds.count - 1].itemsPath = line.value
            case "title": feeds[feeds.count - 1].titlePath = line.value
            case "link": feeds[feeds.count - 1].linkPath = line.value
            case "id": feeds[feeds.count - 1].idPath = line.value
            case "date": feeds[feeds.count - 1].datePath = line.value
            case "body": feeds[feeds.count - 1].bodyPath = line.value
            case "smtp":
                let lower = line.value.lowercased()
                if !(lower.hasPrefix("smtp://") || lower.hasPrefix("smtps://")) {
                    problem(line, "`smtp:` must be a URL like smtp://127.0.0.1:25 or smtps://mail.example:465")
                } else if let reason = portProblem(line.value) {
                    problem(line, "`smtp:` \(reason)")
                }
                smtp = SMTPConfig(url: line.value, from: "", line: line.number)
            case "from":
                if let reason = EmailAddress.problem(with: line.value) {
                    problem(line, "sender `\(line.value)`: \(reason)")
                }
                smtp?.from = line.value
            case "bcc":
                for address in line.value.split(separator: ",").map({ String(LineGrammar.trim($0)) }) {
                    if let reason = EmailAddress.problem(with: address) {
                        problem(line, "operator copy `\(address)`: \(reason)")
                    } else {
                        smtp?.bcc.append(address)
                    }
                }
            case "grouping":
                switch line.value.lowercased() {
                case "dispatch": smtp?.grouping = .dispatch
                case "hit": smtp?.grouping = .perHit
                default:
                    if let window = parseDuration(line.value), window >= .seconds(60), window <= .seconds(86400) {
                        smtp?.grouping = .window(TimeInterval(window.components.seconds))
                    } else {
                        problem(line, "`grouping:` must be `dispatch`, `hit`, or a digest window from 1m to 1d, like 15m")
                    }
                }
            case "max-per-hour":
                if let count = Int(line.value), (1...1000).contains(count) { smtp?.maxPerHour = count } else {
                    problem(line, "`max-per-hour:` must be a number of messages from 1 to 1000")
                }
            case "max-message-size":
                if let bytes = Self.parseBytes(line.value), (10_000...1_000_000_000).contains(bytes) { smtp?.maxMessageSize = bytes } else {
                    problem(line, "`max-message-size:` must be a size from 10k to 1000M bytes, like 10000000 or 10M")
                }
            case "user": smtp?.user = line.value
            case "password-file": smtp?.passwordFile = absolute(line.value)
            case "helo":
                if DomainName.isValid(line.value.lowercased()) || line.value.lowercased() == "localhost" { smtp?.helo = line.value } else {
                    problem(line, "`helo:` must be a host name like mail.example.org")
                }
            case "timeout":
                if let duration = parseDuration(line.value), duration >= .seconds(1), duration <= .seconds(600) {
                    smtp?.timeout = Int(duration.components.seconds)
                } else {
                    problem(line, "`timeout:` must be a duration from 1s to 10m, like 60s")
                }
            case "starttls":
                if let mode = SMTPConfig.StartTLS(rawValue: line.value.lowercased()) { smtp?.startTLS = mode } else {
                    problem(line, "`starttls:` must be `require`, `try` or `off` (clear text: only for a relay you trust)")
                }
            case "syslog":
                if let target = parseSyslogTarget(line.value) {
                    syslog = SyslogConfig(target: target, facility: 16 << 3, appName: "watchlistd", line: line.number)
                } else {
                    problem(line, "`syslog:` must be `local`, `udp://HOST:PORT`, `tcp://HOST:PORT`, `tls://HOST:PORT` (PORT from 1 to 65535) or `unix:///PATH`")
                }
            case "ca-file":
                syslog?.caFile = absolute(line.value)
            case "facility":
                if let code = syslogFacilities[line.value.lowercased()] { syslog?.facility = code << 3 } else {
                    problem(line, "unknown syslog facility `\(line.value)`; use one of user, daemon, auth, local0 … local7")
                }
            case "app-name":
                if line.value.utf8.count <= 48, line.value.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) {
                    syslog?.appName = line.value
                } else {
                    problem(line, "`app-name:` must be at most 48 printable ASCII characters without spaces")
                }
            default:
                problem(line, "`\(line.key):` is not handled here")
            }
        }

        var names: [String: Int] = [:]
        for (index, feed) in feeds.enumerated() {
            if feed.name.isEmpty {
                // A feed without a name is named after its host, which is what operators see in logs.
                feeds[index].name = URLComponents(string: feed.url)?.host ?? "feed-\(feed.line)"
            }
            if let first = names[feeds[index].name] {
                problems.append(Diagnostic(file: file, line: feed.line,
                                           message: "feed name `\(feeds[index].name)` is already used by the feed at line \(first); give each feed its own `name:`"))
            }
            names[feeds[index].name] = feed.line
        }
        if retention > 0, retention < backfill {
            problems.append(Diagnostic(file: file, line: retentionLine,
                                       message: "`retention:` (\(Int(retention / 86400))d) is shorter than `backfill:` (\(Int(backfill / 86400))d); backfill could not see pruned listings: make retention at least as long"))
        }
        if let smtp, smtp.from.isEmpty {
            problems.append(Diagnostic(file: file, line: smtp.line, message: "`smtp:` needs a `from:` address in its block"))
        }
        if watchlists == nil {
            problems.append(Diagnostic(file: file, line: 1, message: "missing `watchlists:` (the folder of *.watch files)"))
        }
        if database == nil {
            problems.append(Diagnostic(file: file, line: 1, message: "missing `database:` (the SQLite file watchlistd keeps its state in)"))
        }
        problems = Diagnostic.sortedByLine(problems)
        if problems.contains(where: { $0.severity == .error }) { throw ConfigurationError(problems) }
        var config = DaemonConfig(file: file, watchlistsDirectory: watchlists!, databasePath: database!, feeds: feeds,
                                  smtp: smtp, emailDirectory: emailDirectory, syslog: syslog, threshold: threshold, backfill: backfill,
                                  retention: retention, metricsFile: metricsFile, concurrency: concurrency,
                                  warnings: problems.filter { $0.severity == .warning })
        config.databaseLine = databaseLine
        return config
    }

    static func parseYesNo(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "yes", "true", "on": return true
        case "no", "false", "off": return false
        default: return nil
        }
    }

    /// `Name: value`, or `Name: file:PATH` (the value is that file's first line: API keys
    /// stay out of the configuration). Names are HTTP tokens; values carry no CR, LF or NUL.
    static func parseHeader(_ text: String, absolute: (String) -> String, problem: (String) -> Void) -> String? {
        guard let colon = text.firstIndex(of: ":") else {
            problem("`header:` must be `Name: value`, like `X-Api-Key: file:keys/ransom.key`")
            return nil
        }
        let name = text[..<colon].trimmingCharacters(in: .whitespaces)
        var value = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        let token = CharacterSet(charactersIn: "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
        guard !name.isEmpty, name.unicodeScalars.allSatisfy(token.contains) else {
            problem("`header:` name `\(name)` is not a valid HTTP header name")
            return nil
        }
        if value.hasPrefix("file:") {
            let path = absolute(String(value.dropFirst(5)))
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

    /// A size in bytes: `10000000`, `10000k`, `10M` (decimal: k = 1,000, M = 1,000,000); nil
    /// when it is not one or does not fit.
    static func parseBytes(_ text: String) -> Int? {
        let text = text.trimmingCharacters(in: .whitespaces).lowercased()
        for (suffix, factor) in [("mb", 1_000_000), ("m", 1_000_000), ("kb", 1_000), ("k", 1_000), ("b", 1)] where text.hasSuffix(suffix) {
            guard let count = Int(text.dropLast(suffix.count)), count >= 0 else { return nil }
            let (bytes, overflow) = count.multipliedReportingOverflow(by: factor)
            return overflow ? nil : bytes
        }
        return Int(text)
    }

    /// `90s`, `10m`, `1h`, `7d`, or a bare number of seconds; nil for anything else,
    /// including a negative count or one beyond 100 years (each key then checks its own range).
    public static func parseDuration(_ text: String) -> Duration? {
        let text = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Int64)] = [("s", 1), ("m", 60), ("h", 3600), ("d", 86400), ("w", 604800)]
        var count = Int64(text)
        var unit: Int64 = 1
        for (suffix, seconds) in units where count == nil && text.hasSuffix(suffix) {
            count = Int64(text.dropLast(suffix.count))
            unit = seconds
        }
        guard let count, count >= 0 else { return nil }
        let (total, overflow) = count.multipliedReportingOverflow(by: unit)
        guard !overflow, total <= maxDurationSeconds else { return nil }
        return .seconds(total)
    }

    /// The longest duration any key accepts at all: 100 years.
    static let maxDurationSeconds: Int64 = 36500 * 86400

    /// Why the port in `url` is unusable (not a number from 1 to 65535), or nil.
    static func portProblem(_ url: String) -> String? {
        guard let rest = url.range(of: "://").map({ url[$0.upperBound...] }) else { return nil }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let hostPort = authority.split(separator: "@").last.map(String.init) ?? ""
        guard let colon = hostPort.lastIndex(of: ":"), !hostPort.hasSuffix("]") else { return nil }
        let port = hostPort[hostPort.index(after: colon)...]
        if port.isEmpty { return nil }
        guard let number = Int(port), (1...65535).contains(number) else {
            return "port `\(port.prefix(20))` must be a number from 1 to 65535"
        }
        return nil
    }

    static func parseSyslogTarget(_ text: String) -> SyslogConfig.Target? {
        if text.lowercased() == "local" { return .local }
        if text.lowercased().hasPrefix("unix://") {
            let path = String(text.dropFirst(7))
            return path.hasPrefix("/") ? .unix(path: path) : nil
        }
        guard let url = URLComponents(string: text), let host = url.host, !host.isEmpty,
              let port = url.port, let port16 = UInt16(exactly: port), port16 > 0 else { return nil }
        switch url.scheme?.lowercased() {
        case "udp": return .udp(host: host, port: port16)
        case "tcp": return .tcp(host: host, port: port16)
        case "tls": return .tls(host: host, port: port16)
        default: return nil
        }
    }

    static let syslogFacilities: [String: Int32] = [
        "kern": 0, "user": 1, "mail": 2, "daemon": 3, "auth": 4, "syslog": 5, "lpr": 6, "news": 7,
        "uucp": 8, "cron": 9, "authpriv": 10, "ftp": 11,
        "local0": 16, "local1": 17, "local2": 18, "local3": 19, "local4": 20, "local5": 21, "local6": 22, "local7": 23,
    ]
}
