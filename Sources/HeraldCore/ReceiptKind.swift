/// What one provider receipt reports: a move along the status lifecycle, or an
/// engagement event (an open, a click, an unsubscribe) that is recorded in the
/// message's history without changing its status.
public enum ReceiptKind: Sendable, Equatable {
    case status(MessageStatus)
    case event(EngagementEvent)

    /// The name written to the event history (`receipt:<name>`) and passed to receipt.lua.
    public var name: String {
        switch self {
        case .status(let status): status.rawValue
        case .event(let event): event.rawValue
        }
    }
}

/// Receipt events that say something happened to a message without moving it.
public enum EngagementEvent: String, Sendable, CaseIterable {
    case deferred
    case opened
    case clicked
    case unsubscribed
    case complained
}
