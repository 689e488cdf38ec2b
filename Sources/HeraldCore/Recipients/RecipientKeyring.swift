import Crypto
import _CryptoExtras
import Foundation

/// The keys encrypted recipients are decrypted with, by key id, so keys can
/// be rotated: senders move to a new id while messages under the old id still
/// decrypt. Configured as `HERALD_RECIPIENT_KEYS=id:base64,id:base64`; the
/// first is the default when a message names no `to_key_id`.
public struct RecipientKeyring: Sendable, Equatable {
    private let keys: [String: Data]
    public let defaultKeyID: String?

    /// Why a recipient could not be decrypted; never includes the plaintext.
    public enum Failure: Error, Equatable, Sendable {
        case unknownKey(String)
        case wrongKeySize(String)
        case malformed
        case authentication
    }

    public init(keys: [(id: String, key: Data)]) {
        var table: [String: Data] = [:]
        for (id, key) in keys { table[id] = key }
        self.keys = table
        defaultKeyID = keys.first?.id
    }

    public var isEmpty: Bool { keys.isEmpty }

    public func hasKey(_ id: String) -> Bool { keys[id] != nil }

    /// A key's bytes, to carry it into a rotated keyring.
    public func keyData(_ id: String) -> Data? { keys[id] }

    /// Parses `id:base64,id:base64`; nil when malformed or a key is not 16 or 32 bytes.
    public static func parse(_ text: String) -> RecipientKeyring? {
        var keys: [(String, Data)] = []
        for item in text.split(separator: ",") {
            let parts = item.trimmingCharacters(in: .whitespaces).split(separator: ":", maxSplits: 1)
            guard parts.count == 2, !parts[0].isEmpty, let key = Data(base64Encoded: String(parts[1])),
                  key.count == 16 || key.count == 32
            else { return nil }
            keys.append((String(parts[0]), key))
        }
        return keys.isEmpty ? nil : RecipientKeyring(keys: keys)
    }

    /// Checks what can be checked without decrypting: the key exists and fits
    /// the mode, and the ciphertext decodes and is long enough.
    public func checkShape(_ ciphertext: String, mode: RecipientEncryption, keyID: String?) -> Failure? {
        let id = keyID ?? defaultKeyID ?? ""
        guard let key = keys[id] else { return .unknownKey(id) }
        guard key.count == mode.keyBytes else { return .wrongKeySize(id) }
        guard ciphertext.utf8.count <= 1_024, let bytes = Base64URL.decode(ciphertext), bytes.count >= mode.minimumBytes
        else { return .malformed }
        if mode != .aes256GCM, bytes.count % 16 != 0 { return .malformed }
        return nil
    }

    /// The clear recipient.
    public func decrypt(_ ciphertext: String, mode: RecipientEncryption, keyID: String?) throws(Failure) -> String {
        if let failure = checkShape(ciphertext, mode: mode, keyID: keyID) { throw failure }
        let key = SymmetricKey(data: keys[keyID ?? defaultKeyID ?? ""]!)
        let bytes = Base64URL.decode(ciphertext)!
        let clear: Data
        do {
            switch mode {
            case .aes256GCM:
                clear = try AES.GCM.open(AES.GCM.SealedBox(combined: bytes), using: key)
            case .aes256CBC, .aes128CBC:
                let iv = try AES._CBC.IV(ivBytes: bytes.prefix(16))
                clear = try AES._CBC.decrypt(bytes.dropFirst(16), using: key, iv: iv)
            }
        } catch {
            throw .authentication
        }
        guard let text = String(data: clear, encoding: .utf8), !text.isEmpty else { throw .authentication }
        return text
    }

    /// Encrypts a recipient the way senders do (tests, `herald` tooling).
    public func encrypt(_ recipient: String, mode: RecipientEncryption, keyID: String? = nil) throws -> String {
        guard let key = keys[keyID ?? defaultKeyID ?? ""].map(SymmetricKey.init(data:)) else {
            throw Failure.unknownKey(keyID ?? "")
        }
        switch mode {
        case .aes256GCM:
            return try AES.GCM.seal(Data(recipient.utf8), using: key).combined!.base64EncodedString()
        case .aes256CBC, .aes128CBC:
            let iv = AES._CBC.IV()
            let sealed = try AES._CBC.encrypt(Data(recipient.utf8), using: key, iv: iv)
            return (Data(iv) + sealed).base64EncodedString()
        }
    }
}
