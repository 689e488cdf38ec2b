/// Why an address is not on the public internet: the special-purpose blocks
/// of the IANA IPv4 and IPv6 registries that a webhook must not reach unless
/// an operator allows them. `of(_:)` answers nil for a public address.
public enum AddressScope: String, Sendable, Hashable, CustomStringConvertible {
    /// `0.0.0.0/8`, `::`: on Linux a connection to them reaches this host.
    case unspecified
    /// `127.0.0.0/8`, `::1`.
    case loopback
    /// `169.254.0.0/16` (cloud metadata services live at 169.254.169.254), `fe80::/10`.
    case linkLocal = "link-local"
    /// `10.0.0.0/8`, `172.16.0.0/12`, `192.168.0.0/16`, local-use NAT64 `64:ff9b:1::/48`, site-local `fec0::/10`.
    case privateNetwork = "private"
    /// `fc00::/7`.
    case uniqueLocal = "unique-local"
    /// Carrier-grade NAT, `100.64.0.0/10`.
    case sharedAddressSpace = "shared address space"
    /// `224.0.0.0/4`, `ff00::/8`.
    case multicast
    /// `255.255.255.255`.
    case broadcast
    /// Documentation, benchmarking, protocol assignments, `240.0.0.0/4`, and
    /// IPv6 outside global unicast `2000::/3`.
    case reserved

    public var description: String { rawValue }

    /// The scope of `address`, nil when it is public. IPv6 forms that embed
    /// an IPv4 address (IPv4-mapped, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`)
    /// are judged by the IPv4 address they lead to.
    public static func of(_ address: IPAddress) -> AddressScope? {
        if let v4 = address.ipv4 { return ipv4(v4) }
        if let scope = ipv6Blocks.first(where: { $0.network.contains(address) })?.scope { return scope }
        if nat64.contains(address) { return ipv4(UInt32(truncatingIfNeeded: address.low)) }
        if sixToFour.contains(address) { return ipv4(UInt32(truncatingIfNeeded: address.high >> 16)) }
        return globalUnicast.contains(address) ? nil : .reserved
    }

    private static func ipv4(_ value: UInt32) -> AddressScope? {
        ipv4Blocks.first { $0.network.contains(IPAddress(ipv4: value)) }?.scope
    }

    private static func block(_ text: String, _ scope: AddressScope) -> (network: IPNetwork, scope: AddressScope) {
        (try! IPNetwork(parsing: text), scope)
    }

    /// In order: the first block that holds an address decides.
    private static let ipv4Blocks = [
        block("0.0.0.0/8", .unspecified),
        block("10.0.0.0/8", .privateNetwork),
        block("100.64.0.0/10", .sharedAddressSpace),
        block("127.0.0.0/8", .loopback),
        block("169.254.0.0/16", .linkLocal),
        block("172.16.0.0/12", .privateNetwork),
        block("192.0.0.0/24", .reserved),
        block("192.0.2.0/24", .reserved),
        block("192.88.99.0/24", .reserved),
        block("192.168.0.0/16", .privateNetwork),
        block("198.18.0.0/15", .reserved),
        block("198.51.100.0/24", .reserved),
        block("203.0.113.0/24", .reserved),
        block("224.0.0.0/4", .multicast),
        block("255.255.255.255/32", .broadcast),
        block("240.0.0.0/4", .reserved),
    ]

    /// IPv6 blocks judged as themselves (IPv4-mapped addresses never get here).
    private static let ipv6Blocks = [
        block("::/128", .unspecified),
        block("::1/128", .loopback),
        block("64:ff9b:1::/48", .privateNetwork),
        block("100::/64", .reserved),
        block("2001:2::/48", .reserved),
        block("2001:db8::/32", .reserved),
        block("3fff::/20", .reserved),
        block("fc00::/7", .uniqueLocal),
        block("fe80::/10", .linkLocal),
        block("fec0::/10", .privateNetwork),
        block("ff00::/8", .multicast),
    ]

    private static let nat64 = try! IPNetwork(parsing: "64:ff9b::/96")
    private static let sixToFour = try! IPNetwork(parsing: "2002::/16")
    private static let globalUnicast = try! IPNetwork(parsing: "2000::/3")
}
