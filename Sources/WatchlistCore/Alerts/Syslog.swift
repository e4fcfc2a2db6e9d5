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
        }
    }

    /// The message part for one hit: `key="value"` pairs, escaped.
    public static func message(for hit: StoredHit) -> String {
        let fields: [(String, String)] = [
            ("customer", hit.customer), ("entity", hit.entity), ("name", hit.name), ("relation", hit.relation),
            ("score", String(format: "%.2f", hit.score)), ("feed", hit.feed), ("item", hit.itemKey),
            ("matched", hit.matched), ("title", String(hit.title.prefix(200))), ("link", hit.link ?? ""),
        ]
        return "hit " + fields.map { "\($0.0)=\"\(escape($0.1))\"" }.joined(separator: " ")
    }

    /// RFC 5424 structured data with the same fields.
    static func structuredData(for hit: StoredHit) -> String {
        let fields: [(String, String)] = [
            ("customer", hit.customer), ("entity", hit.entity), ("name", hit.name), ("relation", hit.relation),
            ("score", String(format: "%.2f", hit.score)), ("feed", hit.feed), ("item", hit.itemKey), ("link", hit.link ?? ""),
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
        return "<\(priority)>1 \(timestamp) \(hostname) \(config.appName) \(getpid()) hit \(Self.structuredData(for: hit)) \(Self.message(for: hit))"
    }

    public func send(_ hit: StoredHit, at date: Date = Date()) throws(DeliveryError) {
        switch config.target {
        case .local:
            wl_syslog(config.facility | 4, Self.message(for: hit))
        case .udp, .tcp:
            let record = record(for: hit, at: date)
            try sendRemote(record)
        }
    }

    private func sendRemote(_ record: String) throws(DeliveryError) {
        lock.lock()
        defer { lock.unlock() }
        let isTCP: Bool
        if case .tcp = config.target { isTCP = true } else { isTCP = false }
        if socket < 0 { socket = try connect() }
        var payload = Array(record.utf8)
        if isTCP { payload = Array("\(payload.count) ".utf8) + payload }
        let sent = payload.withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        if sent != payload.count {
            let reason = String(cString: strerror(errno))
            close(socket)
            socket = -1
            throw DeliveryError(channel: "syslog", target: targetDescription, detail: "send failed: \(reason)", permanent: false)
        }
    }

    private func connect() throws(DeliveryError) -> Int32 {
        let (host, port, type): (String, UInt16, Int32)
        switch config.target {
        case .udp(let h, let p): (host, port, type) = (h, p, Int32(SOCK_DGRAM.rawValue))
        case .tcp(let h, let p): (host, port, type) = (h, p, Int32(SOCK_STREAM.rawValue))
        case .local: return -1
        }
        var hints = addrinfo()
        hints.ai_socktype = type
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), String(port), &hints, &result)
        guard status == 0, let first = result else {
            throw DeliveryError(channel: "syslog", target: targetDescription,
                                detail: "cannot resolve \(host): \(String(cString: gai_strerror(status)))", permanent: false)
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
        throw DeliveryError(channel: "syslog", target: targetDescription, detail: "cannot connect: \(lastError)", permanent: false)
    }
}
