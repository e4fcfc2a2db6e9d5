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
    public var userAgent = "watchlistd/0.1 (+https://github.com/watchlistd)"

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
        case timeout, connect, dns, tls, tooLarge, tooManyRedirects, protocolRefused
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
        case .dns: advice = "the host name does not resolve; for .onion use a socks5h:// proxy"
        case .tls: advice = "TLS verification failed; check the site's certificate"
        case .tooLarge: advice = "the body exceeds the size limit; the feed is refused"
        case .tooManyRedirects: advice = "too many redirects; fix the feed URL"
        case .protocolRefused: advice = "only http:// and https:// are followed; a redirect to another scheme is refused"
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

    public func fetch(_ request: FetchRequest) async -> Result<FetchResponse, FetchError> {
        await CurlEasy.run { Self.fetchBlocking(request) }
    }

    static func fetchBlocking(_ request: FetchRequest) -> Result<FetchResponse, FetchError> {
        let curl = CurlEasy()
        let isFile = request.url.lowercased().hasPrefix("file://")
        curl.set(CURLOPT_URL, request.url)
        curl.set(CURLOPT_PROTOCOLS_STR, isFile ? "file" : "http,https")
        curl.set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        curl.set(CURLOPT_FOLLOWLOCATION, isFile ? 0 : 1)
        curl.set(CURLOPT_MAXREDIRS, request.maxRedirects)
        curl.set(CURLOPT_CONNECTTIMEOUT, request.connectTimeout)
        curl.set(CURLOPT_TIMEOUT, request.totalTimeout)
        curl.set(CURLOPT_LOW_SPEED_LIMIT, request.lowSpeedBytes)
        curl.set(CURLOPT_LOW_SPEED_TIME, request.lowSpeedSeconds)
        curl.set(CURLOPT_SSL_VERIFYPEER, 1)
        curl.set(CURLOPT_SSL_VERIFYHOST, 2)
        curl.set(CURLOPT_ACCEPT_ENCODING, "")  // every encoding curl can decode: gzip, deflate, br, zstd
        curl.set(CURLOPT_USERAGENT, request.userAgent)
        if let proxy = request.proxy { curl.set(CURLOPT_PROXY, proxy) }
        var headers = ["Accept: application/rss+xml, application/atom+xml, application/feed+json, application/json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"]
        if let etag = request.etag { headers.append("If-None-Match: " + etag) }
        if let lastModified = request.lastModified { headers.append("If-Modified-Since: " + lastModified) }
        curl.set(CURLOPT_HTTPHEADER, list: headers)
        curl.collectBody(maxBytes: request.maxBytes)

        let code = curl.perform()
        func failure(_ kind: FetchError.Kind, _ detail: String) -> Result<FetchResponse, FetchError> {
            .failure(FetchError(kind: kind, feed: request.feed, url: request.url, detail: detail))
        }
        if curl.bodyTooLarge {
            return failure(.tooLarge, "body larger than \(request.maxBytes) bytes (after decompression)")
        }
        guard code == CURLE_OK else {
            let detail = "curl error \(code.rawValue): \(CurlEasy.describe(code))"
            switch code {
            case CURLE_OPERATION_TIMEDOUT: return failure(.timeout, detail)
            case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_PROXY, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING:
                return failure(.connect, detail)
            case CURLE_COULDNT_RESOLVE_HOST: return failure(.dns, detail)
            case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CACERT_BADFILE: return failure(.tls, detail)
            case CURLE_TOO_MANY_REDIRECTS: return failure(.tooManyRedirects, detail)
            case CURLE_UNSUPPORTED_PROTOCOL: return failure(.protocolRefused, detail)
            default: return failure(.other(detail), detail)
            }
        }
        let status = isFile ? 200 : curl.responseCode
        if status != 200 && status != 304 && !(200..<300).contains(status) {
            var error = FetchError(kind: .http(status), feed: request.feed, url: request.url, detail: "HTTP status \(status)")
            if let retry = curl.header("retry-after") { error.retryAfter = RetryAfter.seconds(retry) }
            return .failure(error)
        }
        return .success(FetchResponse(status: status, body: curl.body, etag: curl.header("etag"),
                                      lastModified: curl.header("last-modified"), contentType: curl.header("content-type")))
    }
}

/// Retry-After: seconds, or an HTTP date.
enum RetryAfter {
    static func seconds(_ value: String, now: Date = Date()) -> Int? {
        if let seconds = Int(value.trimmingCharacters(in: .whitespaces)) { return max(0, seconds) }
        guard let date = FeedDates.parse(value) else { return nil }
        return max(0, Int(date.timeIntervalSince(now)))
    }
}
