/// Where a message stands in its lifecycle (DESIGN §3).
///
/// The `rank` orders statuses so that transitions only move forward: a late or
/// replayed provider receipt can never move a message backwards.
public enum MessageStatus: String, Sendable, CaseIterable, Codable {
    case queued
    case scheduled
    case retrying
    case sending
    case sent
    case delivered
    case undelivered
    case failed
    case suppressed
    case canceled
    case expired

    /// Progress order used by every conditional transition.
    public var rank: Int {
        switch self {
        case .queued, .scheduled, .retrying: 0
        case .sending: 1
        case .sent: 2
        case .delivered, .undelivered, .failed, .suppressed, .canceled, .expired: 3
        }
    }

    /// A terminal message never changes status again and gets a TTL in Redis.
    public var isTerminal: Bool { rank == 3 }
}
