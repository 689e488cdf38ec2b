import Foundation
import HeraldCore

/// `fatigue_take.lua` and `fatigue_give.lua` as typed calls: one token
/// taken from every fatigue window of a person on a channel, or none; and
/// given back, once, by a message that will never reach them. Both name the
/// same keys and windows (`Tokens`), so what is given back is what was taken.
public enum FatigueTransition {
    /// Whose windows, which message takes from them, and when (the calendar
    /// windows' periods are those of that moment in `zone`).
    struct Tokens {
        var person: String
        var channel: Channel
        var windows: [FatigueWindow]
        var messageID: String
        var zone: TimeZone
        var atMillis: Int64

        /// The message's marker, then one key per window; per window its
        /// kind (`c` calendar, `r` rolling), limit, and period end or duration.
        var layout: (keys: [String], arguments: [String]) {
            var keys = [FatigueStore.prefix(person) + "held:" + messageID]
            var arguments: [String] = []
            for window in windows {
                let slot = window.slot(at: atMillis, in: zone)
                keys.append(FatigueStore.windowKey(person, channel, slot: slot.name))
                arguments += [slot.isCalendar ? "c" : "r", String(window.limit), String(slot.bound)]
            }
            return (keys, arguments)
        }
    }

    /// What `fatigue_take.lua` answers.
    public enum TakeReply: Sendable, Equatable {
        /// Taken from every window, or already held (a retry takes none again).
        case taken
        /// The window at `windowIndex` (of those asked, from 0) is full; a token may free in `retryAfterMillis`.
        case full(windowIndex: Int, retryAfterMillis: Int64)

        init(_ value: RedisValue) throws {
            let parts = value.array
            if parts.count >= 2, parts[0].integer == 1 {
                self = .taken
                return
            }
            guard parts.count == 3, parts[0].integer == 0, let window = parts[1].integer, let wait = parts[2].integer else {
                throw RedisError.unexpectedReply("fatigue_take.lua returned \(value)")
            }
            self = .full(windowIndex: window - 1, retryAfterMillis: Int64(wait))
        }
    }

    /// What `fatigue_give.lua` answers.
    public enum GiveReply: Int, Equatable, IntegerReply {
        /// The message held tokens: they are back in their windows.
        case givenBack = 1
        /// The message held none (never took, or gave them back already).
        case heldNone = 0

        static let script = "fatigue_give.lua"
    }

    /// The call taking the tokens; the marker that the message holds them lives `markerTTLSeconds`.
    static func take(_ tokens: Tokens, markerTTLSeconds: Int) -> (keys: [String], arguments: [String]) {
        let (keys, arguments) = tokens.layout
        return (keys, [String(markerTTLSeconds)] + arguments)
    }

    /// The call giving them back (`tokens.atMillis` the time they were taken).
    static func give(_ tokens: Tokens) -> (keys: [String], arguments: [String]) {
        tokens.layout
    }
}
