/// How a message's `to` is encrypted (`to_encryption`). Marketing platforms
/// deliver ids encrypted so that the gateway's callers never hold them in
/// clear; Herald decrypts only in the worker, just before the provider call.
public enum RecipientEncryption: String, Sendable, CaseIterable {
    /// AES-256-GCM: base64 of nonce (12 bytes) ‖ ciphertext ‖ tag (16 bytes).
    case aes256GCM = "aes-256-gcm"
    /// AES-256-CBC with PKCS#7 padding: base64 of IV (16 bytes) ‖ ciphertext. For older senders.
    case aes256CBC = "aes-256-cbc"
    /// AES-128-CBC with PKCS#7 padding, the same layout with a 16-byte key.
    case aes128CBC = "aes-128-cbc"

    /// `aes` (the documented name) means AES-256-GCM.
    public init?(name: String) {
        if name == "aes" { self = .aes256GCM } else { self.init(rawValue: name) }
    }

    public var keyBytes: Int { self == .aes128CBC ? 16 : 32 }

    /// The shortest well-formed ciphertext, in bytes.
    var minimumBytes: Int { self == .aes256GCM ? 12 + 1 + 16 : 32 }
}
