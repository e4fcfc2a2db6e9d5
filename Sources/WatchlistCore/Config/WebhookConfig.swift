import Foundation

/// One `webhook:` block: in `watchlistd.conf` it receives every customer's hits, in a
/// `.watch` file only that customer's. The same keys in both places:
///
///     webhook: https://soar.example/hooks/watchlistd
///       secret-file: webhook.key   the key of the X-Watchlistd-Signature-256 HMAC (first line)
///       grouping: batch            one POST per customer and dispatch (default), or `hit`
///       timeout: 30s               the whole request (1s to 10m)
///       proxy: / proxy-credentials: / ca-file: / tls-verify: / allow-internal:   as for feeds
public struct WebhookConfig: Sendable, Equatable {
    /// `grouping:` — one POST per customer per dispatch carrying its hits (at most
    /// `maxBatch`), or one POST per hit.
    public enum Grouping: String, Sendable { case batch, hit }
    public var url: String
    /// The file and line of the `webhook:` line (for messages).
    public var file: String
    public var line: Int
    /// `secret-file:` — the file whose first line is the HMAC key; `secret` is that line.
    public var secretFile: String?
    public var secret: String?
    public var grouping: Grouping = .batch
    /// The most hits one POST carries.
    public var maxBatch = 100
    /// `timeout:` — seconds the whole request may take.
    public var timeout = 30
    /// `proxy:`, `proxy-credentials:`, `ca-file:`, `tls-verify:`, `allow-internal:`, as for
    /// feeds. Unlike a feed's URL, a webhook URL naming an internal address is guarded too:
    /// 169.254.169.254 is refused unless the block says `allow-internal: yes`.
    public var transfer = TransferOptions()

    public init(url: String, file: String = "", line: Int = 0) {
        (self.url, self.file, self.line) = (url, file, line)
    }

    /// The URL as messages, `alerts` and the outbox show it: credentials in it
    /// (`https://user:password@host/`) replaced by `***`.
    public var shownURL: String {
        guard let scheme = url.range(of: "://"),
            let at = url[scheme.upperBound...].prefix(while: { $0 != "/" }).lastIndex(of: "@")
        else { return url }
        return String(url[..<scheme.upperBound]) + "***" + String(url[at...])
    }

    /// Where it was configured, for messages: `FILE:LINE`.
    public var origin: String { "\(file):\(line)" }
}

extension WebhookConfig: ConfigBlock {
    static let key = "webhook"
    static let keys: Set<String> = TransferOptions.keys.union(["secret-file", "grouping", "timeout"])

    init(start: LineGrammar.Line, context: inout ConfigContext) {
        let url = start.value
        let scheme = url.split(separator: ":", maxSplits: 1).first.map { $0.lowercased() } ?? ""
        if !["http", "https"].contains(scheme) || !url.contains("://")
            || URLComponents(string: url)?.host?.isEmpty != false
        {
            context.problem(
                start,
                "webhook URL `\(url)` must start with https:// (or http:// for a receiver on this network)"
            )
        } else if let reason = ConfigParser.portProblem(url) {
            context.problem(start, "webhook URL `\(url)`: \(reason)")
        } else if scheme == "http" && !AddressGuard.namesInternalHost(url) {
            context.warning(
                start,
                "webhook URL `\(url)` is plain http: hits cross the network unencrypted; use https://"
            )
        }
        self.init(url: url, file: context.file, line: start.number)
    }

    mutating func read(_ line: LineGrammar.Line, context: inout ConfigContext) {
        switch line.key {
        case "secret-file":
            let path = context.absolute(line.value)
            let first = (try? String(contentsOfFile: path, encoding: .utf8))?.split(whereSeparator: \.isNewline).first
            if let first, !first.isEmpty {
                (secretFile, secret) = (path, String(first))
            } else {
                context.problem(
                    line,
                    "`secret-file:` \(path) must be readable and hold the signing key on its first line"
                )
            }
        case "grouping":
            if let value = Grouping(rawValue: line.value.lowercased()) {
                grouping = value
            } else {
                context.problem(
                    line,
                    "`grouping:` must be `batch` (one POST per customer and dispatch) or `hit` (one POST per hit)"
                )
            }
        case "timeout": timeout = ConfigParser.parseTimeout(line, example: "30s", context: &context) ?? timeout
        default:
            transfer.read(
                line,
                what: "webhook",
                unverified: "anyone on the path can read the hits and forge answers",
                context: &context
            )
        }
    }
}
