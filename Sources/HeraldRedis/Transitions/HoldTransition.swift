import HeraldCore

/// `hold.lua` as one typed call: a sending policy holds a claimed message
/// back before any provider call; sending → scheduled at a due time,
/// → expired, → suppressed, or → canceled. The attempt is not counted.
public enum HoldTransition {
    /// What a policy does with the message it holds.
    public enum Hold: Sendable, Equatable {
        /// Back to the delayed set until `dueMillis`.
        case until(dueMillis: Int64)
        /// Ended `expired`: it would expire before it could go.
        case expire
        /// Ended `suppressed` with this reason.
        case suppress(reason: String)
        /// Ended `canceled` (its campaign was canceled).
        case cancel
    }

    /// What the script answers.
    public enum Reply: Equatable, Sendable {
        /// Held: the status it is at now and when it is due (for `scheduled`).
        case held(status: String, dueMillis: Int64)
        /// The message was no longer `sending`: nothing changed.
        case skipped(status: String)

        init(_ value: RedisValue) throws {
            let parts = value.array
            guard parts.count == 2, let first = parts[0].string else {
                throw RedisError.unexpectedReply("hold.lua returned \(value)")
            }
            if first == "skip" {
                self = .skipped(status: parts[1].string ?? "missing")
            } else {
                self = .held(status: first, dueMillis: parts[1].string.flatMap { Int64($0) } ?? parts[1].integer.map(Int64.init) ?? 0)
            }
        }
    }

    static func call(_ claimed: ClaimedMessage, _ hold: Hold, event: String, detail: String, settings: StoreSettings,
                     nowMillis: Int64) -> (keys: [String], arguments: [String])
    {
        let (outcome, due, reason): (String, Int64, String) = switch hold {
        case .until(let due): ("scheduled", due, "")
        case .expire: ("expired", nowMillis, "")
        case .suppress(let reason): ("suppressed", nowMillis, reason)
        case .cancel: ("canceled", nowMillis, "")
        }
        let keys = claimed.partition
        return ([keys.message(claimed.message.id), claimed.entry.stream, keys.delayed],
                [settings.consumerGroup, claimed.entry.entryID, String(nowMillis), String(due), claimed.message.id,
                 String(settings.terminalTTLSeconds), outcome, event, detail, reason])
    }
}
