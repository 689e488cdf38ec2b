import HeraldCore
import HeraldRedis

/// Step 1 of delivery for a campaign's messages: while the campaign is
/// paused a released message waits (back to the delayed set, noted in the
/// campaign's held set so resuming brings it back, the attempt not counted);
/// once it is canceled the message ends
/// `canceled`. So a pause stops sends on every instance within the state
/// cache's age, even for messages released just before it.
struct CampaignGate: Sendable {
    let context: DeliveryContext

    /// How long a paused campaign's message waits before it is looked at
    /// again; resuming brings it back at once (`CampaignStore.promoteHeld`).
    static let pausedRecheckMillis: Int64 = 600_000

    /// True when the message was held or ended.
    func holds(_ claimed: ClaimedMessage) async -> Bool {
        guard let campaign = claimed.message.campaign else { return false }
        let now = WallClock.nowMillis()
        guard let state = await context.store.campaignStates.holdingState(of: campaign, nowMillis: now) else { return false }
        let canceled = state == "canceled"
        context.metrics.policy(context.channel, decision: canceled ? .campaignCanceled : .campaignPaused)
        let store = context.store
        await context.record(claimed) {
            try await store.hold(
                claimed, canceled ? .cancel : .until(dueMillis: now + Self.pausedRecheckMillis),
                event: canceled ? "canceled" : "campaign_paused",
                detail: canceled ? "its campaign was canceled" : "its campaign is paused", nowMillis: now)
        }
        if !canceled { await store.campaignStates.noteHeld(campaign: campaign, messageID: claimed.message.id) }
        return true
    }
}
