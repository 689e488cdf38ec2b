import Foundation
import HeraldCore
import HeraldRedis

/// Step 4 of delivery: counts a marketing message against its person's caps
/// on this channel, taking a token from every window or from none. Over a cap
/// it ends `suppressed` (reason fatigue), or waits until a token frees when
/// fatigue defers; the event names the window. Transactional messages neither
/// check nor take. A message that will never reach the person gives its
/// tokens back (`giveBack`).
struct FatigueGate: Sendable {
    let context: DeliveryContext

    /// The tokens a message took, to give back if it never reaches the person.
    struct Holding: Sendable {
        let person: String
        let windows: [FatigueWindow]
        let zone: TimeZone
        let takenAtMillis: Int64
    }

    enum Admission {
        /// Go ahead (holding tokens when the message counts against caps).
        case admitted(Holding?)
        /// Held back: over a cap (suppressed or deferred), or the counters could not be read.
        case held
    }

    func admit(_ claimed: ClaimedMessage) async -> Admission {
        let message = claimed.message
        let (channel, store, configuration) = (context.channel, context.store, context.configuration)
        guard message.category == .marketing else { return .admitted(nil) }
        let windows = configuration.fatigue(for: channel, campaign: message.campaign)
        guard !windows.isEmpty else { return .admitted(nil) }
        let person = message.userID ?? claimed.fingerprint ?? store.settings.fingerprints.of(message.to, on: channel)
        let zone = message.timezone.flatMap(TimeZone.init(identifier:)) ?? configuration.defaultTimeZone
        let now = WallClock.nowMillis()
        let decision: FatigueStore.Decision
        do {
            decision = try await FatigueStore(redis: store.redis).take(
                person: person, channel: channel, windows: windows, messageID: message.id, zone: zone, nowMillis: now)
        } catch {
            // Sending unchecked could break a cap: try again in a second.
            context.metrics.redisErrors(.fatigue)
            await context.record(claimed) {
                try await store.hold(claimed, .until(dueMillis: now + 1_000), event: "fatigue_unavailable",
                                     detail: "the fatigue counters could not be read", nowMillis: now)
            }
            return .held
        }
        switch decision {
        case .admitted:
            context.metrics.policy(channel, decision: .fatigueAdmitted)
            return .admitted(Holding(person: person, windows: windows, zone: zone, takenAtMillis: now))
        case .refused(let window, let retryAfter):
            let defers = configuration.fatigueDefers
            context.metrics.policy(channel, decision: defers ? .fatigueDeferred : .fatigueSuppressed)
            await context.record(claimed) {
                if defers {
                    try await store.hold(claimed, .until(dueMillis: now + max(1_000, retryAfter)), event: "fatigue_deferred",
                                         detail: "window \(window) is full", nowMillis: now)
                } else {
                    try await store.hold(claimed, .suppress(reason: "fatigue"), event: "suppressed",
                                         detail: "fatigue: window \(window) is full", nowMillis: now)
                }
            }
            return .held
        }
    }

    func giveBack(_ holding: Holding, _ claimed: ClaimedMessage) async {
        do {
            try await FatigueStore(redis: context.store.redis).giveBack(
                person: holding.person, channel: context.channel, windows: holding.windows, messageID: claimed.message.id,
                zone: holding.zone, takenAtMillis: holding.takenAtMillis)
        } catch {
            context.metrics.redisErrors(.fatigue)
        }
    }
}
