import Foundation
import HeraldCore

/// Step 2 of delivery: holds a marketing message while its recipient's quiet
/// hours last: back to the delayed set until the window ends, at a random
/// place on the ramp after it, or `expired` when it would expire before then.
struct QuietHoursGate: Sendable {
    let context: DeliveryContext

    /// True when the message was held.
    func holds(_ claimed: ClaimedMessage) async -> Bool {
        let message = claimed.message
        let configuration = context.configuration
        guard message.category == .marketing, let quiet = configuration.quietHours[context.channel] else { return false }
        let zone = message.timezone.flatMap(TimeZone.init(identifier:)) ?? configuration.defaultTimeZone
        let now = WallClock.nowMillis()
        guard let end = quiet.windowEnd(containing: now, in: zone) else { return false }
        let due = end + Int64.random(in: 0...max(0, quiet.rampMillis))
        let expire = message.expiresAtMillis.map { $0 <= due } ?? false
        context.metrics.policy(context.channel, decision: expire ? .quietExpired : .quietDeferred)
        let store = context.store
        await context.record(claimed) {
            try await store.hold(
                claimed, expire ? .expire : .until(dueMillis: due), event: expire ? "expired" : "quiet_hours",
                detail: expire ? "expires_at falls inside the recipient's quiet hours" : "held until \(due)", nowMillis: now)
        }
        return true
    }
}
