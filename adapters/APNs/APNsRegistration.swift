import AsyncHTTPClient
import Crypto
import HeraldCore
import HeraldProviders

/// Apple Push Notification service over HTTP/2, authenticated with a .p8 token key.
public enum APNsRegistration: ProviderRegistration {
    public static let name = "apns"
    public static let channel = Channel.push
    public static let credentialKeys = ["HERALD_APNS_KEY_FILE"]
    public static let settingKeys = credentialKeys + ["HERALD_APNS_BASE_URL", "HERALD_APNS_TEAM_ID", "HERALD_APNS_KEY_ID",
                                                      "HERALD_APNS_TOPIC", "HERALD_APNS_TRUST_ROOTS_FILE"]

    public static func makeProvider(_ context: ProviderContext) throws -> any ChannelProvider {
        let settings = context.settings
        let configuration: APNsConfiguration
        if let sandbox = context.sandbox {
            configuration = APNsConfiguration(
                baseURL: sandbox.apnsSimulatorURL, teamID: SandboxSecrets.apnsTeamID, keyID: SandboxSecrets.apnsKeyID,
                privateKeyPEM: try sandbox.secrets.apnsPrivateKey.pemRepresentation, topic: SandboxSecrets.apnsTopic,
                trustRootsPEM: sandbox.apnsTrustRootsPEM)
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
