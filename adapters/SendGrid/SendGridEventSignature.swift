import Crypto
import Foundation

/// SendGrid's Signed Event Webhook: an ECDSA P-256 signature over
/// `timestamp + body`, base64 DER in `X-Twilio-Email-Event-Webhook-Signature`,
/// with the timestamp in `X-Twilio-Email-Event-Webhook-Timestamp`; the
/// verification key is the base64 DER public key shown in SendGrid's settings.
public enum SendGridEventSignature {
    public static let signatureHeader = "X-Twilio-Email-Event-Webhook-Signature"
    public static let timestampHeader = "X-Twilio-Email-Event-Webhook-Timestamp"

    public static func isValid(signature: String, timestamp: String, body: [UInt8], publicKey: String) -> Bool {
        guard let key = verificationKey(publicKey) else { return false }
        return isValid(signature: signature, timestamp: timestamp, body: body, key: key)
    }

    public static func isValid(signature: String, timestamp: String, body: [UInt8], key: P256.Signing.PublicKey) -> Bool {
        guard let signatureData = Data(base64Encoded: signature),
              let parsed = try? P256.Signing.ECDSASignature(derRepresentation: signatureData)
        else { return false }
        return key.isValidSignature(parsed, for: Data(timestamp.utf8) + Data(body))
    }

    /// The key SendGrid's settings page shows (base64 DER), or nil when it is not one.
    public static func verificationKey(_ base64DER: String) -> P256.Signing.PublicKey? {
        Data(base64Encoded: base64DER).flatMap { try? P256.Signing.PublicKey(derRepresentation: $0) }
    }

    /// Signs as SendGrid does: used by the simulator.
    public static func sign(timestamp: String, body: [UInt8], privateKey: P256.Signing.PrivateKey) -> String {
        let signature = try? privateKey.signature(for: Data(timestamp.utf8) + Data(body))
        return signature?.derRepresentation.base64EncodedString() ?? ""
    }
}
