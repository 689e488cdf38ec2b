import Foundation
import HeraldCore
import HeraldRedis

/// Console logins, kept in Redis so every instance behind a load balancer
/// knows them: `herald:{console}:s:<SHA-256 of the cookie>` → who logged in
/// and the session's CSRF token, expiring `lifetimeSeconds` after login. The
/// cookie itself is never stored.
struct ConsoleSessions: Sendable {
    let redis: any RedisCommands
    let lifetimeSeconds: Int

    /// A logged-in console user.
    struct Session: Sendable, Equatable {
        let caller: Caller
        let csrf: String
    }

    static func key(_ token: String) -> String {
        "herald:{console}:s:" + APIKeyToken.hash(token)
    }

    /// A new session for `caller`; returns the cookie value.
    func open(for caller: Caller) async throws -> String {
        let token = Self.randomToken()
        let scopes = caller.scopes.map(\.rawValue).sorted().joined(separator: ",")
        try await redis.send([
            "HSET", Self.key(token), "id", caller.id, "name", caller.name, "scopes", scopes, "csrf", Self.randomToken(),
        ]).orThrow()
        try await redis.call("EXPIRE", Self.key(token), String(lifetimeSeconds))
        return token
    }

    /// The session of a cookie, if it is one and has not expired.
    func find(_ token: String) async throws -> Session? {
        guard token.utf8.count == 43, token.utf8.allSatisfy({ byte in
            (0x30...0x39).contains(byte) || (0x41...0x5a).contains(byte) || (0x61...0x7a).contains(byte) || byte == 0x2d
                || byte == 0x5f
        }) else { return nil }
        let fields = try await redis.call("HGETALL", Self.key(token)).fields
        guard let id = fields["id"], let csrf = fields["csrf"] else { return nil }
        let scopes = Set((fields["scopes"] ?? "").split(separator: ",").compactMap { Scope(rawValue: String($0)) })
        return Session(caller: Caller(id: id, name: fields["name"] ?? id, scopes: scopes), csrf: csrf)
    }

    func close(_ token: String) async throws {
        try await redis.call("DEL", Self.key(token))
    }

    /// 32 random bytes, base64url without padding (43 characters).
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Base64URL.encode(bytes)
    }
}
