import CCurl
import Foundation

/// A TLS byte stream to a collector (syslog over TLS), through libcurl's connect-only
/// mode: curl does the TCP connection, the TLS handshake and certificate verification;
/// `send` writes raw bytes on the established session. Used under the owner's lock.
final class TLSStream {
    private let curl = CurlEasy()
    let target: String

    init(host: String, port: UInt16, caFile: String?, target: String) throws(DeliveryError) {
        self.target = target
        curl.set(CURLOPT_URL, "https://\(host):\(port)/")
        curl.set(CURLOPT_PROTOCOLS_STR, "https")
        curl.set(CURLOPT_CONNECT_ONLY, 1)
        curl.set(CURLOPT_CONNECTTIMEOUT, 20)
        curl.set(CURLOPT_SSL_VERIFYPEER, 1)
        curl.set(CURLOPT_SSL_VERIFYHOST, 2)
        if let caFile { curl.set(CURLOPT_CAINFO, caFile) }
        let code = curl.perform()
        guard code == CURLE_OK else {
            throw DeliveryError(
                channel: "syslog",
                target: target,
                detail: curl.refusedOption == nil
                    ? "TLS connection failed: \(curl.failureDetail(code)); check the collector's certificate and `ca-file:`"
                    : "TLS connection not made: \(curl.failureDetail(code))",
                permanent: false
            )
        }
    }

    /// Whether the collector still holds the connection. Readable is not closed here: TLS
    /// 1.3 servers send session tickets after the handshake, which the TLS library takes
    /// (the read says "again"); a close_notify reads as 0 bytes, a reset as an error.
    var isAlive: Bool {
        let fd = curl.activeSocket
        return fd >= 0
            && SocketProbe.isOpen(fd) {
                var buffer = [UInt8](repeating: 0, count: 4096)
                var received = 0
                let code = buffer.withUnsafeMutableBytes { curl.receiveRaw($0.baseAddress!, $0.count, &received) }
                return code == CURLE_AGAIN || (code == CURLE_OK && received > 0)  // bytes from a collector: ignored
            }
    }

    /// Writes every byte; when the socket is full, waits for it to drain (poll), up to
    /// `stallLimit` seconds without progress.
    func send(_ bytes: [UInt8], stallLimit: Int32 = 10) throws(DeliveryError) {
        var offset = 0
        while offset < bytes.count {
            var sent = 0
            let code = bytes.withUnsafeBytes { raw in
                curl.sendRaw(raw.baseAddress! + offset, raw.count - offset, &sent)
            }
            if code == CURLE_AGAIN {
                guard SocketProbe.waitWritable(curl.activeSocket, milliseconds: stallLimit * 1000) else {
                    throw DeliveryError(
                        channel: "syslog",
                        target: target,
                        detail: "TLS send timed out: the collector took nothing for \(stallLimit) s",
                        permanent: false
                    )
                }
                continue
            }
            guard code == CURLE_OK else {
                throw DeliveryError(
                    channel: "syslog",
                    target: target,
                    detail: "TLS send failed: curl error \(code.rawValue): \(CurlEasy.describe(code))",
                    permanent: false
                )
            }
            offset += sent
        }
    }
}
