import Crypto
import Foundation
import HeraldCore

/// The key recipients are fingerprinted with, shared by every instance. When
/// the operator configures none (`HERALD_FINGERPRINT_KEY`), the first
/// instance draws one from the CSPRNG and stores it in Redis
/// (`herald:fingerprint_key`, a documented key that must not expire: the
/// suppression lists are keyed by it); the others read it. A configured key
/// keeps fingerprints meaningless to anyone holding only a Redis dump.
public enum FingerprintKey {
    static let redisKey = "herald:fingerprint_key"

    public static func load(configured: Data?, redis: any RedisCommands) async throws -> RecipientFingerprint {
        if let configured { return RecipientFingerprint(key: configured) }
        let fresh = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString()
        _ = try await redis.send(["SET", redisKey, fresh, "NX"]).orThrow()
        guard let stored = try await redis.send(["GET", redisKey]).orThrow().string, let key = Data(base64Encoded: stored),
              key.count >= 32
        else { throw RedisError.unexpectedReply("\(redisKey) does not hold a base64 key of 32 bytes or more") }
        return RecipientFingerprint(key: key)
    }
}
