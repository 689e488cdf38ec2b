/// Which addresses an outbound connection may reach: every public address,
/// and of the non-public ones (`AddressScope`) only those inside
/// `allowedNetworks`. Applied to webhooks, whose target a caller names, so
/// that an API key cannot make Herald probe its own network (SSRF).
public struct EgressPolicy: Sendable, Hashable {
    /// Non-public networks an operator lets webhooks reach (`HERALD_WEBHOOK_ALLOWED_NETWORKS`).
    public var allowedNetworks: [IPNetwork]

    public init(allowedNetworks: [IPNetwork] = []) {
        self.allowedNetworks = allowedNetworks
    }

    /// `127.0.0.0/8` and `::1`: what the local sandbox adds, where webhooks
    /// go to receivers on the developer's own machine.
    public static let loopback = [try! IPNetwork(parsing: "127.0.0.0/8"), try! IPNetwork(parsing: "::1/128")]

    /// Whether a connection to `address` is allowed.
    public func permits(_ address: IPAddress) -> Bool {
        AddressScope.of(address) == nil || allowedNetworks.contains { $0.contains(address) }
    }
}
