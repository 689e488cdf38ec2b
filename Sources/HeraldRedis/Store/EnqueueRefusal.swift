/// Why a message was not stored, as the caller must act on it. `unavailable`
/// and `storeFull` mean nothing was written: the caller sends the message
/// again. `outcomeUnknown` means Redis went away after the message was handed
/// to it and did not come back within the store's retry window: it may be
/// stored under the id given, so the caller looks it up before sending it again.
public enum EnqueueRefusal: String, Sendable, Equatable {
    /// Redis (or the cluster master of the message's partition) could not be reached; nothing was stored.
    case unavailable
    /// Redis is at `maxmemory` and refuses writes; nothing was stored.
    case storeFull = "store_full"
    /// The write was sent and no answer came back; it may have been stored.
    case outcomeUnknown = "outcome_unknown"

    /// The reply's `error.code`.
    public var code: String { rawValue }

    /// What the caller is told, naming what to do next.
    public func message(id: String) -> String {
        switch self {
        case .unavailable:
            "the message store is unreachable; nothing was stored: send it again"
        case .storeFull:
            "the message store is full (Redis is at maxmemory); nothing was stored: send it again later"
        case .outcomeUnknown:
            "the message store went away while storing this message; it may be stored as \(id): GET /v1/messages/\(id) before sending it again"
        }
    }
}
