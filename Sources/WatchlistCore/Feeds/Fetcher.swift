import CCurl
import Foundation

/// What to fetch and how far to trust it.
public struct FetchRequest: Sendable {
    public var feed: String
    public var url: String
    public var proxy: String?
    public var etag: String?
    public var lastModified: String?
    /// Largest body accepted, after decompression.
    public var maxBytes: Int = 16 << 20
    public var connectTimeout: Int = 20
    public var totalTimeout: Int = 120
    /// Abort when slower than `lowSpeedBytes` per second for `lowSpeedSeconds`.
    public var lowSpeedBytes: Int = 10
    public var lowSpeedSeconds: Int = 30
    public var maxRedirects: Int = 5
    public var userAgent = FetchRequest.defaultUserAgent
    public static let defaultUserAgent = "watchlistd/0.1 (+https://github.com/watchlistd)"
    /// Extra request headers, `Name: value` (API keys, from `header:` lines).
    public var headers: [String] = []
    /// `user:password` for the proxy (from `proxy-credentials:`); never logged.
    public var proxyCredentials: String?
    /// A CA bundle to verify the server with instead of the system's.
    public var caFile: String?
    /// `tls-verify: no` — the feed's explicit opt-out; logged as a warning at load.
    public var verifyTLS = true
    /// Refuse connections to internal addresses (the SSRF guard), checked on every hop.
    public var refuseInternal = false
    /// For tests only; configuration never sets these.
    var testHooks = TestHooks()

    struct TestHooks: Sendable {
        /// CURLOPT_RESOLVE entries ("feeds.example.com:8080:127.0.0.1"): a public-looking name
        /// for a local test server.
        var resolve: [String] = []
        /// "address:port" peers the SSRF guard takes as public (see `CurlEasy.refuseInternalAddresses`).
        var publicPeers: Set<String> = []
        /// An option answered as a libcurl that lacks it answers (`CurlEasy.unsupportedOptionForTesting`).
        var unsupportedOption: CURLoption?
    }

    /// A POST of this body (a webhook's JSON document; `headers` carry its type) instead of
    /// a GET: no redirect is followed and no conditional or Accept header is sent.
    public var postBody: String?

    public init(feed: String, url: String, proxy: String? = nil, etag: String? = nil, lastModified: String? = nil) {
        self.feed = feed
        self.url = url
        self.proxy = proxy
        self.etag = etag
        self.lastModified = lastModified
    }
}

/// A fetched document, or "not modified".
public struct FetchResponse: Sendable {
    public var status: Int
    public var body: Data
    public var etag: String?
    public var lastModified: String?
    public var contentType: String?
    public var notModified: Bool { status == 304 }
}

/// Why a fetch failed, with the feed and URL the operator needs to look at.
public struct FetchError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case timeout, connect, dns, tls, tooLarge, tooManyRedirects, protocolRefused, internalAddress, cancelled
        /// The proxy's own host name does not resolve (curl resolves it here, whatever the scheme).
        case proxyDNS(String)
        case http(Int)
        case other(String)
    }
    public var kind: Kind
    public var feed: String
    public var url: String
    public var detail: String
    /// Seconds the server asked us to wait (Retry-After on 429/503).
    public var retryAfter: Int?

    public var description: String {
        let advice: String
        switch kind {
        case .timeout: advice = "the server or proxy is too slow; it will be retried"
        case .connect: advice = "cannot connect; check the URL, the proxy and that the site is up"
        case .dns:
            let host = ProxyCheck.host(of: url) ?? ""
            if host.lowercased().hasSuffix(".onion") {
                advice =
                    "a .onion host resolves only inside Tor: give the feed `proxy: socks5h://127.0.0.1:9050` (socks5h, so Tor resolves the name)"
            } else {
                advice = "the host name \(host) does not resolve; check the URL and this machine's DNS"
            }
        case .proxyDNS(let host):
            advice = "the proxy host \(host) does not resolve; check the feed's `proxy:` URL and this machine's DNS"
        case .tls: advice = "TLS verification failed; check the site's certificate"
        case .tooLarge: advice = "the body exceeds the size limit; the feed is refused"
        case .tooManyRedirects: advice = "too many redirects; fix the feed URL"
        case .protocolRefused:
            advice = "only http:// and https:// are followed; a redirect to another scheme is refused"
        case .internalAddress:
            advice =
                "the feed led to an internal address and the SSRF guard refused it; if the feed really is internal, set `allow-internal: yes` in its block"
        case .cancelled: advice = "the daemon is stopping; the feed is fetched again at the next start"
        case .http(let status): advice = "HTTP \(status) from the server"
        case .other: advice = "see the detail"
        }
        return "feed \(feed) (\(url)): \(detail) — \(advice)"
    }
}

