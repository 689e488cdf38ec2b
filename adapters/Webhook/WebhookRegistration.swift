import HeraldCore
import HeraldProviders

/// Signed webhooks to any URL. Outside the sandbox the signing secret must be
/// configured: a receiver checking signatures must never be satisfiable with
/// a secret anyone could know.
public enum WebhookRegistration: ProviderRegistration {
    public static let name = "webhook"
    public static let channel = Channel.webhook
    public static let credentialKeys = ["HERALD_WEBHOOK_SECRET"]
    public static let settingKeys = credentialKeys
    /// Signing a POST costs nobody money; it does not rule out the sandbox.
    public static let isRealAccount = false

    public static func makeProvider(_ context: ProviderContext) throws -> any ChannelProvider {
        let secret = try context.settings.string("HERALD_WEBHOOK_SECRET") ?? context.sandbox?.secrets.webhookSecret
            ?? context.settings.required("HERALD_WEBHOOK_SECRET", for: name)
        return WebhookProvider(secret: secret, client: context.client)
    }
}
