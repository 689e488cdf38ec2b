import HeraldCore

/// The suppression lists of DESIGN §4: one Redis hash per channel,
/// recipient fingerprint → `Suppression.stored`. Entries are keyed by
/// `RecipientFingerprint`, never by the clear address, so a recipient Herald
/// only saw encrypted is suppressed too and the list leaks no numbers. Every
/// add and lift is one script that writes its audit entry with it (the
/// channel's audit stream, same slot); the worker reads the same hash for
/// every claimed batch, before any send.
public struct SuppressionStore: Sendable {
    public let redis: any RedisCommands
    public let fingerprints: RecipientFingerprint
    public let audit: AuditTrail

    public init(redis: any RedisCommands, fingerprints: RecipientFingerprint, audit: AuditTrail = AuditTrail()) {
        self.redis = redis
        self.fingerprints = fingerprints
        self.audit = audit
    }

    /// Adds or replaces the entry; returns true when the recipient was not suppressed before.
    /// With `publishing` (event subscriptions exist) a person's own opt-out
    /// (reason `unsubscribed`) is also an `unsubscribed` status event, written
    /// in the same script.
    @discardableResult
    public func suppress(_ recipient: String, on channel: Channel, as suppression: Suppression, by actor: AuditActor,
                         publishing: Bool = false) async throws -> Bool
    {
        var event: String?
        if publishing, suppression.reason == .unsubscribed {
            event = #"{"channel":"# + JSONText.quoted(channel.rawValue) + #","recipient":"# + JSONText.quoted(recipient)
                + #","scope":"# + JSONText.quoted(suppression.scope.rawValue) + "}"
        }
        let call = SuppressionTransition.put(.recipient(fingerprint: fingerprints.of(recipient, on: channel), on: channel),
                                             entry: suppression.stored, audit: audit, by: actor, event: event)
        return try SuppressionTransition.PutReply(try await redis.run(Scripts.suppressionPut, keys: call.keys,
                                                                      arguments: call.arguments)) == .added
    }

    /// Adds `entry` (`Suppression.stored`) for a recipient known only by
    /// fingerprint (a send's outcome, an early receipt), in its own round
    /// trip; true when there was no entry before.
    @discardableResult
    public static func add(fingerprint: String, on channel: Channel, entry: String, by actor: AuditActor,
                           audit: AuditTrail, redis: any RedisCommands) async throws -> Bool
    {
        let call = SuppressionTransition.put(.recipient(fingerprint: fingerprint, on: channel), entry: entry, audit: audit,
                                             by: actor)
        return try SuppressionTransition.PutReply(try await redis.run(Scripts.suppressionPut, keys: call.keys,
                                                                      arguments: call.arguments)) == .added
    }

    /// The entry for a recipient, or nil when they are not suppressed.
    public func lookup(_ recipient: String, on channel: Channel) async throws -> Suppression? {
        try await lookup(fingerprint: fingerprints.of(recipient, on: channel), on: channel)
    }

    /// The entry for a fingerprint (an encrypted recipient, decrypted in the worker).
    public func lookup(fingerprint: String, on channel: Channel) async throws -> Suppression? {
        try await redis.send(["HGET", ChannelKeys(channel).suppressions, fingerprint]).orThrow().string
            .flatMap(Suppression.init(stored:))
    }

    /// Lifts the entry; returns false when there was none, or (with `onlyIf`)
    /// when its reason is not one of those, checked in the same script.
    public func lift(_ recipient: String, on channel: Channel, by actor: AuditActor,
                     onlyIf reasons: [Suppression.Reason] = []) async throws -> Bool
    {
        let call = SuppressionTransition.lift(.recipient(fingerprint: fingerprints.of(recipient, on: channel), on: channel),
                                              onlyIf: reasons, audit: audit, by: actor)
        return try SuppressionTransition.LiftReply(try await redis.run(Scripts.suppressionLift, keys: call.keys,
                                                                       arguments: call.arguments)) == .lifted
    }

    /// Rewrites entries written before fingerprints (keyed by the clear
    /// recipient) under their fingerprint, so an upgrade loses no opt-out.
    /// Idempotent; returns how many entries were rewritten.
    @discardableResult
    public func migrateClearEntries() async throws -> Int {
        var migrated = 0
        for channel in Channel.allCases {
            let key = ChannelKeys(channel).suppressions
            var cursor = "0"
            repeat {
                let reply = try await redis.send(["HSCAN", key, cursor, "COUNT", "500"]).orThrow().array
                guard reply.count == 2 else { break }
                cursor = reply[0].string ?? "0"
                let items = reply[1].array
                var commands: [[String]] = []
                for index in stride(from: 0, to: items.count - 1, by: 2) {
                    guard let field = items[index].string, !RecipientFingerprint.isFingerprint(field),
                          let value = items[index + 1].string
                    else { continue }
                    commands.append(["HSETNX", key, fingerprints.of(field, on: channel), value])
                    commands.append(["HDEL", key, field])
                }
                if !commands.isEmpty {
                    for reply in try await redis.pipeline(commands) { _ = try reply.orThrow() }
                    migrated += commands.count / 2
                }
            } while cursor != "0"
        }
        return migrated
    }

    /// Suppresses a user (by the `user_id` messages carry) on every channel,
    /// one audited script per channel's hash, all in one round trip; returns
    /// true when they were not suppressed before.
    @discardableResult
    public func suppressUser(_ userID: String, as suppression: Suppression, by actor: AuditActor) async throws -> Bool {
        let replies = try await redis.runMany(Scripts.suppressionPut, calls: Channel.allCases.map {
            SuppressionTransition.put(.user(userID, on: $0), entry: suppression.stored, audit: audit, by: actor)
        })
        return try replies.map(SuppressionTransition.PutReply.init).contains(.added)
    }

    /// The user's entry, or nil when they are not suppressed.
    public func lookupUser(_ userID: String) async throws -> Suppression? {
        try await redis.send(["HGET", ChannelKeys(.sms).suppressedUsers, userID]).orThrow().string
            .flatMap(Suppression.init(stored:))
    }

    /// Lifts the user's entry on every channel; returns false when there was none.
    public func liftUser(_ userID: String, by actor: AuditActor) async throws -> Bool {
        let replies = try await redis.runMany(Scripts.suppressionLift, calls: Channel.allCases.map {
            SuppressionTransition.lift(.user(userID, on: $0), onlyIf: [], audit: audit, by: actor)
        })
        return try replies.map(SuppressionTransition.LiftReply.init).contains(.lifted)
    }
}
