import HeraldCore

/// The suppression lists of DESIGN §4: one Redis hash per channel,
/// recipient fingerprint → `Suppression.stored`. Entries are keyed by
/// `RecipientFingerprint`, never by the clear address, so a recipient Herald
/// only saw encrypted is suppressed too and the list leaks no numbers. Each
/// operation is a single command; the worker reads the same hash for every
/// claimed batch, before any send.
public struct SuppressionStore: Sendable {
    public let redis: any RedisCommands
    public let fingerprints: RecipientFingerprint

    public init(redis: any RedisCommands, fingerprints: RecipientFingerprint) {
        self.redis = redis
        self.fingerprints = fingerprints
    }

    /// Adds or replaces the entry; returns true when the recipient was not suppressed before.
    @discardableResult
    public func suppress(_ recipient: String, on channel: Channel, as suppression: Suppression) async throws -> Bool {
        try await redis.send(["HSET", ChannelKeys(channel).suppressions, fingerprints.of(recipient, on: channel),
                              suppression.stored])
            .orThrow().integer == 1
    }

    /// The command that adds `entry` (`Suppression.stored`) for a recipient
    /// known only by fingerprint: what a transition reports to suppress, sent
    /// by its caller because the hash lives in another slot than the message.
    public static func addCommand(fingerprint: String, on channel: Channel, entry: String) -> [String] {
        ["HSET", ChannelKeys(channel).suppressions, fingerprint, entry]
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

    /// Lifts the entry; returns false when there was none.
    public func lift(_ recipient: String, on channel: Channel) async throws -> Bool {
        try await redis.send(["HDEL", ChannelKeys(channel).suppressions, fingerprints.of(recipient, on: channel)])
            .orThrow().integer == 1
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
    /// in one pipelined round trip; returns true when they were not suppressed before.
    @discardableResult
    public func suppressUser(_ userID: String, as suppression: Suppression) async throws -> Bool {
        let replies = try await redis.pipeline(Channel.allCases.map {
            ["HSET", ChannelKeys($0).suppressedUsers, userID, suppression.stored]
        })
        return try replies.map { try $0.orThrow() }.contains { $0.integer == 1 }
    }

    /// The user's entry, or nil when they are not suppressed.
    public func lookupUser(_ userID: String) async throws -> Suppression? {
        try await redis.send(["HGET", ChannelKeys(.sms).suppressedUsers, userID]).orThrow().string
            .flatMap(Suppression.init(stored:))
    }

    /// Lifts the user's entry on every channel; returns false when there was none.
    public func liftUser(_ userID: String) async throws -> Bool {
        let replies = try await redis.pipeline(Channel.allCases.map { ["HDEL", ChannelKeys($0).suppressedUsers, userID] })
        return try replies.map { try $0.orThrow() }.contains { $0.integer == 1 }
    }
}
