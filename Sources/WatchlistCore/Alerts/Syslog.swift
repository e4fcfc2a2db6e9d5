import CPosix
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One hit as one syslog record. Local records go through syslog(3) with a fixed "%s"
/// format; remote ones are RFC 5424 over UDP (one datagram each) or TCP
/// (octet-counted framing, RFC 6587). Feed text is escaped: no control character or
/// newline from a feed reaches the record.
public final class SyslogSender: @unchecked Sendable {
    // @unchecked: the socket descriptor is only used under `lock`.
    private let config: SyslogConfig
    private let hostname: String
    private let lock = NSLock()
    private var socket: Int32 = -1
    private var tls: TLSStream?

    public init(config: SyslogConfig) {
        self.config = config
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, buffer.count - 1)
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        hostname = name.isEmpty ? "-" : name
        if case .local = config.target {
            wl_openlog(config.appName, LOG_PID | LOG_NDELAY, config.facility)
        }
    }

    deinit {
        if socket >= 0 { close(socket) }
    }

    public var targetDescription: String {
        switch config.target {
        case .local: return "local syslog"
        case .udp(let host, let port): return "udp://\(host):\(port)"
        case .tcp(let host, let port): return "tcp://\(host):\(port)"
        case .tls(let host, let port): return "tls://\(host):\(port)"
        case .unix(let path): return "unix://\(path)"
        }
    }

    /// The message part for one hit: `key="value"` pairs, escaped.
    public static func message(for hit: StoredHit) -> String {
        let fields: [(String, String)] = [
            ("customer", hit.customer), ("entity", hit.entity), ("name", hit.name), ("relation", hit.relation),
            ("score", String(format: "%.2f", hit.score)), ("field", hit.field), ("feed", hit.feed),
            ("item", hit.itemKey),
            ("matched", hit.matched), ("title", String(hit.title.prefix(200))), ("link", hit.link ?? ""),
        ]
        return "hit " + fields.map { "\($0.0)=\"\(escape($0.1))\"" }.joined(separator: " ")
    }

    /// RFC 5424 structured data with the same fields.
    static func structuredData(for hit: StoredHit) -> String {
        let fields: [(String, String)] = [
            ("customer", hit.customer), ("entity", hit.entity), ("name", hit.name), ("relation", hit.relation),
            ("score", String(format: "%.2f", hit.score)), ("field", hit.field), ("feed", hit.feed),
            ("item", hit.itemKey),
            ("link", hit.link ?? ""),
        ]
        return "[hit@32473 " + fields.map { "\($0.0)=\"\(escapeParam(escape($0.1)))\"" }.joined(separator: " ") + "]"
    }

    /// Control characters (C0, C1, DEL, U+2028/2029) as `\xNN` / `\u{NNNN}`; quotes and
    /// backslashes escaped.
    public static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x5C: out += "\\\\"
            case 0x22: out += "\\\""
            case 0x00...0x1F, 0x7F...0x9F: out += String(format: "\\x%02X", scalar.value)
            case 0x2028, 0x2029: out += String(format: "\\u{%04X}", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func escapeParam(_ text: String) -> String {
        text.replacingOccurrences(of: "]", with: "\\]")
    }

    /// The full RFC 5424 record (without framing).
    func record(for hit: StoredHit, at date: Date) -> String {
        let priority = config.facility | 4  // warning: a customer is mentioned on a leak site
        let timestamp = FeedDates.rfc3339(date)
        return
            "<\(priority)>1 \(timestamp) \(hostname) \(config.appName) \(getpid()) hit \(Self.structuredData(for: hit)) \(body(for: hit))"
    }

    /// The message part in the configured format.
    func body(for hit: StoredHit) -> String {
        config.format == .cef ? Self.cef(for: hit) : Self.message(for: hit)
    }

    /// ArcSight CEF: header fields escape `\` and `|`; extension values escape `\`, `=`
    /// and line breaks (CEF rules); control characters are escaped as everywhere.
    public static func cef(for hit: StoredHit) -> String {
        func header(_ text: String) -> String {
            escape(text).replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "|", with: "\\|")
        }
        func value(_ text: String) -> String {
            var out = ""
            for scalar in text.unicodeScalars {
                switch scalar.value {
                case 0x5C: out += "\\\\"
                case 0x3D: out += "\\="
                case 0x0A: out += "\\n"
                case 0x0D: out += "\\r"
                case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029: out += String(format: "\\u%04X", scalar.value)
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out
        }
        let fields: [(String, String)] = [
            ("cs1Label", "customer"), ("cs1", hit.customer), ("cs2Label", "entity"), ("cs2", hit.entity),
            ("cs3Label", "name"), ("cs3", hit.name), ("cs4Label", "relation"), ("cs4", hit.relation),
            ("cs5Label", "feed"), ("cs5", hit.feed), ("cs6Label", "item"), ("cs6", hit.itemKey),
            ("cfp1Label", "score"), ("cfp1", String(format: "%.2f", hit.score)), ("cs7Label", "field"),
            ("cs7", hit.field),
            ("msg", String(hit.title.prefix(200))), ("request", hit.link ?? ""), ("act", "matched: " + hit.matched),
        ]
        return "CEF:0|watchlistd|watchlistd|1|hit|\(header("Watchlist mention: " + hit.entity))|7|"
            + fields.map { "\($0.0)=\(value($0.1))" }.joined(separator: " ")
    }

    public func send(_ hit: StoredHit, at date: Date = Date()) throws(DeliveryError) {
        switch config.target {
        case .local:
            wl_syslog(config.facility | 4, body(for: hit))
        case .udp, .tcp, .unix, .tls:
            try sendRemote(record(for: hit, at: date))
        }
    }

    private func sendRemote(_ record: String) throws(DeliveryError) {
        lock.lock()
        defer { lock.unlock() }
        var payload = Array(record.utf8)
        switch config.target {
        case .tcp, .tls: payload = Array("\(payload.count) ".utf8) + payload  // octet counting (RFC 6587 / 5425)
        default: break
        }
        if case .tls(let host, let port) = config.target {
            // the collector restarted: never write into the old session
            if let stream = tls, !stream.isAlive { tls = nil }
            if tls == nil {
                tls = try TLSStream(host: host, port: port, caFile: config.caFile, target: targetDescription)
            }
            do throws(DeliveryError) {
                try tls!.send(payload)
            } catch {
                tls = nil  // reconnect on the next record
                throw error
            }
            return
        }
        if socket >= 0, case .tcp = config.target,
            !SocketProbe.isOpen(socket, whenReadable: { SocketProbe.peekFindsData(socket) })
        {
            // The collector closed the connection (restarted, or timed us out): a write
            // would still succeed locally and the record would be lost. Reconnect first.
            close(socket)
            socket = -1
        }
        if socket < 0 { socket = try connect() }
        let sent = payload.withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        if sent != payload.count {
            let reason = String(cString: strerror(errno))
            close(socket)
            socket = -1
            throw DeliveryError(
                channel: "syslog",
                target: targetDescription,
                detail: "send failed: \(reason)",
                permanent: false
            )
        }
    }

    private func connectUnix(_ path: String) throws(DeliveryError) -> Int32 {
        let fd = Glibc.socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard fd >= 0, bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            if fd >= 0 { close(fd) }
            throw DeliveryError(
                channel: "syslog",
                target: targetDescription,
                detail: "socket path too long",
                permanent: false
            )
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in bytes.enumerated() { raw[i] = byte }
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw DeliveryError(
                channel: "syslog",
                target: targetDescription,
                detail: "cannot connect: \(reason); is the collector listening on that socket?",
                permanent: false
            )
        }
        return fd
    }

    private func connect() throws(DeliveryError) -> Int32 {
        let (host, port, type): (String, UInt16, Int32)
        switch config.target {
        case .udp(let h, let p): (host, port, type) = (h, p, Int32(SOCK_DGRAM.rawValue))
        case .tcp(let h, let p): (host, port, type) = (h, p, Int32(SOCK_STREAM.rawValue))
        case .unix(let path): return try connectUnix(path)
        case .local, .tls: return -1
        }
        var hints = addrinfo()
        hints.ai_socktype = type
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(
            host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")),
            String(port),
            &hints,
            &result
        )
        guard status == 0, let first = result else {
            throw DeliveryError(
                channel: "syslog",
                target: targetDescription,
                detail: "cannot resolve \(host): \(String(cString: gai_strerror(status)))",
                permanent: false
            )
        }
        defer { freeaddrinfo(result) }
        var lastError = "no address"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            let fd = Glibc.socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            if fd >= 0 {
                if Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return fd }
                lastError = String(cString: strerror(errno))
                close(fd)
            }
            entry = info.pointee.ai_next
        }
        throw DeliveryError(
            channel: "syslog",
            target: targetDescription,
            detail: "cannot connect: \(lastError)",
            permanent: false
        )
    }
}

