import _CryptoExtras
import Crypto
import Foundation

/// The credentials the local sandbox's providers (Herald's simulators) and
/// Herald agree on. They are drawn at random the first time a data directory
/// is used and kept in `<data dir>/sandbox-secrets.json` (mode 0600), so
/// `herald serve` and a separate `herald simulate` on the same directory
/// agree, while no secret of the sandbox appears in Herald's source. They are
/// used only in the sandbox: a Herald with API keys never reads them.
public struct SandboxSecrets: Sendable, Codable, Equatable {
    /// Identifiers, not secrets: the simulators' account names.
    public static let twilioAccountSID = "ACsimulator000000000000000000000000"
    public static let aliyunAccessKeyID = "LTAIsimulator"
    public static let sendgridAPIKeyPrefix = "SG.sandbox."
    public static let wechatAppID = "wxsimulator00001"
    public static let fcmProjectID = "herald-simulator"
    public static let fcmClientEmail = "herald@herald-simulator.iam.gserviceaccount.com"
    public static let apnsTeamID = "SIMTEAM001"
    public static let apnsKeyID = "SIMKEY0001"
    public static let apnsTopic = "com.example.herald"
    /// The file, inside the data directory, the secrets are kept in.
    public static let fileName = "sandbox-secrets.json"

    public var twilioAuthToken: String
    public var aliyunAccessKeySecret: String
    public var aliyunReceiptToken: String
    public var sendgridAPIKey: String
    /// Raw P-256 private key (base64) the simulated SendGrid signs its Event Webhook with.
    public var sendgridSigningKey: String
    public var wechatAppSecret: String
    public var wechatServerToken: String
    public var webhookSecret: String
    public var unsubscribeSecret: String
    /// Raw P-256 private key (base64): the simulated APNs .p8 key.
    public var apnsKey: String
    /// The simulated FCM service account's RSA key, PKCS#8 PEM.
    public var fcmPrivateKeyPEM: String

    enum CodingKeys: String, CodingKey {
        case twilioAuthToken = "twilio_auth_token"
        case aliyunAccessKeySecret = "aliyun_access_key_secret"
        case aliyunReceiptToken = "aliyun_receipt_token"
        case sendgridAPIKey = "sendgrid_api_key"
        case sendgridSigningKey = "sendgrid_signing_key"
        case wechatAppSecret = "wechat_app_secret"
        case wechatServerToken = "wechat_server_token"
        case webhookSecret = "webhook_secret"
        case unsubscribeSecret = "unsubscribe_secret"
        case apnsKey = "apns_key"
        case fcmPrivateKeyPEM = "fcm_private_key_pem"
    }

    /// Fresh secrets from the system's CSPRNG.
    public static func generate() throws -> SandboxSecrets {
        SandboxSecrets(
            twilioAuthToken: randomToken(), aliyunAccessKeySecret: randomToken(), aliyunReceiptToken: randomToken(),
            sendgridAPIKey: sendgridAPIKeyPrefix + randomToken(),
            sendgridSigningKey: P256.Signing.PrivateKey().rawRepresentation.base64EncodedString(),
            wechatAppSecret: randomToken(), wechatServerToken: randomToken(), webhookSecret: randomToken(),
            unsubscribeSecret: randomToken(), apnsKey: P256.Signing.PrivateKey().rawRepresentation.base64EncodedString(),
            fcmPrivateKeyPEM: try _RSA.Signing.PrivateKey(keySize: .bits2048).pkcs8PEMRepresentation)
    }

    /// The secrets of `directory`, made and stored on first use. Two processes
    /// starting together agree: the file appears whole (written aside, then
    /// hard-linked into place), and whoever links second reads the winner's.
    public static func load(directory: String) throws -> SandboxSecrets {
        let path = (directory as NSString).appendingPathComponent(fileName)
        if let existing = try read(path) { return existing }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let fresh = try generate()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let temporary = path + ".\(ProcessInfo.processInfo.processIdentifier).tmp"
        guard FileManager.default.createFile(
            atPath: temporary, contents: try encoder.encode(fresh), attributes: [.posixPermissions: 0o600])
        else { throw ProviderConfigurationError("cannot write \(temporary)") }
        defer { unlink(temporary) }
        if link(temporary, path) != 0 {
            guard errno == EEXIST, let winner = try read(path) else {
                throw ProviderConfigurationError("cannot create \(path): \(String(cString: strerror(errno)))")
            }
            return winner
        }
        return fresh
    }

    static func read(_ path: String) throws -> SandboxSecrets? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        do {
            return try JSONDecoder().decode(SandboxSecrets.self, from: data)
        } catch {
            throw ProviderConfigurationError("\(path) is not a sandbox secrets file (\(error)); delete it to draw new secrets")
        }
    }

    /// 32 random bytes as hex.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    public var sendgridPrivateKey: P256.Signing.PrivateKey {
        get throws { try P256.Signing.PrivateKey(rawRepresentation: Data(base64Encoded: sendgridSigningKey) ?? Data()) }
    }

    public var apnsPrivateKey: P256.Signing.PrivateKey {
        get throws { try P256.Signing.PrivateKey(rawRepresentation: Data(base64Encoded: apnsKey) ?? Data()) }
    }

    public var fcmPrivateKey: _RSA.Signing.PrivateKey {
        get throws { try _RSA.Signing.PrivateKey(pemRepresentation: fcmPrivateKeyPEM) }
    }
}
