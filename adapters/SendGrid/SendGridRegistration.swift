import Crypto
import Foundation
import HeraldCore
import HeraldProviders
import HeraldSimulators

/// SendGrid email: v3 mail/send and the signed Event Webhook.
public enum SendGridRegistration: SimulatedRegistration {
    public static let name = "sendgrid"
    public static let channel = Channel.email
    public static let credentialKeys = ["HERALD_SENDGRID_API_KEY", "HERALD_SENDGRID_VERIFICATION_KEY"]
    public static let settingKeys = credentialKeys + ["HERALD_SENDGRID_BASE_URL", "HERALD_EMAIL_FROM",
                                                      "HERALD_EMAIL_FROM_NAME"]

    /// An API key in SendGrid's shape, and the raw P-256 key (base64) the
    /// simulated SendGrid signs its Event Webhook with.
    public static func drawSandboxSecrets() throws -> [String: String] {
        ["api_key": "SG.sandbox." + SandboxSecrets.randomToken(),
         "signing_key": P256.Signing.PrivateKey().rawRepresentation.base64EncodedString()]
    }

    /// The Event Webhook's signing key among `secrets`.
    public static func signingKey(_ secrets: ProviderSecrets) throws -> P256.Signing.PrivateKey {
        try P256.Signing.PrivateKey(rawRepresentation: Data(base64Encoded: secrets["signing_key"]) ?? Data())
    }

    public static func makeSimulator(_ context: SimulatorContext) throws -> any SimulatedProvider {
        SendGridSimulator(
            configuration: .init(
                apiKey: context.secrets["api_key"], eventURL: context.heraldURL + "/v1/receipts/sendgrid",
                eventDelay: context.callbackDelay, signingKey: try signingKey(context.secrets), latency: context.latency,
                faults: context.faults, eventsBeforeReply: context.callbackBeforeReply),
            client: context.client, ledger: context.ledger())
    }

    public static func makeProvider(_ context: ProviderContext) throws -> any ChannelProvider {
        let settings = context.settings
        let configuration: SendGridConfiguration
        if let sandbox = context.sandbox {
            configuration = SendGridConfiguration(
                baseURL: settings.string("HERALD_SENDGRID_BASE_URL") ?? sandbox.simulatorURL,
                apiKey: sandbox.secrets(of: self)["api_key"],
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
                verificationKey: try signingKey(sandbox.secrets(of: self)).publicKey, window: context.replayWindow)
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
