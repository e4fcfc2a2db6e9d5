import Foundation

/// `watchlistd.conf`, parsed and checked: the file-level keys (their defaults are the
/// initialisers below) and the blocks (`FeedConfig`, `SMTPConfig`, `SyslogConfig`, `WebhookConfig`).
/// Paths are absolute (relative ones are taken from the configuration file's folder).
public struct DaemonConfig: Sendable {
    public var file: String
    /// `watchlists:` — required.
    public var watchlistsDirectory = ""
    /// `database:` — required.
    public var databasePath = ""
    /// The `database:` line (for `check`'s messages).
    public var databaseLine = 0
    public var feeds: [FeedConfig] = []
    public var smtp: SMTPConfig?
    /// `email-dir:` — write each alert e-mail as an .eml file here instead of (or as well as) SMTP.
    public var emailDirectory: String?
    public var syslog: SyslogConfig?
    /// `webhook:` — every customer's hits POSTed as JSON (a `.watch` file's own `webhook:`
    /// gets that customer's).
    public var webhook: WebhookConfig?
    /// `threshold:` — hits scoring below it are not recorded.
    public var threshold = 0.8
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

    public init(file: String) { self.file = file }
}

extension DaemonConfig: ConfigFile {
    static let keys: Set<String> = [
        "watchlists", "database", "threshold", "email-dir", "backfill", "retention", "metrics-file", "concurrency",
    ]

    static var blocks: [BlockSlot<DaemonConfig>] {
        [
            BlockSlot(FeedConfig.self) { feed, config, context in
                if let first = context.firstLine(of: "feed name \(feed.name)", at: feed.line) {
                    context.problem(
                        line: feed.line,
                        "feed name `\(feed.name)` is already used by the feed at line \(first); give each feed its own `name:`"
                    )
                }
                config.feeds.append(feed)
            },
            .once(SMTPConfig.self, \.smtp),
            .once(SyslogConfig.self, \.syslog),
            .once(WebhookConfig.self, \.webhook, advice: "; a customer's own webhook goes in its .watch file"),
        ]
    }

    mutating func read(_ line: LineGrammar.Line, context: inout ConfigContext) {
        if let first = context.firstLine(of: line.key, at: line.number) {
            context.problem(line, "`\(line.key):` given twice (first at line \(first))")
            return
        }
        switch line.key {
        case "watchlists": watchlistsDirectory = context.absolute(line.value)
        case "database":
            databasePath = context.absolute(line.value)
            databaseLine = line.number
        case "email-dir": emailDirectory = context.absolute(line.value)
        case "backfill":
            if let duration = ConfigParser.parseDuration(line.value), duration <= .seconds(366 * 86400) {
                backfill = TimeInterval(duration.components.seconds)
            } else {
                context.problem(line, "`backfill:` must be a duration up to 366d, like 30d (0 turns backfill off)")
            }
        case "metrics-file": metricsFile = context.absolute(line.value)
        case "concurrency":
            if let value = Int(line.value), (1...64).contains(value) {
                concurrency = value
            } else {
                context.problem(line, "`concurrency:` must be a number of feeds fetched at once, from 1 to 64")
            }
        case "retention":
            if let duration = ConfigParser.parseDuration(line.value),
                duration == .zero || (duration >= .seconds(86400) && duration <= .seconds(3650 * 86400))
            {
                retention = TimeInterval(duration.components.seconds)
            } else {
                context.problem(
                    line,
                    "`retention:` must be a duration from 1d to 3650d, like 365d (0 keeps everything)"
                )
            }
        case "threshold":
            if let value = Double(line.value), (0...1).contains(value) {
                threshold = value
            } else {
                context.problem(line, "`threshold:` must be a number from 0 to 1, like 0.8")
            }
        default:
            context.problem(line, "`\(line.key):` is not handled here")
        }
    }

    mutating func finish(context: inout ConfigContext) {
        if retention > 0, retention < backfill {
            context.problem(
                line: context.line(of: "retention") ?? 0,
                "`retention:` (\(Int(retention / 86400))d) is shorter than `backfill:` (\(Int(backfill / 86400))d); backfill could not see pruned listings: make retention at least as long"
            )
        }
        if context.line(of: "watchlists") == nil {
            context.problem(line: 1, "missing `watchlists:` (the folder of *.watch files)")
        }
        if context.line(of: "database") == nil {
            context.problem(line: 1, "missing `database:` (the SQLite file watchlistd keeps its state in)")
        }
    }
}

/// Parses `watchlistd.conf` (see docs/interfaces.md and `DaemonConfig`, whose blocks each
/// know their keys). Keys on top of the contract: `threshold:` (default 0.8), `email-dir:`
/// (an .eml sink, used by `make demo`), `facility:` / `app-name:` in `syslog:`, and
/// `link:` / `id:` / `body:` field paths for `format: json` feeds.
public enum ConfigParser {
    static let schema = DaemonConfig.schema

    public static func load(_ path: String) throws -> DaemonConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError([
                Diagnostic(
                    file: path,
                    line: 0,
                    message: "cannot read the configuration file; check the path given to --config"
                )
            ])
        }
        return try parse(data, file: path)
    }

    public static func parse(_ data: Data, file: String) throws -> DaemonConfig {
        var (config, problems) = DaemonConfig.read(data, file: file, schema: schema)
        if problems.contains(where: { $0.severity == .error }) { throw ConfigurationError(problems) }
        config.warnings = problems
        return config
    }

    static func parseYesNo(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "yes", "true", "on": return true
        case "no", "false", "off": return false
        default: return nil
        }
    }

    /// A size in bytes: `10000000`, `10000k`, `10M` (decimal: k = 1,000, M = 1,000,000); nil
    /// when it is not one or does not fit.
    static func parseBytes(_ text: String) -> Int? {
        let text = text.trimmingCharacters(in: .whitespaces).lowercased()
        for (suffix, factor) in [("mb", 1_000_000), ("m", 1_000_000), ("kb", 1_000), ("k", 1_000), ("b", 1)]
        where text.hasSuffix(suffix) {
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

    /// A `timeout:` line (SMTP, webhook): seconds from 1 s to 10 min; nil (and a problem) otherwise.
    static func parseTimeout(_ line: LineGrammar.Line, example: String, context: inout ConfigContext) -> Int? {
        if let duration = parseDuration(line.value), duration >= .seconds(1), duration <= .seconds(600) {
            return Int(duration.components.seconds)
        }
        context.problem(line, "`timeout:` must be a duration from 1s to 10m, like \(example)")
        return nil
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
}
