import Foundation
import HeraldCore

/// Conversions in Redis: a person's campaign touches, the count against a
/// message (`conversion.lua`, on the message's own slot, with its stats) or
/// against a campaign's holdout (`conversion_holdout.lua`), and the first
/// reply kept under each idempotency key.
public struct ConversionStore: Sendable {
    public let redis: any RedisCommands
    /// How long a reply is kept under its idempotency key.
    public var idempotencyTTLSeconds: Int

    public init(redis: any RedisCommands, idempotencyTTLSeconds: Int = 86_400) {
        self.redis = redis
        self.idempotencyTTLSeconds = idempotencyTTLSeconds
    }

    /// One touch of a person: a campaign's message to them, or their being held out.
    public struct Touch: Sendable, Equatable {
        public var campaign: String
        /// Nil when the person was held out.
        public var messageID: String?
        public var atMillis: Int64
    }

    /// The read of a person's touches, newest first.
    public static func touchesCommand(_ person: UInt64) -> [String] {
        ["ZRANGE", CampaignKeys.touches(person: person), "+inf", "-inf", "BYSCORE", "REV", "WITHSCORES"]
    }

    /// The touches `touchesCommand` read.
    public static func touches(_ value: RedisValue) -> [Touch] {
        let reply = value.array
        var touches: [Touch] = []
        for index in stride(from: 0, to: reply.count - 1, by: 2) {
            guard let member = reply[index].string, let score = reply[index + 1].string.flatMap({ Double($0) }),
                  let bar = member.firstIndex(of: "|")
            else { continue }
            let target = String(member[member.index(after: bar)...])
            touches.append(Touch(campaign: String(member[..<bar]),
                                 messageID: target == CampaignVariant.holdoutName ? nil : target, atMillis: Int64(score)))
        }
        return touches
    }

    /// What counting a conversion against a message found.
    public enum Outcome: String, Sendable {
        case counted, duplicate
        case outsideWindow = "outside_window"
        case notDelivered = "not_delivered"
        case unknownMessage = "unknown_message"
        case unknownCampaign = "unknown_campaign"
    }

    /// The call of `conversion.lua` counting `conversion` against message `id`
    /// under `rules`; nil when `id` names no partition of this gateway.
    public static func countCall(_ conversion: Conversion, messageID id: String, rules: CampaignConversion, nowMillis: Int64)
        -> (keys: [String], arguments: [String])?
    {
        guard let keys = ChannelKeys(messageID: id) else { return nil }
        return ([keys.message(id)], [
            String(nowMillis), conversion.event, String(conversion.occurredAtMillis), String(rules.windowMillis),
            rules.from.rawValue, conversion.valueMicros.map { String($0) } ?? "", conversion.currency ?? "-",
        ])
    }

    /// What `conversion.lua` found, and the message's campaign and variant (nil when it had none).
    public static func countReply(_ value: RedisValue) throws -> (outcome: Outcome, campaign: String?, variant: String?) {
        let reply = value.array
        guard let first = reply.first?.string, let outcome = Outcome(rawValue: first) else {
            throw RedisError.unexpectedReply("conversion.lua returned \(value)")
        }
        func optional(_ index: Int) -> String? {
            guard reply.count > index, let text = reply[index].string, !text.isEmpty else { return nil }
            return text
        }
        return (outcome, optional(1), optional(2))
    }

    /// `HMGET status campaign` of a message: whether it exists, and its campaign.
    public static func campaignCommand(messageID id: String) -> [String] {
        guard let keys = ChannelKeys(messageID: id) else { return ["PING"] }
        return ["HMGET", keys.message(id), MessageHash.status, MessageHash.campaign]
    }

    /// The call of `conversion_holdout.lua` counting a held-out person's conversion (the caller checked the window).
    public static func holdoutCall(_ conversion: Conversion, campaign: String, person: UInt64) -> (keys: [String], arguments: [String]) {
        let keys = CampaignKeys(campaign)
        return ([keys.campaign, keys.holdoutConversions], [
            conversion.event, String(person, radix: 16), String(conversion.occurredAtMillis),
            conversion.valueMicros.map { String($0) } ?? "", conversion.currency ?? "-",
        ])
    }

    public static func holdoutReply(_ value: RedisValue) throws -> Outcome {
        guard let text = value.string, let outcome = Outcome(rawValue: text) else {
            throw RedisError.unexpectedReply("conversion_holdout.lua returned \(value)")
        }
        return outcome
    }

    static func idempotencyKey(_ digest: String) -> String { "herald:cvi:" + digest }

    /// `GET` of the reply first given under the idempotency key of `digest` (`Conversion.idempotencyDigest`).
    public static func idempotencyCommand(_ digest: String) -> [String] { ["GET", idempotencyKey(digest)] }

    /// `SET NX GET` keeping `reply` under the idempotency key of `digest`,
    /// answered by the reply kept before, if any.
    public func keepCommand(reply: String, idempotencyDigest digest: String) -> [String] {
        ["SET", Self.idempotencyKey(digest), reply, "NX", "GET", "EX", String(idempotencyTTLSeconds)]
    }

    /// Keeps each reply under its idempotency key unless one is there
    /// already; returns, for each, the reply kept before (nil: this one was kept).
    public func keep(replies: [(reply: String, idempotencyDigest: String)]) async throws -> [String?] {
        guard !replies.isEmpty else { return [] }
        let kept = try await redis.pipeline(replies.map { keepCommand(reply: $0.reply, idempotencyDigest: $0.idempotencyDigest) })
        return try kept.map { try $0.orThrow().string }
    }
}
