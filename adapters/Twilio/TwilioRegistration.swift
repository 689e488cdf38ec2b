import HeraldCore
import HeraldProviders

/// Twilio SMS: the Messages API and its signed StatusCallback and incoming-message webhooks.
public enum TwilioRegistration: ProviderRegistration {
    public static let name = "twilio"
    public static let channel = Channel.sms
    public static let credentialKeys = ["HERALD_TWILIO_ACCOUNT_SID", "HERALD_TWILIO_AUTH_TOKEN"]
    public static let settingKeys = credentialKeys + ["HERALD_TWILIO_BASE_URL", "HERALD_TWILIO_FROM"]

    public static func makeProvider(_ context: ProviderContext) throws -> any ChannelProvider {
        let settings = context.settings
        let configuration: TwilioConfiguration
        if let sandbox = context.sandbox {
            configuration = TwilioConfiguration(
                baseURL: settings.string("HERALD_TWILIO_BASE_URL") ?? sandbox.simulatorURL,
                accountSID: SandboxSecrets.twilioAccountSID, authToken: sandbox.secrets.twilioAuthToken,
                from: settings.string("HERALD_TWILIO_FROM") ?? "+15005550006",
                statusCallbackURL: context.publicURL + "/v1/receipts/twilio")
        } else {
            configuration = TwilioConfiguration(
                baseURL: settings.string("HERALD_TWILIO_BASE_URL") ?? "https://api.twilio.com",
                accountSID: try settings.required("HERALD_TWILIO_ACCOUNT_SID", for: name),
                authToken: try settings.required("HERALD_TWILIO_AUTH_TOKEN", for: name),
                from: try settings.required("HERALD_TWILIO_FROM", for: name),
                statusCallbackURL: context.publicURL + "/v1/receipts/twilio")
        }
        return TwilioProvider(configuration: configuration, client: context.client)
    }

    public static func makeWebhook(_ context: ProviderContext) throws -> (any ProviderWebhook)? {
        let token = try context.sandbox?.secrets.twilioAuthToken
            ?? context.settings.required("HERALD_TWILIO_AUTH_TOKEN", for: name)
        return TwilioWebhook(authToken: token)
    }
}
