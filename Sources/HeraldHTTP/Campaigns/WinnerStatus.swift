import HeraldCore
import HeraldRedis

/// Where a campaign's winner test stands, as the campaign view and the
/// results report it: testing (the test share is still being released),
/// deciding (released; the decision is due at `decide_at`), awaiting_manual
/// (due, no variant significantly better, the fallback waits for a person),
/// decided, stopped, or ended (the campaign completed or was canceled
/// before a decision: nothing was kept aside, or it was canceled).
struct WinnerStatus: Encodable {
    let state: String
    let variant: String?
    let decidedAt: String?
    let decidedBy: String?
    let reason: String?
    let decideAt: String?
    let deferred: Int
    let withheld: Int

    enum CodingKeys: String, CodingKey {
        case state, variant, reason, deferred, withheld
        case decidedAt = "decided_at"
        case decidedBy = "decided_by"
        case decideAt = "decide_at"
    }

    /// Nil when the campaign has no winner test.
    init?(_ record: CampaignRecord, nowMillis: Int64) {
        guard let test = record.definition.winnerTest else { return nil }
        deferred = record.deferred
        withheld = record.withheld
        let due = record.testDoneAtMillis.map { $0 + test.decideAfterMillis }
        decideAt = due.map { RFC3339.format(millis: $0) }
        if let decision = record.decision {
            state = decision.variant == nil ? "stopped" : "decided"
            variant = decision.variant
            decidedAt = RFC3339.format(millis: decision.atMillis)
            decidedBy = decision.by
            reason = decision.reason
            return
        }
        variant = nil
        decidedAt = nil
        decidedBy = nil
        reason = record.awaitingReason
        switch due {
        case _ where record.state.isFinal: state = "ended"
        case _ where record.awaitingSinceMillis != nil: state = "awaiting_manual"
        case nil: state = "testing"
        default: state = "deciding"
        }
    }
}
