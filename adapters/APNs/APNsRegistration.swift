import AsyncHTTPClient
import Crypto
import Foundation
import HeraldCore
import HeraldProviders
import HeraldSimulators

/// Apple Push Notification service over HTTP/2, authenticated with a .p8 token key.
public enum APNsRegistration: SimulatedRegistration {
    public static let name = "apns"
    public static let channel = Channel.push
    /// It posts nothing back to Herald: outcomes come in its replies.
    public static let postsReceipts = false
    public static let credentialKeys = ["HERALD_APNS_KEY_FILE"]
    public static let settingKeys = credentialKeys + ["HERALD_APNS_BASE_URL", "HERALD_APNS_TEAM_ID", "HERALD_APNS_KEY_ID",
                                                      "HERALD_APNS_TOPIC", "HERALD_APNS_TRUST_ROOTS_FILE"]
    /// The simulated team, key id and app: identifiers, not secrets.
    public static let sandboxTeamID = "SIMTEAM001"
    public static let sandboxKeyID = "SIMKEY0001"
    public static let sandboxTopic = "com.example.herald"

    /// The raw P-256 key (base64) of the simulated .p8 token key.
    public static func drawSandboxSecrets() throws -> [String: String] {
        ["key": P256.Signing.PrivateKey().rawRepresentation.base64EncodedString()]
    }

    /// The .p8 key among `secrets`.
    public static func sandboxKey(_ secrets: ProviderSecrets) throws -> P256.Signing.PrivateKey {
        try P256.Signing.PrivateKey(rawRepresentation: Data(base64Encoded: secrets["key"]) ?? Data())
    }

    public static func makeSimulator(_ context: SimulatorContext) throws -> any SimulatedProvider {
        APNsSimulator(
            configuration: .init(
                teamID: sandboxTeamID, keyID: sandboxKeyID, publicKey: try sandboxKey(context.secrets).publicKey,
                topic: sandboxTopic, latency: context.latency, faults: context.faults),
            ledger: context.ledger())
    }

    public static func makeProvider(_ context: ProviderContext) throws -> any ChannelProvider {
        let settings = context.settings
        let configuration: APNsConfiguration
        if let sandbox = context.sandbox {
            configuration = APNsConfiguration(
                baseURL: sandbox.tlsSimulatorURL, teamID: sandboxTeamID, keyID: sandboxKeyID,
                privateKeyPEM: try sandboxKey(sandbox.secrets(of: self)).pemRepresentation, topic: sandboxTopic,
                trustRootsPEM: sandbox.tlsTrustRootsPEM)
        } else {
            configuration = APNsConfiguration(
                baseURL: settings.string("HERALD_APNS_BASE_URL") ?? "https://api.push.apple.com",
                teamID: try settings.required("HERALD_APNS_TEAM_ID", for: name),
                keyID: try settings.required("HERALD_APNS_KEY_ID", for: name),
                privateKeyPEM: try settings.file("HERALD_APNS_KEY_FILE") ?? "",
                topic: try settings.required("HERALD_APNS_TOPIC", for: name),
                trustRootsPEM: try settings.file("HERALD_APNS_TRUST_ROOTS_FILE"))
        }
        // Checked before the client exists: a bad key is a configuration error, never a client to tear down.
        guard (try? P256.Signing.PrivateKey(pemRepresentation: configuration.privateKeyPEM)) != nil else {
            throw ProviderConfigurationError("HERALD_APNS_KEY_FILE is not a P-256 private key in PEM (.p8) form")
        }
        let client: HTTPClient
        do {
            client = try APNsProvider.makeClient(configuration: configuration)
        } catch {
            throw ProviderConfigurationError("HERALD_APNS_TRUST_ROOTS_FILE is not a PEM certificate bundle (\(error))")
        }
        context.shutdown.add { try? await client.shutdown() }
        return try APNsProvider(configuration: configuration, client: client)
    }
}
