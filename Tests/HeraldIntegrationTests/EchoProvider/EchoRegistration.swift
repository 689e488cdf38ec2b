import HeraldCore
import HeraldProviders
import HeraldSimulators

/// A provider that exists only in this test target: the proof that a
/// provider is one unit. Its registration names everything, and the harness,
/// the API and the simulators take it from there, with no other file edited.
/// It is also the shape the README's "Adding a provider" recipe follows.
enum EchoRegistration: SimulatedRegistration {
    static let name = "echo"
    static let channel = Channel.sms
    static let credentialKeys = ["HERALD_ECHO_TOKEN"]
    static let settingKeys = credentialKeys + ["HERALD_ECHO_BASE_URL"]
    /// The sandbox uses Echo only when `HERALD_SMS_PROVIDERS` names it.
    static let isSandboxDefault = false

    static func drawSandboxSecrets() throws -> [String: String] { ["token": SandboxSecrets.randomToken()] }

    static func makeProvider(_ context: ProviderContext) throws -> any ChannelProvider {
        if let sandbox = context.sandbox {
            return EchoProvider(baseURL: sandbox.simulatorURL, token: sandbox.secrets(of: self)["token"], client: context.client)
        }
        return EchoProvider(
            baseURL: try context.settings.required("HERALD_ECHO_BASE_URL", for: name),
            token: try context.settings.required("HERALD_ECHO_TOKEN", for: name), client: context.client)
    }

    static func makeWebhook(_ context: ProviderContext) throws -> (any ProviderWebhook)? {
        EchoWebhook(token: try context.sandbox?.secrets(of: self)["token"]
            ?? context.settings.required("HERALD_ECHO_TOKEN", for: name))
    }

    static func makeSimulator(_ context: SimulatorContext) throws -> any SimulatedProvider {
        EchoSimulator(token: context.secrets["token"], receiptURL: context.heraldURL + "/v1/receipts/" + name,
                      callbackDelay: context.callbackDelay, faults: context.faults, client: context.client,
                      ledger: context.ledger())
    }
}
