import Crypto
import Foundation

/// The bearer secret of a stored API key: `hrk_<id>_<43 base64url
/// characters>`. The id inside lets Herald find the key's record without an
/// index of secrets; the 256 random bits make the secret unguessable, so an
/// unsalted SHA-256 is what is stored, and the secret itself never is.
public struct APIKeyToken: Sendable, Equatable {
    public static let prefix = "hrk_"
    /// 16 lowercase hex characters.
    public let id: String
    /// The whole bearer string, shown to its creator once.
    public let secret: String

    /// A new key with a random id and secret.
    public static func generate() -> APIKeyToken {
        var generator = SystemRandomNumberGenerator()
        let id = (0..<8).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        let random = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return APIKeyToken(id: id, secret: prefix + id + "_" + Base64URL.encode(random))
    }

    /// The id of a bearer string shaped like a stored key's secret; nil for any other string.
    public static func id(of bearer: String) -> String? {
        let utf8 = bearer.utf8
        guard utf8.count == prefix.count + 16 + 1 + 43, bearer.hasPrefix(prefix) else { return nil }
        let id = bearer.dropFirst(prefix.count).prefix(16)
        guard isID(String(id)), bearer.dropFirst(prefix.count + 16).first == "_" else { return nil }
        return String(id)
    }

    /// Whether `text` has the shape of a key id (what `DELETE /v1/keys/{id}` takes).
    public static func isID(_ text: String) -> Bool {
        text.utf8.count == 16 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    /// SHA-256 of the bearer string, lowercase hex: what a key's record keeps.
    public static func hash(_ bearer: String) -> String {
        SHA256.hash(data: Array(bearer.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    init(id: String, secret: String) {
        self.id = id
        self.secret = secret
    }
}
