import HeraldCore
import HeraldProviders
import HeraldSimulators

/// Signed webhooks to the URL a caller names, on public addresses and the
/// networks `HERALD_WEBHOOK_ALLOWED_NETWORKS` lists (`WebhookEgress`). Outside
/// the sandbox the signing secret must be configured: a receiver checking
/// signatures must never be satisfiable with a secret anyone could know.
public enum WebhookRegistration: SimulatedRegistration {
    public static let name = "webhook"
    public static let channel = Channel.webhook
    /// It posts nothing back to Herald: outcomes come in its replies.
    public static let postsReceipts = false
    public static let credentialKeys = ["HERALD_WEBHOOK_SECRET"]
    public static let settingKeys = credentialKeys + [WebhookEgress.allowedNetworksKey]
    /// Signing a POST costs nobody money; it does not rule out the sandbox.
    public static let isRealAccount = false

    public static func drawSandboxSecrets() throws -> [String: String] { ["secret": SandboxSecrets.randomToken()] }

    /// A receiver on the simulators' port (`<simulators>/hooks/<name>`) that checks the signature.
    public static func makeSimulator(_ context: SimulatorContext) throws -> any SimulatedProvider {
        WebhookSink(secret: context.secrets["secret"], ledger: context.ledger(), faults: context.faults)
    }

    public static func makeProvider(_ context: ProviderContext) throws -> any ChannelProvider {
        let secret = try context.settings.string("HERALD_WEBHOOK_SECRET") ?? context.sandbox?.secrets(of: self)["secret"]
            ?? context.settings.required("HERALD_WEBHOOK_SECRET", for: name)
        let policy = try WebhookEgress.policy(settings: context.settings, sandbox: context.sandbox != nil)
        let client = try WebhookEgress.client(
            policy: policy, maxConnectionsPerHost: context.client.maxConnectionsPerHost, readTimeout: context.client.readTimeout)
        context.shutdown.add { await client.shutdown() }
        return WebhookProvider(secret: secret, client: client)
    }
}
