import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What `check` asks of a feed's `proxy:` before the daemon runs: libcurl resolves the
/// proxy's own host name here, whatever the scheme; with `socks5://` (and no proxy) it
/// also resolves the feed's host here, while `socks5h://` and HTTP proxies leave that
/// to the proxy (the only way to reach .onion hosts).
public enum ProxyCheck {
    /// The host of a proxy URL (`socks5h://127.0.0.1:9050` → 127.0.0.1).
    static func host(of url: String) -> String? {
        guard let host = URLComponents(string: url)?.host, !host.isEmpty else { return nil }
        return host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
    }

    /// getaddrinfo's answer: nil when the name resolves, else its error code.
    static func resolveError(_ host: String) -> Int32? {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &result)
        if let result { freeaddrinfo(result) }
        return status == 0 ? nil : status
    }

    /// Problems with the feed's proxy, at its `proxy:` line of `file`. A name that does not
    /// exist is an error; a temporary DNS failure (no answer yet at boot) only a warning,
    /// since `check` runs before every start of the unit.
    public static func problems(for feed: FeedConfig, file: String) -> [Diagnostic] {
        guard let proxy = feed.proxy else { return [] }
        var problems: [Diagnostic] = []
        func report(_ status: Int32, _ message: String) {
            let reason = String(cString: gai_strerror(status))
            let definite = status == EAI_NONAME || status == EAI_FAIL
            problems.append(
                Diagnostic(
                    file: file,
                    line: feed.proxyLine,
                    message: message + " (\(reason))",
                    severity: definite ? .error : .warning
                )
            )
        }
        if let host = host(of: proxy), let status = resolveError(host) {
            report(
                status,
                "feed \(feed.name): the proxy host \(host) does not resolve; check the `proxy:` URL (Tor's usual one is socks5h://127.0.0.1:9050)"
            )
        }
        if proxy.lowercased().hasPrefix("socks5://"), let host = host(of: feed.url), let status = resolveError(host) {
            report(
                status,
                "feed \(feed.name): with socks5:// the feed's host \(host) is resolved here, and it does not resolve; use socks5h:// to let the proxy resolve it (.onion hosts need that)"
            )
        }
        return problems
    }
}
