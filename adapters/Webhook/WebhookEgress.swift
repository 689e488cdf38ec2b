import HeraldProviders
import NIOCore

/// Where webhooks may connect. A caller names a webhook's URL, so without a
/// limit an API key could make Herald reach its own network: Redis, admin
/// ports, cloud metadata (SSRF). Webhooks go to public addresses, to the
/// networks listed in `HERALD_WEBHOOK_ALLOWED_NETWORKS`, and in the local
/// sandbox to loopback too. The API checks at acceptance; the webhook client
/// checks again, at every new connection, the addresses it connects to.
public enum WebhookEgress {
    /// Comma-separated CIDRs of non-public networks webhooks may reach.
    public static let allowedNetworksKey = "HERALD_WEBHOOK_ALLOWED_NETWORKS"
    /// What is read of a receiver's answer: only its status matters, and a
    /// longer body is cut rather than failing the delivery.
    public static let maxResponseBytes = 64 * 1024

    /// The policy the settings describe; a malformed network stops Herald at start.
    public static func policy(settings: ProviderSettings, sandbox: Bool) throws -> EgressPolicy {
        var networks: [IPNetwork] = []
        if let text = settings.string(allowedNetworksKey) {
            do {
                networks = try IPNetwork.list(parsing: text)
            } catch {
                throw ProviderConfigurationError("\(allowedNetworksKey): \(error)")
            }
        }
        if sandbox { networks += EgressPolicy.loopback }
        return EgressPolicy(allowedNetworks: networks)
    }

    /// The client webhooks go through: pools of its own (a connection another
    /// provider opened is never reused for a webhook), every connection
    /// vetted against `policy`, answers read up to `maxResponseBytes`.
    public static func client(
        policy: EgressPolicy, maxConnectionsPerHost: Int, readTimeout: TimeAmount, trustRootsPEM: String? = nil
    ) throws -> ProviderHTTPClient {
        try ProviderHTTPClient(
            maxConnectionsPerHost: maxConnectionsPerHost, readTimeout: readTimeout, maxResponseBytes: maxResponseBytes,
            truncatesLongResponses: true, egress: EgressGuard(policy: policy), trustRootsPEM: trustRootsPEM)
    }
}
