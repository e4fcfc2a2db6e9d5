import Foundation

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
    /// `from:` — required.
    public var from = ""
    /// The `smtp:` line.
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

extension SMTPConfig: ConfigBlock {
    static let key = "smtp"
    static let keys: Set<String> = [
        "from", "bcc", "user", "password-file", "helo", "timeout", "starttls", "grouping", "max-per-hour",
        "max-message-size",
    ]

    init(start: LineGrammar.Line, context: inout ConfigContext) {
        let lower = start.value.lowercased()
        if !(lower.hasPrefix("smtp://") || lower.hasPrefix("smtps://")) {
            context.problem(start, "`smtp:` must be a URL like smtp://127.0.0.1:25 or smtps://mail.example:465")
        } else if let reason = ConfigParser.portProblem(start.value) {
            context.problem(start, "`smtp:` \(reason)")
        }
        self.init(url: start.value, line: start.number)
    }

    mutating func read(_ line: LineGrammar.Line, context: inout ConfigContext) {
        switch line.key {
        case "from":
            if let reason = EmailAddress.problem(with: line.value) {
                context.problem(line, "sender `\(line.value)`: \(reason)")
            }
            from = line.value
        case "bcc":
            for address in line.value.split(separator: ",").map({ String(LineGrammar.trim($0)) }) {
                if let reason = EmailAddress.problem(with: address) {
                    context.problem(line, "operator copy `\(address)`: \(reason)")
                } else {
                    bcc.append(address)
                }
            }
        case "grouping":
            switch line.value.lowercased() {
            case "dispatch": grouping = .dispatch
            case "hit": grouping = .perHit
            default:
                if let window = ConfigParser.parseDuration(line.value), window >= .seconds(60),
                    window <= .seconds(86400)
                {
                    grouping = .window(TimeInterval(window.components.seconds))
                } else {
                    context.problem(
                        line,
                        "`grouping:` must be `dispatch`, `hit`, or a digest window from 1m to 1d, like 15m"
                    )
                }
            }
        case "max-per-hour":
            if let count = Int(line.value), (1...1000).contains(count) {
                maxPerHour = count
            } else {
                context.problem(line, "`max-per-hour:` must be a number of messages from 1 to 1000")
            }
        case "max-message-size":
            if let bytes = ConfigParser.parseBytes(line.value), (10_000...1_000_000_000).contains(bytes) {
                maxMessageSize = bytes
            } else {
                context.problem(
                    line,
                    "`max-message-size:` must be a size from 10k to 1000M bytes, like 10000000 or 10M"
                )
            }
        case "user": user = line.value
        case "password-file": passwordFile = context.absolute(line.value)
        case "helo":
            if DomainName.isValid(line.value.lowercased()) || line.value.lowercased() == "localhost" {
                helo = line.value
            } else {
                context.problem(line, "`helo:` must be a host name like mail.example.org")
            }
        case "timeout": timeout = ConfigParser.parseTimeout(line, example: "60s", context: &context) ?? timeout
        case "starttls":
            if let mode = StartTLS(rawValue: line.value.lowercased()) {
                startTLS = mode
            } else {
                context.problem(
                    line,
                    "`starttls:` must be `require`, `try` or `off` (clear text: only for a relay you trust)"
                )
            }
        default: context.problem(line, "`\(line.key):` is not handled in an `smtp:` block")
        }
    }

    func finish(context: inout ConfigContext) {
        if from.isEmpty { context.problem(line: line, "`smtp:` needs a `from:` address in its block") }
    }
}
