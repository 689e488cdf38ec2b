import Foundation
import HeraldCore
import HeraldProviders

/// Firebase Cloud Messaging HTTP v1, authenticated with a service account.
public enum FCMRegistration: ProviderRegistration {
    public static let name = "fcm"
    public static let channel = Channel.push
    public static let credentialKeys = ["HERALD_FCM_SERVICE_ACCOUNT_FILE"]
    public static let settingKeys = credentialKeys + ["HERALD_FCM_BASE_URL"]

    public static func makeProvider(_ context: ProviderContext) throws -> any ChannelProvider {
        if let sandbox = context.sandbox {
            let account = FCMServiceAccount(
                projectID: SandboxSecrets.fcmProjectID, privateKeyID: "sandbox",
                privateKey: sandbox.secrets.fcmPrivateKeyPEM, clientEmail: SandboxSecrets.fcmClientEmail,
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
