import Foundation
import HeraldCore
import HeraldProviders
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
        // One round trip; the hash never stands without its expiry for longer than it.
        for reply in try await redis.pipeline([
            ["HSET", Self.key(token), "id", caller.id, "name", caller.name, "scopes", scopes, "csrf", Self.randomToken()],
            ["EXPIRE", Self.key(token), String(lifetimeSeconds)],
        ]) { try reply.orThrow() }
        return token
    }

    /// The session of a cookie, if it is one and has not expired.
    func find(_ token: String) async throws -> Session? {
        guard token.utf8.count == 64, token.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
            return nil
        }
        let fields = try await redis.call("HGETALL", Self.key(token)).fields
        guard let id = fields["id"], let csrf = fields["csrf"] else { return nil }
        let scopes = Set((fields["scopes"] ?? "").split(separator: ",").compactMap { Scope(rawValue: String($0)) })
        return Session(caller: Caller(id: id, name: fields["name"] ?? id, scopes: scopes), csrf: csrf)
    }

    func close(_ token: String) async throws {
        try await redis.call("DEL", Self.key(token))
    }

    /// 32 random bytes as 64 hex digits (the sandbox's secrets are drawn the same way).
    static func randomToken() -> String { SandboxSecrets.randomToken() }
}
