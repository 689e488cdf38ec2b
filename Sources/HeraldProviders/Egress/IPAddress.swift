#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

/// An IPv4 or IPv6 address, the unit the egress policy judges. IPv4 is held
/// in its IPv4-mapped IPv6 form (`::ffff:a.b.c.d`), so one set of networks
/// covers both families, and an IPv4 address written as mapped IPv6 is judged
/// as the IPv4 address it is (it reaches the same host).
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// The first and last 64 of the 128 bits, in network order.
    let high: UInt64
    let low: UInt64

    init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The IPv4 address `a.b.c.d`, as `(a << 24) | (b << 16) | (c << 8) | d`.
    init(ipv4 value: UInt32) {
        self.init(high: 0, low: 0xffff_0000_0000 | UInt64(value))
    }

    /// Parses a numeric address: dotted-quad IPv4 (exactly four decimal parts)
    /// or IPv6 text (`::1`, `fe80::1`, `::ffff:10.0.0.1`); nil for anything
    /// else, host names included.
    public init?(_ text: String) {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            self.init(bytes: withUnsafeBytes(of: &v4) { Array($0) })
            return
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        self.init(bytes: withUnsafeBytes(of: &v6) { Array($0) })
    }

    /// The address a resolved socket address points at; nil for a Unix socket.
    public init?(_ address: SocketAddress) {
        switch address {
        case .v4(let v4):
            var raw = v4.address.sin_addr
            self.init(bytes: withUnsafeBytes(of: &raw) { Array($0) })
        case .v6(let v6):
            var raw = v6.address.sin6_addr
            self.init(bytes: withUnsafeBytes(of: &raw) { Array($0) })
        case .unixDomainSocket:
            return nil
        }
    }

    /// 4 (IPv4) or 16 (IPv6) bytes in network order.
    init(bytes: [UInt8]) {
        if bytes.count == 4 {
            self.init(ipv4: bytes.reduce(0) { $0 << 8 | UInt32($1) })
        } else {
            precondition(bytes.count == 16)
            self.init(high: bytes[0..<8].reduce(0) { $0 << 8 | UInt64($1) },
                      low: bytes[8..<16].reduce(0) { $0 << 8 | UInt64($1) })
        }
    }

    /// The IPv4 address when this is one (held as `::ffff:a.b.c.d`).
    var ipv4: UInt32? {
        high == 0 && low >> 32 == 0xffff ? UInt32(truncatingIfNeeded: low) : nil
    }

    /// Whether this is an IPv4 address (given in either form): its networks' prefixes count IPv4 bits.
    public var isIPv4: Bool { ipv4 != nil }

    /// Dotted-quad for IPv4, RFC 5952 text for IPv6.
    public var description: String {
        if let v4 = ipv4 {
            return [24, 16, 8, 0].map { String(v4 >> UInt32($0) & 0xff) }.joined(separator: ".")
        }
        var raw = in6_addr()
        withUnsafeMutableBytes(of: &raw) { buffer in
            for index in 0..<8 {
                buffer[index] = UInt8(truncatingIfNeeded: high >> UInt64(56 - 8 * index))
                buffer[8 + index] = UInt8(truncatingIfNeeded: low >> UInt64(56 - 8 * index))
            }
        }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &raw, &text, socklen_t(text.count)) != nil else { return "?" }
        return text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
