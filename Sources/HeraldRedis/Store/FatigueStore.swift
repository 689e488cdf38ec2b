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

    /// The key of one window of a person on a channel, for the period `slot` names (`FatigueWindow.slot`).
    static func windowKey(_ person: String, _ channel: Channel, slot: String) -> String {
        prefix(person) + channel.rawValue + ":" + slot
    }

    /// Takes a token from every window, or none.
    public func take(person: String, channel: Channel, windows: [FatigueWindow], messageID: String, zone: TimeZone,
                     nowMillis: Int64) async throws -> Decision
    {
        let call = FatigueTransition.take(
            .init(person: person, channel: channel, windows: windows, messageID: messageID, zone: zone, atMillis: nowMillis),
            markerTTLSeconds: markerTTLSeconds)
        switch try FatigueTransition.TakeReply(try await redis.run(Scripts.fatigueTake, keys: call.keys,
                                                                   arguments: call.arguments)) {
        case .taken: return .admitted
        case .full(let index, let wait):
            guard windows.indices.contains(index) else {
                throw RedisError.unexpectedReply("fatigue_take.lua named window \(index + 1) of \(windows.count)")
            }
            return .refused(window: windows[index], retryAfterMillis: wait)
        }
    }

    /// Gives back the tokens a message took; false when it held none.
    @discardableResult
    public func giveBack(person: String, channel: Channel, windows: [FatigueWindow], messageID: String, zone: TimeZone,
                         takenAtMillis: Int64) async throws -> Bool
    {
        let call = FatigueTransition.give(
            .init(person: person, channel: channel, windows: windows, messageID: messageID, zone: zone,
                  atMillis: takenAtMillis))
        return try FatigueTransition.GiveReply(try await redis.run(Scripts.fatigueGive, keys: call.keys,
                                                                   arguments: call.arguments)) == .givenBack
    }

    /// What is left of each window now: used and remaining messages, and when a calendar window resets.
    public func allowance(person: String, channel: Channel, windows: [FatigueWindow], zone: TimeZone, nowMillis: Int64)
        async throws -> [(window: FatigueWindow, remaining: Int, resetsAtMillis: Int64?)]
    {
        var result: [(window: FatigueWindow, remaining: Int, resetsAtMillis: Int64?)] = []
        for window in windows {
            let slot = window.slot(at: nowMillis, in: zone)
            let key = Self.windowKey(person, channel, slot: slot.name)
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
