import HeraldCore
import HeraldProviders
import HeraldSimulators

/// Twilio SMS: the Messages API and its signed StatusCallback and incoming-message webhooks.
public enum TwilioRegistration: SimulatedRegistration {
    public static let name = "twilio"
    public static let channel = Channel.sms
    public static let credentialKeys = ["HERALD_TWILIO_ACCOUNT_SID", "HERALD_TWILIO_AUTH_TOKEN"]
    public static let settingKeys = credentialKeys + ["HERALD_TWILIO_BASE_URL", "HERALD_TWILIO_FROM"]
    /// The simulated account's SID: an identifier, not a secret.
    public static let sandboxAccountSID = "ACsimulator000000000000000000000000"

    public static func drawSandboxSecrets() throws -> [String: String] { ["auth_token": SandboxSecrets.randomToken()] }

    public static func makeSimulator(_ context: SimulatorContext) throws -> any SimulatedProvider {
        TwilioSimulator(
            configuration: .init(
                accountSID: sandboxAccountSID, authToken: context.secrets["auth_token"], latency: context.latency,
                callbackDelay: context.callbackDelay, callbackStatuses: context.callbackStatuses,
                callbackBeforeReply: context.callbackBeforeReply, faults: context.faults),
            client: context.client, ledger: context.ledger())
    }

    public static func makeProvider(_ context: ProviderContext) throws -> any ChannelProvider {
        let settings = context.settings
        let configuration: TwilioConfiguration
        if let sandbox = context.sandbox {
            configuration = TwilioConfiguration(
                baseURL: settings.string("HERALD_TWILIO_BASE_URL") ?? sandbox.simulatorURL,
                accountSID: sandboxAccountSID, authToken: sandbox.secrets(of: self)["auth_token"],
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
        let token = try context.sandbox?.secrets(of: self)["auth_token"]
            ?? context.settings.required("HERALD_TWILIO_AUTH_TOKEN", for: name)
        return TwilioWebhook(authToken: token)
    }
}