/// Fetches feeds through libcurl with the safety limits every feed gets: http/https only
/// (file:// only when the configuration itself names a file:// URL, never through a
/// redirect), at most 5 redirects, body size counted after decompression, connect and
/// total and low-speed time limits, TLS verified, conditional GET.
public struct Fetcher: Sendable {
    public init() {}

    /// Fetches on the curl queue; cancelling the calling task aborts the transfer.
    public func fetch(_ request: FetchRequest) async -> Result<FetchResponse, FetchError> {
        let abort = CurlEasy.Abort()
        return await withTaskCancellationHandler {
            await CurlEasy.run { Self.fetchBlocking(request, abort: abort) }
        } onCancel: {
            abort.cancel()
        }
    }

    static func fetchBlocking(
        _ request: FetchRequest,
        abort: CurlEasy.Abort = CurlEasy.Abort()
    ) -> Result<FetchResponse, FetchError> {
        let curl = CurlEasy()
        curl.unsupportedOptionForTesting = request.testHooks.unsupportedOption
        curl.abortWhen(abort)
        let isFile = request.url.lowercased().hasPrefix("file://")
        curl.set(CURLOPT_URL, request.url)
        curl.set(CURLOPT_PROTOCOLS_STR, isFile ? "file" : "http,https")
        curl.set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        curl.set(CURLOPT_FOLLOWLOCATION, isFile || request.postBody != nil ? 0 : 1)
        curl.set(CURLOPT_MAXREDIRS, request.maxRedirects)
        curl.set(CURLOPT_CONNECTTIMEOUT, request.connectTimeout)
        curl.set(CURLOPT_TIMEOUT, request.totalTimeout)
        curl.set(CURLOPT_LOW_SPEED_LIMIT, request.lowSpeedBytes)
        curl.set(CURLOPT_LOW_SPEED_TIME, request.lowSpeedSeconds)
        curl.set(CURLOPT_SSL_VERIFYPEER, request.verifyTLS ? 1 : 0)
        curl.set(CURLOPT_SSL_VERIFYHOST, request.verifyTLS ? 2 : 0)
        if let caFile = request.caFile { curl.set(CURLOPT_CAINFO, caFile) }
        curl.set(CURLOPT_ACCEPT_ENCODING, "")  // every encoding curl can decode: gzip, deflate, br, zstd
        curl.set(CURLOPT_USERAGENT, request.userAgent)
        if let proxy = request.proxy {
            curl.set(CURLOPT_PROXY, proxy)
            if let credentials = request.proxyCredentials { curl.set(CURLOPT_PROXYUSERPWD, credentials) }
        } else if request.refuseInternal {
            // Through a proxy the connected address is the proxy's; the guard applies to direct fetches.
            curl.refuseInternalAddresses(publicForTesting: request.testHooks.publicPeers)
        }
        if !request.testHooks.resolve.isEmpty { curl.set(CURLOPT_RESOLVE, list: request.testHooks.resolve) }
        if let body = request.postBody {
            curl.post(body)
            curl.set(CURLOPT_HTTPHEADER, list: request.headers)
        } else {
            var headers = [
                "Accept: application/rss+xml, application/atom+xml, application/feed+json, application/json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
            ]
            headers += request.headers
            if let etag = request.etag { headers.append("If-None-Match: " + etag) }
            if let lastModified = request.lastModified { headers.append("If-Modified-Since: " + lastModified) }
            curl.set(CURLOPT_HTTPHEADER, list: headers)
        }
        curl.collectBody(maxBytes: request.maxBytes)

        let code = curl.perform()
        func failure(_ kind: FetchError.Kind, _ detail: String) -> Result<FetchResponse, FetchError> {
            .failure(FetchError(kind: kind, feed: request.feed, url: request.url, detail: detail))
        }
        if curl.refusedOption != nil {
            let detail = curl.failureDetail(code)
            return failure(.other(detail), detail)
        }
        if curl.aborted {
            // Stopped by the progress callback; a transfer that ended otherwise meanwhile says how.
            return failure(
                .cancelled,
                code == CURLE_ABORTED_BY_CALLBACK
                    ? "transfer stopped at shutdown"
                    : "transfer ended at shutdown: \(curl.failureDetail(code))"
            )
        }
        if let address = curl.refusedAddress {
            return failure(
                .internalAddress,
                "refused to connect to internal address \(address) (at \(curl.effectiveURL ?? request.url))"
            )
        }
        if curl.bodyTooLarge {
            return failure(.tooLarge, "body larger than \(request.maxBytes) bytes (after decompression)")
        }
        guard code == CURLE_OK else {
            let detail = curl.failureDetail(code)
            switch code {
            case CURLE_OPERATION_TIMEDOUT: return failure(.timeout, detail)
            case CURLE_COULDNT_RESOLVE_PROXY:
                return failure(.proxyDNS(request.proxy.flatMap(ProxyCheck.host) ?? request.proxy ?? ""), detail)
            case CURLE_COULDNT_RESOLVE_HOST where request.proxy.flatMap(proxyHostFails) != nil:
                // curl 7.88 answers "could not resolve host" for a SOCKS proxy's own host name.
                return failure(.proxyDNS(request.proxy.flatMap(ProxyCheck.host) ?? ""), detail)
            case CURLE_COULDNT_CONNECT, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING:
                return failure(.connect, detail)
            case CURLE_COULDNT_RESOLVE_HOST: return failure(.dns, detail)
            case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CACERT_BADFILE:
                return failure(.tls, detail)
            case CURLE_TOO_MANY_REDIRECTS: return failure(.tooManyRedirects, detail)
            case CURLE_UNSUPPORTED_PROTOCOL: return failure(.protocolRefused, detail)
            default: return failure(.other(detail), detail)
            }
        }
        let status = isFile ? 200 : curl.responseCode
        if status != 200 && status != 304 && !(200..<300).contains(status) {
            var error = FetchError(
                kind: .http(status),
                feed: request.feed,
                url: request.url,
                detail: "HTTP status \(status)"
            )
            if request.postBody != nil, !curl.body.isEmpty {
                // A receiver's refusal says why in its body: its first line, control characters dropped.
                let reason =
                    String(decoding: curl.body.prefix(300), as: UTF8.self).split(whereSeparator: \.isNewline).first
                    ?? ""
                error.detail +=
                    ": "
                    + String(
                        String.UnicodeScalarView(
                            reason.unicodeScalars.filter {
                                $0.properties.generalCategory != .control && $0.value != 0x2028 && $0.value != 0x2029
                            }
                        )
                    )
            }
            if let retry = curl.header("retry-after") { error.retryAfter = RetryAfter.seconds(retry) }
            return .failure(error)
        }
        return .success(
            FetchResponse(
                status: status,
                body: curl.body,
                etag: curl.header("etag"),
                lastModified: curl.header("last-modified"),
                contentType: curl.header("content-type")
            )
        )
    }
}

/// The proxy URL's host when it does not resolve here (nil when it does).
private func proxyHostFails(_ proxy: String) -> String? {
    guard let host = ProxyCheck.host(of: proxy), ProxyCheck.resolveError(host) != nil else { return nil }
    return host
}

/// Retry-After: seconds, or an HTTP date, honoured up to `cap` (24 h): a server asking
/// for more (`Retry-After: 999999999999` is year 33715) gets the cap, so a feed is never
/// parked beyond a day by one header, and no stored date is too large to read back.
enum RetryAfter {
    static let cap = 86400

    static func seconds(_ value: String, now: Date = Date()) -> Int? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if !text.isEmpty, text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) {
            return Int(text).map { min($0, cap) } ?? cap  // too many digits for an Int: the cap
        }
        guard let date = FeedDates.parse(value) else { return nil }
        let seconds = date.timeIntervalSince(now)
        return seconds.isFinite ? Int(min(Double(cap), max(0, seconds))) : nil
    }
}
