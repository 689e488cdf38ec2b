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

    /// The person's touches, newest first.
    public func touches(person: UInt64) async throws -> [Touch] {
        let reply = try await redis.send(["ZRANGE", CampaignKeys.touches(person: person), "+inf", "-inf", "BYSCORE", "REV",
                                          "WITHSCORES"]).orThrow().array
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

    /// Counts `conversion` against message `id` under `rules`; the outcome and
    /// the message's campaign and variant (nil when it had none).
    public func count(_ conversion: Conversion, messageID id: String, rules: CampaignConversion, nowMillis: Int64)
        async throws -> (outcome: Outcome, campaign: String?, variant: String?)
    {
        guard let keys = ChannelKeys(messageID: id) else { return (.unknownMessage, nil, nil) }
        let reply = try await redis.run(Scripts.conversion, keys: [keys.message(id)], arguments: [
            String(nowMillis), conversion.event, String(conversion.occurredAtMillis), String(rules.windowMillis),
            rules.from.rawValue, conversion.valueMicros.map { String($0) } ?? "", conversion.currency ?? "-",
        ]).array
        guard let first = reply.first?.string, let outcome = Outcome(rawValue: first) else {
            throw RedisError.unexpectedReply("conversion.lua returned \(reply)")
        }
        func optional(_ index: Int) -> String? {
            guard reply.count > index, let text = reply[index].string, !text.isEmpty else { return nil }
            return text
        }
        return (outcome, optional(1), optional(2))
    }

    /// The campaign a message belongs to, read before counting (its conversion rules depend on it).
    public func campaign(ofMessage id: String) async throws -> (exists: Bool, campaign: String?) {
        guard let keys = ChannelKeys(messageID: id) else { return (false, nil) }
        let reply = try await redis.send(["HMGET", keys.message(id), MessageHash.status, MessageHash.campaign]).orThrow().array
        guard reply.first?.string != nil else { return (false, nil) }
        return (true, reply.count > 1 ? reply[1].string : nil)
    }

    /// Counts a held-out person's conversion (the caller checked the window).
    public func countHoldout(_ conversion: Conversion, campaign: String, person: UInt64) async throws -> Outcome {
        let keys = CampaignKeys(campaign)
        let reply = try await redis.run(Scripts.conversionHoldout, keys: [keys.campaign, keys.holdoutConversions], arguments: [
            conversion.event, String(person, radix: 16), String(conversion.occurredAtMillis),
            conversion.valueMicros.map { String($0) } ?? "", conversion.currency ?? "-",
        ])
        guard let text = reply.string, let outcome = Outcome(rawValue: text) else {
            throw RedisError.unexpectedReply("conversion_holdout.lua returned \(reply)")
        }
        return outcome
    }

    static func idempotencyKey(_ digest: String) -> String { "herald:cvi:" + digest }

    /// The reply first given under the idempotency key of `digest` (`Conversion.idempotencyDigest`), if any.
    public func reply(idempotencyDigest digest: String) async throws -> String? {
        try await redis.send(["GET", Self.idempotencyKey(digest)]).orThrow().string
    }

    /// Keeps `reply` under the idempotency key unless one is there already; returns the one kept.
    public func keep(reply: String, idempotencyDigest digest: String) async throws -> String {
        let name = Self.idempotencyKey(digest)
        let set = try await redis.send(["SET", name, reply, "NX", "GET", "EX", String(idempotencyTTLSeconds)]).orThrow()
        return set.string ?? reply
    }
}
