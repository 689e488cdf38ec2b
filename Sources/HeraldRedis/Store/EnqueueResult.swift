/// What happened to one enqueued message.
public enum EnqueueResult: Sendable, Equatable {
    /// Stored and queued (or scheduled) under this id.
    case created(id: String)
    /// The idempotency key was seen within its window: the original id.
    case replayed(id: String)
    /// Not stored, or not known to be (see `EnqueueRefusal`); the id is the
    /// one it was being stored under.
    case refused(id: String, EnqueueRefusal)

    /// The message's id: the one it has, or the one it was being stored under.
    public var id: String {
        switch self {
        case .created(let id), .replayed(let id), .refused(let id, _): id
        }
    }
}

/// What `DELETE /v1/messages/{id}` did.
public enum CancelResult: Sendable, Equatable {
    case canceled
    case notFound
    /// Too late: the message is already being sent or past it.
    case conflict(status: String)
}

/// What a provider receipt did to its message.
public enum ReceiptResult: String, Sendable, Equatable {
    /// Moved the message forward.
    case applied
    /// The same receipt was seen before: nothing changed.
    case duplicate
    /// Recorded, but the message is already at or past this status.
    case stale
    /// An engagement event (open, click, unsubscribe): recorded, no status change.
    case recorded
    /// The send is not recorded yet; the receipt is kept and applied when it is.
    case early
    /// The message no longer exists (expired).
    case missing
}
