import Foundation
import HeraldCore

/// The fatigue counters of DESIGN §6, shared by every instance: per person
/// (`user_id`, else the recipient) and channel, one key per window, all under
/// the person's hash tag so one script takes from every window atomically.
public struct FatigueStore: Sendable {
    public let redis: any RedisCommands
    /// How long a message's "holds tokens" marker lives (its retries take none again).
    public let markerTTLSeconds: Int

    public init(redis: any RedisCommands, markerTTLSeconds: Int = 7 * 86_400) {
        self.redis = redis
        self.markerTTLSeconds = markerTTLSeconds
    }

    /// What `take` decided.
    public enum Decision: Sendable, Equatable {
        case admitted
        /// `window` is full; a token may free in `retryAfterMillis`.
        case refused(window: FatigueWindow, retryAfterMillis: Int64)
    }

    static func prefix(_ person: String) -> String { "herald:{fatigue:" + person + "}:" }

    func keys(person: String, channel: Channel, windows: [FatigueWindow], messageID: String, zone: TimeZone,
              nowMillis: Int64) -> (keys: [String], arguments: [String])
    {
        var keys = [Self.prefix(person) + "held:" + messageID]
        var arguments: [String] = []
        for window in windows {
            let slot = window.slot(at: nowMillis, in: zone)
            keys.append(Self.prefix(person) + channel.rawValue + ":" + slot.name)
            arguments += [slot.isCalendar ? "c" : "r", String(window.limit), String(slot.bound)]
        }
        return (keys, arguments)
    }

    /// Takes a token from every window, or none.
    public func take(person: String, channel: Channel, windows: [FatigueWindow], messageID: String, zone: TimeZone,
                     nowMillis: Int64) async throws -> Decision
    {
        let (keys, arguments) = keys(person: person, channel: channel, windows: windows, messageID: messageID,
                                     zone: zone, nowMillis: nowMillis)
        let reply = try await redis.run(Scripts.fatigueTake, keys: keys, arguments: [String(markerTTLSeconds)] + arguments)
        let parts = reply.array
        guard parts.count >= 2, let admitted = parts[0].integer else {
            throw RedisError.unexpectedReply("fatigue_take.lua returned \(reply)")
        }
        if admitted == 1 { return .admitted }
        guard parts.count == 3, let index = parts[1].integer, windows.indices.contains(index - 1),
              let wait = parts[2].integer
        else { throw RedisError.unexpectedReply("fatigue_take.lua returned \(reply)") }
        return .refused(window: windows[index - 1], retryAfterMillis: Int64(wait))
    }

    /// Gives back the tokens a message took; false when it held none.
    @discardableResult
    public func giveBack(person: String, channel: Channel, windows: [FatigueWindow], messageID: String, zone: TimeZone,
                         takenAtMillis: Int64) async throws -> Bool
    {
        let (keys, arguments) = keys(person: person, channel: channel, windows: windows, messageID: messageID,
                                     zone: zone, nowMillis: takenAtMillis)
        return try await redis.run(Scripts.fatigueGive, keys: keys, arguments: arguments).integer == 1
    }

    /// What is left of each window now: used and remaining messages, and when a calendar window resets.
    public func allowance(person: String, channel: Channel, windows: [FatigueWindow], zone: TimeZone, nowMillis: Int64)
        async throws -> [(window: FatigueWindow, remaining: Int, resetsAtMillis: Int64?)]
    {
        var result: [(window: FatigueWindow, remaining: Int, resetsAtMillis: Int64?)] = []
        for window in windows {
            let slot = window.slot(at: nowMillis, in: zone)
            let key = Self.prefix(person) + channel.rawValue + ":" + slot.name
            if slot.isCalendar {
                let used = Int(try await redis.send(["GET", key]).orThrow().string ?? "0") ?? 0
                result.append((window, max(0, window.limit - used), slot.bound))
            } else {
                let fields = try await redis.send(["HMGET", key, "tokens", "at"]).orThrow().array
                let tokens = fields.first?.string.flatMap(Double.init) ?? Double(window.limit)
                let at = fields.last?.string.flatMap { Int64($0) } ?? nowMillis
                let refilled = min(Double(window.limit),
                                   tokens + Double(max(0, nowMillis - at)) * Double(window.limit) / Double(slot.bound))
                result.append((window, max(0, Int(refilled.rounded(.down))), nil))
            }
        }
        return result
    }
}
