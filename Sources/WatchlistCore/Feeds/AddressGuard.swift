import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The SSRF guard's notion of "internal": addresses a feed on the internet has no
/// business making us connect to — loopback, private (RFC 1918, ULA), link-local
/// (cloud metadata at 169.254.169.254), carrier-grade NAT, unspecified, multicast,
/// reserved — including IPv4 addresses wrapped in IPv6 (mapped, NAT64).
public enum AddressGuard {
    /// True for an internal address, and for text that is not an address at all
    /// (refusing what we cannot classify is the safe side).
    public static func isInternal(_ text: String) -> Bool {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return isInternal(v4: UInt32(bigEndian: v4.s_addr))
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return true }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        let embedded = UInt32(bytes[12]) << 24 | UInt32(bytes[13]) << 16 | UInt32(bytes[14]) << 8 | UInt32(bytes[15])
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff {
            return isInternal(v4: embedded)  // ::ffff:a.b.c.d
        }
        if bytes[0..<12] == [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0] {
            return isInternal(v4: embedded)  // 64:ff9b::a.b.c.d (NAT64)
        }
        if bytes[0..<15].allSatisfy({ $0 == 0 }) { return true }  // :: and ::1
        if bytes[0] & 0xfe == 0xfc { return true }  // fc00::/7 unique local
        if bytes[0] == 0xfe && bytes[1] & 0xc0 == 0x80 { return true }  // fe80::/10 link-local
        if bytes[0] == 0xfe && bytes[1] & 0xc0 == 0xc0 { return true }  // fec0::/10 site-local (deprecated)
        if bytes[0] == 0xff { return true }  // multicast
        // documentation
        if bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] == 0x0d && bytes[3] == 0xb8 { return true }
        return false
    }

    static func isInternal(v4 address: UInt32) -> Bool {
        func within(_ network: UInt32, _ bits: UInt32) -> Bool {
            address >> (32 - bits) == network >> (32 - bits)
        }
        return within(0x0000_0000, 8)  // "this network"
            || within(0x0A00_0000, 8)  // 10/8
            || within(0x6440_0000, 10)  // 100.64/10 carrier-grade NAT
            || within(0x7F00_0000, 8)  // loopback
            || within(0xA9FE_0000, 16)  // link-local, cloud metadata
            || within(0xAC10_0000, 12)  // 172.16/12
            || within(0xC000_0000, 24)  // 192.0.0/24 protocol assignments
            || within(0xC0A8_0000, 16)  // 192.168/16
            || within(0xC612_0000, 15)  // 198.18/15 benchmarking
            || within(0xE000_0000, 4)  // multicast
            || within(0xF000_0000, 4)  // reserved, broadcast
    }

    /// Whether a feed URL names an internal place itself (an internal address literal,
    /// `localhost`, a `.localhost`/`.internal`/`.local`/`.lan`/`.home.arpa` name): such
    /// a feed is explicitly local and the guard does not apply to it.
    public static func namesInternalHost(_ url: String) -> Bool {
        guard let host = URLComponents(string: url)?.host?.lowercased(), !host.isEmpty else { return false }
        let bare = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, bare, &v4) == 1 || inet_pton(AF_INET6, bare, &v6) == 1 { return isInternal(bare) }
        if bare == "localhost" { return true }
        return [".localhost", ".internal", ".local", ".lan", ".home.arpa"].contains { bare.hasSuffix($0) }
    }
}
