import _CryptoExtras
import Foundation
import HeraldCore
import HeraldProviders
import HeraldSimulators

/// Firebase Cloud Messaging HTTP v1, authenticated with a service account.
public enum FCMRegistration: SimulatedRegistration {
    public static let name = "fcm"
    public static let channel = Channel.push
    /// It posts nothing back to Herald: outcomes come in its replies.
    public static let postsReceipts = false
    public static let credentialKeys = ["HERALD_FCM_SERVICE_ACCOUNT_FILE"]
    public static let settingKeys = credentialKeys + ["HERALD_FCM_BASE_URL"]
    /// The simulated project and its service account: identifiers, not secrets.
    public static let sandboxProjectID = "herald-simulator"
    public static let sandboxClientEmail = "herald@herald-simulator.iam.gserviceaccount.com"

    /// The simulated service account's RSA key, PKCS#8 PEM.
    public static func drawSandboxSecrets() throws -> [String: String] {
        ["private_key_pem": try _RSA.Signing.PrivateKey(keySize: .bits2048).pkcs8PEMRepresentation]
    }

    public static func makeSimulator(_ context: SimulatorContext) throws -> any SimulatedProvider {
        FCMSimulator(
            configuration: .init(
                projectID: sandboxProjectID, clientEmail: sandboxClientEmail,
                publicKey: try _RSA.Signing.PrivateKey(pemRepresentation: context.secrets["private_key_pem"]).publicKey,
                tokenURI: context.baseURL + "/token", latency: context.latency, faults: context.faults),
            ledger: context.ledger())
    }

    public static func makeProvider(_ context: ProviderContext) throws -> any ChannelProvider {
        if let sandbox = context.sandbox {
            let account = FCMServiceAccount(
                projectID: sandboxProjectID, privateKeyID: "sandbox",
                privateKey: sandbox.secrets(of: self)["private_key_pem"], clientEmail: sandboxClientEmail,
                tokenURI: sandbox.simulatorURL + "/token")
            return try FCMProvider(account: account, baseURL: sandbox.simulatorURL, client: context.client)
        }
        let json = try context.settings.file("HERALD_FCM_SERVICE_ACCOUNT_FILE") ?? ""
        let account: FCMServiceAccount
        do {
            account = try FCMServiceAccount.parse(Data(json.utf8))
            return try FCMProvider(
                account: account, baseURL: context.settings.string("HERALD_FCM_BASE_URL") ?? "https://fcm.googleapis.com",
                client: context.client)
        } catch {
            throw ProviderConfigurationError(
                "HERALD_FCM_SERVICE_ACCOUNT_FILE is not a usable service account key (\(error)); download one from the Firebase console")
        }
    }
}
