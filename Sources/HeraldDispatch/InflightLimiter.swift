import Synchronization

/// Bounds the sends in flight for one channel and knows which stream entries
/// they are. The reader waits for capacity before it takes more entries from
/// Redis, so work it cannot start stays in the stream where another instance
/// can take it; and an entry this worker is still sending is not started a
/// second time when a slow send outlives the visibility timeout and the
/// worker's own reclaim hands it back.
final class InflightLimiter: Sendable {
    private struct State {
        var entries: Set<String> = []
        var waiter: CheckedContinuation<Void, Never>?
    }

    let limit: Int
    private let state = Mutex(State())

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Free slots right now.
    var available: Int { state.withLock { limit - $0.entries.count } }

    /// Whether this stream entry is being sent right now.
    func isInFlight(_ entryID: String) -> Bool { state.withLock { $0.entries.contains(entryID) } }

    /// Returns once at least one slot is free. Only the reader calls it.
    func waitForCapacity() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if state.entries.count < limit { return true }
                state.waiter = continuation
                return false
            }
            if ready { continuation.resume() }
        }
    }

    func acquire(_ entryIDs: [String]) {
        state.withLock { $0.entries.formUnion(entryIDs) }
    }

    func release(_ entryID: String) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.entries.remove(entryID)
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }
}
