/// Where a campaign is in its life (`draft → scheduled|running → paused ↔
/// running → completed`, or `canceled`): the states callers see and the
/// transitions `campaign_state.lua` allows.
public enum CampaignState: String, Sendable, CaseIterable, Codable {
    /// Created; recipients may be added; nothing is sent.
    case draft
    /// Started with a `start_at` still ahead.
    case scheduled
    /// Recipients become messages as the pacing admits them.
    case running
    /// No recipient becomes a message, and released ones wait, until resumed.
    case paused
    /// Every recipient was released (or expired at `end_at`).
    case completed
    /// Stopped for good: every unsent recipient ended `canceled`.
    case canceled

    /// Whether nothing more can happen to the campaign.
    public var isFinal: Bool { self == .completed || self == .canceled }

    /// The control actions of the API and the states each may start from.
    public enum Action: String, Sendable, CaseIterable {
        case start, pause, resume, cancel

        /// The states the action is legal in.
        public var from: Set<CampaignState> {
            switch self {
            case .start: [.draft]
            case .pause: [.scheduled, .running]
            case .resume: [.paused]
            case .cancel: [.draft, .scheduled, .running, .paused]
            }
        }
    }
}
