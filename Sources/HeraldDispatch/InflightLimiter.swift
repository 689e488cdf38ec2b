import Synchronization

/// Bounds the sends in flight for one channel. The reader waits for capacity
/// before it takes more entries from Redis, so work it cannot start stays in
/// the stream where another instance can take it.
final class InflightLimiter: Sendable {
    private struct State {
        var inflight = 0
        var waiter: CheckedContinuation<Void, Never>?
    }

    let limit: Int
    private let state = Mutex(State())

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Free slots right now.
    var available: Int { state.withLock { limit - $0.inflight } }

    /// Returns once at least one slot is free. Only the reader calls it.
    func waitForCapacity() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if state.inflight < limit { return true }
                state.waiter = continuation
                return false
            }
            if ready { continuation.resume() }
        }
    }

    func acquire(_ count: Int) {
        state.withLock { $0.inflight += count }
    }

    func release() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.inflight -= 1
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }
}
