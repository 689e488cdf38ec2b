import HeraldCore

/// The suppression lists of DESIGN §4: one Redis hash per channel, recipient →
/// `Suppression.stored`. Each operation is a single command, so none needs a
/// script; the claim script reads the same hash before every send.
public struct SuppressionStore: Sendable {
    public let redis: RedisClient

    public init(redis: RedisClient) {
        self.redis = redis
    }

    /// Adds or replaces the entry; returns true when the recipient was not suppressed before.
    @discardableResult
    public func suppress(_ recipient: String, on channel: Channel, as suppression: Suppression) async throws -> Bool {
        try await redis.send(["HSET", ChannelKeys(channel).suppressions, recipient, suppression.stored])
            .orThrow().integer == 1
    }

    /// The entry for a recipient, or nil when they are not suppressed.
    public func lookup(_ recipient: String, on channel: Channel) async throws -> Suppression? {
        try await redis.send(["HGET", ChannelKeys(channel).suppressions, recipient]).orThrow().string
            .flatMap(Suppression.init(stored:))
    }

    /// Lifts the entry; returns false when there was none.
    public func lift(_ recipient: String, on channel: Channel) async throws -> Bool {
        try await redis.send(["HDEL", ChannelKeys(channel).suppressions, recipient]).orThrow().integer == 1
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
