import Foundation

/// The transfer keys feeds and webhooks share, read the same way in both blocks:
/// `proxy:`, `proxy-credentials:`, `ca-file:`, `tls-verify:`, `allow-internal:`.
public struct TransferOptions: Sendable, Equatable {
    public var proxy: String?
    /// The `proxy:` line (for `check`'s messages).
    public var proxyLine = 0
    /// `proxy-credentials:` — `user:password` read from this file's first line.
    public var proxyCredentials: String?
    /// `ca-file:` — verify the server against this CA bundle instead of the system's.
    public var caFile: String?
    /// `tls-verify: no` — the block's explicit opt-out of certificate checks.
    public var verifyTLS = true
    /// `allow-internal: yes` — the SSRF guard does not apply.
    public var allowInternal = false

    public init() {}

    static let keys: Set<String> = ["proxy", "proxy-credentials", "ca-file", "tls-verify", "allow-internal"]

    /// Reads one of `keys`. `what` names the block in messages (`feed`, `webhook`);
    /// `unverified` says what an unchecked certificate exposes.
    mutating func read(_ line: LineGrammar.Line, what: String, unverified: String, context: inout ConfigContext) {
        switch line.key {
        case "proxy":
            let lower = line.value.lowercased()
            if ["socks5h://", "socks5://", "http://", "https://"].contains(where: lower.hasPrefix) {
                proxy = line.value
                proxyLine = line.number
            } else {
                context.problem(
                    line,
                    "`proxy:` must start with socks5h://, socks5:// or http:// (socks5h:// lets Tor resolve .onion names)"
                )
            }
        case "proxy-credentials":
            let path = context.absolute(line.value)
            if let text = try? String(contentsOfFile: path, encoding: .utf8),
                let first = text.split(whereSeparator: \.isNewline).first, first.contains(":")
            {
                proxyCredentials = String(first)
            } else {
                context.problem(
                    line,
                    "`proxy-credentials:` file \(path) must be readable and hold `user:password` on its first line"
                )
            }
        case "ca-file":
            let path = context.absolute(line.value)
            if FileManager.default.isReadableFile(atPath: path) {
                caFile = path
            } else {
                context.problem(line, "`ca-file:` \(path) is not readable; give a PEM CA bundle")
            }
        case "tls-verify":
            if let yes = ConfigParser.parseYesNo(line.value) {
                verifyTLS = yes
                if !yes {
                    context.warning(
                        line,
                        "`tls-verify: no`: this \(what)'s server certificate is not checked; \(unverified)"
                    )
                }
            } else {
                context.problem(line, "`tls-verify:` must be `yes` or `no`")
            }
        case "allow-internal":
            if let yes = ConfigParser.parseYesNo(line.value) {
                allowInternal = yes
            } else {
                context.problem(line, "`allow-internal:` must be `yes` or `no`")
            }
        default: context.problem(line, "`\(line.key):` is not handled in a `\(what):` block")
        }
    }
}
