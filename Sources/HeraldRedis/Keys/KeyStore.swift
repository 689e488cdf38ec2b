import HeraldCore

/// API keys in Redis: a hash per key (`herald:{keys}:k:<id>`) holding its
/// record and the SHA-256 of its secret, and a set of ids for listing. A key
/// without `expires_at` is a documented kind that does not expire; one with
/// it is kept a week past expiry (so a listing shows it expired), then goes.
/// Creating and revoking write their audit entry in the same script. A key
/// with a `rate_per_second` has its own token bucket beside it.
public struct KeyStore: Sendable {
    public let redis: any RedisCommands
    public let audit: AuditTrail
    /// How long an expired key's record stays listable.
    static let keptAfterExpiryMillis: Int64 = 7 * 86_400_000

    public init(redis: any RedisCommands, audit: AuditTrail = AuditTrail()) {
        self.redis = redis
        self.audit = audit
    }

    static let ids = "herald:{keys}:ids"
    static func key(_ id: String) -> String { "herald:{keys}:k:" + id }
    static let auditStream = AuditTrail.stream(tag: "keys")

    /// Stores a new key; false when its id is taken (generate another).
    public func create(_ key: APIKey, by actor: AuditActor) async throws -> Bool {
        let call = KeyTransition.create(key, keptAfterExpiryMillis: Self.keptAfterExpiryMillis, audit: audit, by: actor)
        return try KeyTransition.CreateReply(try await redis.run(Scripts.keyCreate, keys: call.keys, arguments: call.arguments))
            == .created
    }

    /// Revokes a key; false when there was none.
    public func revoke(_ id: String, by actor: AuditActor) async throws -> Bool {
        let call = KeyTransition.revoke(id, audit: audit, by: actor)
        return try KeyTransition.RevokeReply(try await redis.run(Scripts.keyRevoke, keys: call.keys, arguments: call.arguments))
            == .revoked
    }

    /// A key's own token bucket (its `rate_per_second`), shared by every instance.
    static func rateBucket(_ id: String) -> String { "herald:{keyrate:" + id + "}" }

    /// Takes a token from the key's own bucket (`ratePerSecond` a second, as
    /// many in a burst), now or not at all: `.sendAfter(0)` lets the request
    /// go on, `.deferFor` says when a token frees.
    public func takeRateToken(_ id: String, ratePerSecond: Int) async throws -> TokenReservation {
        let call = RateTransition.take(Self.rateBucket(id), perSecond: ratePerSecond)
        return try RateTransition.TakeReply(try await redis.run(Scripts.rateTake, keys: call.keys, arguments: call.arguments))
    }

    /// One key's record; nil when there is none (never made, revoked, or long expired).
    public func key(_ id: String) async throws -> APIKey? {
        Self.decode(id: id, try await redis.send(["HGETALL", Self.key(id)]).orThrow())
    }

    /// Every key, oldest first, in two round trips.
    public func all() async throws -> [APIKey] {
        let ids = try await redis.send(["SMEMBERS", Self.ids]).orThrow().array.compactMap(\.string)
        guard !ids.isEmpty else { return [] }
        let replies = try await redis.pipeline(ids.map { ["HGETALL", Self.key($0)] })
        return zip(ids, replies).compactMap { Self.decode(id: $0, $1) }
            .sorted { ($0.createdAtMillis, $0.id) < ($1.createdAtMillis, $1.id) }
    }

    /// Whether any key was ever stored and not revoked: a gateway with stored
    /// keys is not a sandbox, whatever `HERALD_API_KEYS` says.
    public func isEmpty() async throws -> Bool {
        try await redis.send(["SCARD", Self.ids]).orThrow().integer == 0
    }

    static func decode(id: String, _ reply: RedisValue) -> APIKey? {
        let fields = reply.fields
        guard let name = fields["name"], let hash = fields["secret_sha256"], let scopes = fields["scopes"] else { return nil }
        return APIKey(
            id: id, name: name,
            scopes: Set(scopes.split(separator: " ").compactMap { Scope(rawValue: String($0)) }),
            channels: fields["channels"].map { Set($0.split(separator: " ").compactMap { Channel(rawValue: String($0)) }) },
            ratePerSecond: fields["rate_per_second"].flatMap { Int($0) },
            expiresAtMillis: fields["expires_at"].flatMap { Int64($0) },
            createdAtMillis: fields["created_at"].flatMap { Int64($0) } ?? 0,
            createdBy: fields["created_by"] ?? "", secretHash: hash)
    }
}
