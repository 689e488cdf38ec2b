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
        let id = String(hash(Base64URL.encode((0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) })).prefix(16))
        let random = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return APIKeyToken(id: id, secret: prefix + id + "_" + Base64URL.encode(random))
    }

    /// The id of a bearer string shaped like a stored key's secret; nil for any other string.
    /// Read byte by byte: it runs on every request of a stored key.
    public static func id(of bearer: String) -> String? {
        let utf8 = bearer.utf8
        guard utf8.count == prefix.utf8.count + 16 + 1 + 43 else { return nil }
        var bearer = bearer
        return bearer.withUTF8 { bytes -> String? in
            // "hrk_"
            guard bytes[0] == 0x68, bytes[1] == 0x72, bytes[2] == 0x6b, bytes[3] == 0x5f, bytes[20] == 0x5f else { return nil }
            let id = UnsafeBufferPointer(rebasing: bytes[4..<20])
            guard id.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else { return nil }
            return String(decoding: id, as: UTF8.self)
        }
    }

    /// Whether `text` has the shape of a key id (what `DELETE /v1/keys/{id}` takes).
    public static func isID(_ text: String) -> Bool {
        text.utf8.count == 16 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    /// SHA-256 of the bearer string, lowercase hex: what a key's record keeps.
    public static func hash(_ bearer: String) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in digest(bearer) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// SHA-256 of the bearer string as bytes: what a request's key is compared by.
    public static func digest(_ bearer: String) -> [UInt8] {
        var bearer = bearer
        return bearer.withUTF8 { Array(SHA256.hash(data: UnsafeRawBufferPointer($0))) }
    }

    /// Whether the bearer string hashes to `expected` (`digest`), compared in
    /// constant time, without copying the digest out.
    public static func matches(_ bearer: String, digest expected: [UInt8]) -> Bool {
        var bearer = bearer
        let digest = bearer.withUTF8 { SHA256.hash(data: UnsafeRawBufferPointer($0)) }
        return digest.withUnsafeBytes { bytes in expected.withUnsafeBytes { ConstantTime.equal(bytes, $0) } }
    }

    /// The bytes of a lowercase hex digest (`hash`); nil for anything else.
    public static func digest(hex: String) -> [UInt8]? {
        let text = Array(hex.utf8)
        guard text.count == 64 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 97...102: c - 87
            default: nil
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for index in stride(from: 0, to: 64, by: 2) {
            guard let high = nibble(text[index]), let low = nibble(text[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    init(id: String, secret: String) {
        self.id = id
        self.secret = secret
    }
}