/// Whether a stream socket's peer still holds the connection, checked without blocking
/// before a write: poll for POLLIN/POLLHUP/POLLRDHUP; readable with `recv(MSG_PEEK)`
/// returning 0 is the peer's FIN. A write on a connection the peer has closed succeeds
/// locally and is lost, which is why this is asked before each record.
enum SocketProbe {
    /// POLLRDHUP (Linux 2.6.17+): the peer shut down its side. Glibc declares it only
    /// under _GNU_SOURCE, which Swift's Glibc module does not set.
    static let pollRDHUP: Int16 = 0x2000

    /// `whenReadable` decides when there is something to read but no hang-up: for plain
    /// TCP `peekFindsData`; for TLS a read through the TLS library.
    static func isOpen(_ fd: Int32, whenReadable: () -> Bool) -> Bool {
        var entry = pollfd(fd: fd, events: Int16(POLLIN) | pollRDHUP, revents: 0)
        let ready = poll(&entry, 1, 0)
        if ready < 0 { return errno == EINTR }
        if ready == 0 { return true }
        if entry.revents & (Int16(POLLHUP) | Int16(POLLERR) | Int16(POLLNVAL) | pollRDHUP) != 0 { return false }
        return whenReadable()
    }

    /// Waits until `fd` takes more bytes (poll for POLLOUT), at most `milliseconds`;
    /// false on a timeout or an error.
    static func waitWritable(_ fd: Int32, milliseconds: Int32) -> Bool {
        var entry = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        var ready = poll(&entry, 1, milliseconds)
        while ready < 0 && errno == EINTR { ready = poll(&entry, 1, milliseconds) }
        return ready > 0 && entry.revents & Int16(POLLOUT) != 0
    }

    /// `recv(MSG_PEEK)`: 0 is the peer's FIN; bytes (or nothing yet) mean it is still there.
    static func peekFindsData(_ fd: Int32) -> Bool {
        var byte: UInt8 = 0
        let peeked = recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        return peeked > 0 || (peeked < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
    }
}
