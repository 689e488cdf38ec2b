import Synchronization

/// Bounds the sends in flight for one channel and knows which stream entries
/// they are. Each partition's reader reserves slots before it takes entries
/// from Redis (at most its fair share, so one partition cannot take every
/// slot while the others wait), then turns what it read into entries and
/// gives the rest back. Work a reader cannot start stays in the stream where
/// another instance can take it; and an entry this worker is still sending is
/// not started a second time when a slow send outlives the visibility timeout
/// and the worker's own reclaim hands it back.
final class InflightLimiter: Sendable {
    private struct State {
        var entries: Set<String> = []
        var reserved = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    let limit: Int
    private let state = Mutex(State())

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Free slots right now (neither in flight nor reserved by a reader).
    var available: Int { state.withLock { limit - $0.entries.count - $0.reserved } }

    /// Whether this stream entry (`StreamEntry.key`) is being sent right now.
    func isInFlight(_ key: String) -> Bool { state.withLock { $0.entries.contains(key) } }

    /// Waits until a slot is free, then reserves up to `wanted` (at least one).
    func reserve(upTo wanted: Int) async -> Int {
        while true {
            let granted = state.withLock { state -> Int in
                let free = limit - state.entries.count - state.reserved
                guard free > 0 else { return 0 }
                let granted = min(max(1, wanted), free)
                state.reserved += granted
                return granted
            }
            if granted > 0 { return granted }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { state -> Bool in
                    guard limit - state.entries.count - state.reserved <= 0 else { return true }
                    state.waiters.append(continuation)
                    return false
                }
                if ready { continuation.resume() }
            }
        }
    }

    /// Gives back a reservation, turning entries (`StreamEntry.key`, at most
    /// the reserved count; any number for reclaimed entries, reserved 0) into slots in flight.
    func settle(reserved: Int, acquiring keys: [String]) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.reserved -= reserved
            state.entries.formUnion(keys)
            return wake(&state)
        }
        for waiter in waiters { waiter.resume() }
    }

    func release(_ key: String) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.entries.remove(key)
            return wake(&state)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// The waiting readers, when a slot is free: each tries again.
    private func wake(_ state: inout State) -> [CheckedContinuation<Void, Never>] {
        guard limit - state.entries.count - state.reserved > 0, !state.waiters.isEmpty else { return [] }
        defer { state.waiters = [] }
        return state.waiters
    }
}
