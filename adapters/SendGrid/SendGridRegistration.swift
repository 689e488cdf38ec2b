import Foundation
import HeraldCore
import HeraldProviders

/// SendGrid email: v3 mail/send and the signed Event Webhook.
public enum SendGridRegistration: ProviderRegistration {
    public static let name = "sendgrid"
    public static let channel = Channel.email
    public static let credentialKeys = ["HERALD_SENDGRID_API_KEY", "HERALD_SENDGRID_VERIFICATION_KEY"]
    public static let settingKeys = credentialKeys + ["HERALD_SENDGRID_BASE_URL", "HERALD_EMAIL_FROM",
                                                      "HERALD_EMAIL_FROM_NAME"]

    public static func makeProvider(_ context: ProviderContext) throws -> any ChannelProvider {
        let settings = context.settings
        let configuration: SendGridConfiguration
        if let sandbox = context.sandbox {
            configuration = SendGridConfiguration(
                baseURL: settings.string("HERALD_SENDGRID_BASE_URL") ?? sandbox.simulatorURL,
                apiKey: sandbox.secrets.sendgridAPIKey,
                fromAddress: settings.string("HERALD_EMAIL_FROM") ?? "herald@example.com",
                fromName: settings.string("HERALD_EMAIL_FROM_NAME"), unsubscribeLinks: context.unsubscribeLinks)
        } else {
            configuration = SendGridConfiguration(
                baseURL: settings.string("HERALD_SENDGRID_BASE_URL") ?? "https://api.sendgrid.com",
                apiKey: try settings.required("HERALD_SENDGRID_API_KEY", for: name),
                fromAddress: try settings.required("HERALD_EMAIL_FROM", for: name),
                fromName: settings.string("HERALD_EMAIL_FROM_NAME"), unsubscribeLinks: context.unsubscribeLinks)
        }
        return SendGridProvider(configuration: configuration, client: context.client)
    }

    public static func makeWebhook(_ context: ProviderContext) throws -> (any ProviderWebhook)? {
        if let sandbox = context.sandbox {
            return SendGridWebhook(
                verificationKey: try sandbox.secrets.sendgridPrivateKey.publicKey, window: context.replayWindow)
        }
        guard let text = context.settings.string("HERALD_SENDGRID_VERIFICATION_KEY") else {
            context.warn("sendgrid: no HERALD_SENDGRID_VERIFICATION_KEY, so /v1/receipts/sendgrid answers 404")
            return nil
        }
        guard let key = SendGridEventSignature.verificationKey(text) else {
            throw ProviderConfigurationError(
                "HERALD_SENDGRID_VERIFICATION_KEY is not a base64 DER P-256 public key (copy it from SendGrid's Signed Event Webhook settings)")
        }
        return SendGridWebhook(verificationKey: key, window: context.replayWindow)
    }
}
