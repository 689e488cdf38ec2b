import NIOCore

/// Vets where a connection goes: resolves the host once, and refuses it when
/// any address it resolves to is one `policy` does not permit (a name with
/// one public and one private record is refused whole). A client that then
/// connects to exactly the addresses returned cannot be steered elsewhere by
/// a second, different DNS answer (DNS rebinding).
public struct EgressGuard: Sendable {
    /// What the resolved addresses are judged by.
    public var policy: EgressPolicy
    /// How host names are resolved (off the event loops, with a timeout).
    public var resolver: HostResolver

    public init(policy: EgressPolicy, resolver: HostResolver = HostResolver()) {
        self.policy = policy
        self.resolver = resolver
    }

    /// The host and port of an `http(s)://` URL, read exactly as the provider
    /// client reads them (so the host checked is the host connected to); nil
    /// when the client would refuse the URL.
    public static func target(ofURL url: String) -> (host: String, port: Int)? {
        ProviderOrigin.parse(url).map { ($0.origin.host, $0.origin.port) }
    }

    /// The addresses of `host` that a connection may use: all of them, or a refusal.
    public func vet(host: String, port: Int) async throws(EgressRefusal) -> [SocketAddress] {
        let addresses: [SocketAddress]
        do {
            addresses = try await resolver.resolve(host: host, port: port)
        } catch {
            throw .unresolvable(error)
        }
        for address in addresses {
            guard let ip = IPAddress(address) else { throw .notAllowed(.reserved) }
            if !policy.permits(ip) { throw .notAllowed(AddressScope.of(ip) ?? .reserved) }
        }
        return addresses
    }
}
