import Foundation

/// A block of addresses in CIDR notation (`10.0.0.0/8`, `fd00::/8`), as
/// `HERALD_WEBHOOK_ALLOWED_NETWORKS` lists them. An IPv4 block also covers the
/// IPv4-mapped IPv6 forms of its addresses, since `IPAddress` holds IPv4 that way.
public struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    /// The first address of the block.
    public let base: IPAddress
    /// How many leading bits of the 128-bit form are fixed (an IPv4 /8 is 104).
    let bits: Int

    /// Parses `address/prefix`, or a bare address as a block of one. The
    /// prefix counts IPv4 bits after an IPv4 address and IPv6 bits after an
    /// IPv6 one. Refuses a prefix out of range and an address with bits set
    /// past its prefix (`10.0.0.1/8`): it is more likely a typo than a wish.
    public init(parsing text: String) throws(IPNetworkError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(String(parts[0])) else {
            throw IPNetworkError("'\(trimmed.prefix(64))' is not an address/prefix such as 10.0.0.0/8 or fd00::/8")
        }
        let writtenAsIPv6 = parts[0].contains(":")
        let maximum = writtenAsIPv6 ? 128 : 32
        var prefix = maximum
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), let parsed = Int(parts[1]), (0...maximum).contains(parsed) else {
                throw IPNetworkError("'\(trimmed.prefix(64))': the prefix must be a number from 0 to \(maximum)")
            }
            prefix = parsed
        }
        self.init(base: address, bits: writtenAsIPv6 ? prefix : 96 + prefix)
        guard base == address else {
            throw IPNetworkError("'\(trimmed.prefix(64))' has bits set past its /\(prefix) prefix; did you mean \(self)?")
        }
    }

    /// The block of the `bits` leading bits of `address`'s 128-bit form.
    init(base address: IPAddress, bits: Int) {
        self.bits = bits
        let mask = Self.mask(bits: bits)
        base = IPAddress(high: address.high & mask.high, low: address.low & mask.low)
    }

    /// The prefix length in the block's own family: 0–32 for IPv4, 0–128 for IPv6.
    public var prefixLength: Int { base.isIPv4 && bits >= 96 ? bits - 96 : bits }

    /// Whether `address` lies in the block.
    public func contains(_ address: IPAddress) -> Bool {
        let mask = Self.mask(bits: bits)
        return address.high & mask.high == base.high && address.low & mask.low == base.low
    }

    /// `10.0.0.0/8`, `fd00::/8`.
    public var description: String { "\(base)/\(prefixLength)" }

    /// Parses a comma-separated list; empty items are skipped.
    public static func list(parsing text: String) throws(IPNetworkError) -> [IPNetwork] {
        var networks: [IPNetwork] = []
        for item in text.split(separator: ",") where !item.trimmingCharacters(in: .whitespaces).isEmpty {
            networks.append(try IPNetwork(parsing: String(item)))
        }
        return networks
    }

    /// A 128-bit mask of `bits` leading ones, as two halves.
    private static func mask(bits: Int) -> (high: UInt64, low: UInt64) {
        let high: UInt64 = bits >= 64 ? .max : bits <= 0 ? 0 : .max << UInt64(64 - bits)
        let low: UInt64 = bits <= 64 ? 0 : bits >= 128 ? .max : .max << UInt64(128 - bits)
        return (high, low)
    }
}
