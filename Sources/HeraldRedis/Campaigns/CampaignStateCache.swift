import Foundation
import Synchronization

/// What workers know of campaign states: the active hash read at most every
/// `maxAgeMillis` and shared by every send of the process, so a paused
/// campaign's released messages wait on every instance within that time, at
/// the cost of one small read per interval, not one per message.
public final class CampaignStateCache: Sendable {
    private struct Snapshot {
        var states: [String: String] = [:]
        var fetchedAtMillis: Int64 = 0
        var refreshing = false
    }

    private let redis: any RedisCommands
    private let maxAgeMillis: Int64
    private let snapshot = Mutex(Snapshot())

    public init(redis: any RedisCommands, maxAgeMillis: Int64 = 250) {
        self.redis = redis
        self.maxAgeMillis = maxAgeMillis
    }

    /// The state of `campaign` when it is paused or canceled (nil otherwise);
    /// one caller refreshes a stale snapshot while the others read the last one.
    public func holdingState(of campaign: String, nowMillis: Int64) async -> String? {
        let (refresh, current) = snapshot.withLock { snapshot -> (Bool, String?) in
            let stale = nowMillis - snapshot.fetchedAtMillis >= maxAgeMillis
            let refresh = stale && !snapshot.refreshing
            if refresh { snapshot.refreshing = true }
            return (refresh, snapshot.states[campaign])
        }
        guard refresh else { return Self.holding(current) }
        let states = try? await redis.send(["HGETALL", CampaignKeys.active]).orThrow().fields
        let state = snapshot.withLock { snapshot -> String? in
            snapshot.refreshing = false
            if let states {
                snapshot.states = states
                snapshot.fetchedAtMillis = nowMillis
            }
            return snapshot.states[campaign]
        }
        return Self.holding(state)
    }

    /// Records a released message held back while its campaign is paused, so
    /// that resuming brings it back at once instead of at its recheck time.
    public func noteHeld(campaign: String, messageID: String) async {
        let key = CampaignKeys(campaign).held
        _ = try? await redis.pipeline([["SADD", key, messageID], ["EXPIRE", key, String(8 * 86_400)]])
    }

    private static func holding(_ state: String?) -> String? {
        state == "paused" || state == "canceled" ? state : nil
    }
}
