import Foundation

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
    /// `facility:`, shifted as syslog(3) wants it (default local0).
    public var facility: Int32 = 16 << 3
    /// `app-name:` — the RFC 5424 APP-NAME.
    public var appName = "watchlistd"
    /// The `syslog:` line.
    public var line: Int
}

extension SyslogConfig: ConfigBlock {
    static let key = "syslog"
    static let keys: Set<String> = ["facility", "app-name", "format", "ca-file"]

    init(start: LineGrammar.Line, context: inout ConfigContext) {
        let target = Self.parseTarget(start.value)
        if target == nil {
            context.problem(
                start,
                "`syslog:` must be `local`, `udp://HOST:PORT`, `tcp://HOST:PORT`, `tls://HOST:PORT` (PORT from 1 to 65535) or `unix:///PATH`"
            )
        }
        self.init(target: target ?? .local, line: start.number)
    }

    mutating func read(_ line: LineGrammar.Line, context: inout ConfigContext) {
        switch line.key {
        case "format":
            if let value = Format(rawValue: line.value.lowercased()) {
                format = value
            } else {
                context.problem(line, "`format:` must be `rfc5424` or `cef`")
            }
        case "ca-file": caFile = context.absolute(line.value)
        case "facility":
            if let code = Self.facilities[line.value.lowercased()] {
                facility = code << 3
            } else {
                context.problem(
                    line,
                    "unknown syslog facility `\(line.value)`; use one of user, daemon, auth, local0 … local7"
                )
            }
        case "app-name":
            if line.value.utf8.count <= 48, line.value.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F })
            {
                appName = line.value
            } else {
                context.problem(line, "`app-name:` must be at most 48 printable ASCII characters without spaces")
            }
        default: context.problem(line, "`\(line.key):` is not handled in a `syslog:` block")
        }
    }

    static func parseTarget(_ text: String) -> Target? {
        if text.lowercased() == "local" { return .local }
        if text.lowercased().hasPrefix("unix://") {
            let path = String(text.dropFirst(7))
            return path.hasPrefix("/") ? .unix(path: path) : nil
        }
        guard let url = URLComponents(string: text), let host = url.host, !host.isEmpty,
            let port = url.port, let port16 = UInt16(exactly: port), port16 > 0
        else { return nil }
        switch url.scheme?.lowercased() {
        case "udp": return .udp(host: host, port: port16)
        case "tcp": return .tcp(host: host, port: port16)
        case "tls": return .tls(host: host, port: port16)
        default: return nil
        }
    }

    static let facilities: [String: Int32] = [
        "kern": 0, "user": 1, "mail": 2, "daemon": 3, "auth": 4, "syslog": 5, "lpr": 6, "news": 7,
        "uucp": 8, "cron": 9, "authpriv": 10, "ftp": 11,
        "local0": 16, "local1": 17, "local2": 18, "local3": 19, "local4": 20, "local5": 21, "local6": 22, "local7": 23,
    ]
}
