import Crypto
import Foundation

/// A keyed fingerprint of a recipient: `fp:` + 22 base64url characters of
/// HMAC-SHA256(key, channel ":" recipient). Suppressions and per-person caps
/// are keyed by it, so they apply to a recipient Herald only ever saw
/// encrypted, and Redis holds no suppressed address in clear. Without the key
/// a fingerprint cannot be turned back into a number, not even by trying every
/// number.
public struct RecipientFingerprint: Sendable, Equatable {
    private let keyBytes: Data
    /// HMAC keyed once; each fingerprint continues a copy of it, so the key is not padded and hashed again per message.
    private let keyed: HMAC<SHA256>

    /// `key` must be at least 32 bytes of secret randomness.
    public init(key: Data) {
        keyBytes = key
        keyed = HMAC<SHA256>(key: SymmetricKey(data: key))
    }

    /// A fingerprint under a fresh random key: only for a single process
    /// (tests); instances that share Redis must share the key.
    public static func random() -> RecipientFingerprint {
        RecipientFingerprint(key: SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) })
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.keyBytes == rhs.keyBytes }

    /// The fingerprint of `recipient` on `channel`. Email addresses compare
    /// case-insensitively, as mailbox providers treat them.
    public func of(_ recipient: String, on channel: Channel) -> String {
        var hmac = keyed
        hmac.update(data: Array(channel.rawValue.utf8))
        hmac.update(data: [UInt8(ascii: ":")])
        hmac.update(data: Array((channel == .email ? recipient.lowercased() : recipient).utf8))
        return "fp:" + Base64URL.encode(Array(hmac.finalize()).prefix(16))
    }

    /// A 63-bit number standing for a person within `scope` (a campaign):
    /// the same `identity` (`u:<user id>` or `t:<recipient>`) gives the same
    /// number on every instance, and the number reveals nothing without the key.
    public func person(_ identity: String, scope: String) -> UInt64 {
        var hmac = keyed
        var message: [UInt8] = []
        message.reserveCapacity(scope.utf8.count + identity.utf8.count + 1)
        message.append(contentsOf: scope.utf8)
        message.append(0)
        message.append(contentsOf: identity.utf8)
        hmac.update(data: message)
        return hmac.finalize().withUnsafeBytes { digest in
            var number: UInt64 = 0
            for index in 0..<8 { number = number << 8 | UInt64(digest[index]) }
            return number >> 1
        }
    }

    /// Whether a suppression entry's key is a fingerprint (entries from before
    /// fingerprints were keyed by the clear recipient).
    public static func isFingerprint(_ text: String) -> Bool { text.hasPrefix("fp:") }
}
