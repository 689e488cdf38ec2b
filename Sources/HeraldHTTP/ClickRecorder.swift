import HeraldRedis
import Logging
import Synchronization

/// Records short-link fetches off the redirect's path: a redirect appends to
/// a buffer and returns; one task at a time writes the buffer to Redis in a
/// pipelined call. Under load many clicks share one round trip. If Redis
/// fails, the batch is kept (up to `capacity`) and tried again.
final class ClickRecorder: Sendable {
    private struct State {
        var buffer: [LinkStore.Click] = []
        var flushing = false
    }

    private let state = Mutex(State())
    private let store: LinkStore
    private let logger: Logger
    private let capacity: Int
    private let dropped: @Sendable (Int) -> Void

    init(store: LinkStore, logger: Logger, capacity: Int = 100_000, dropped: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.store = store
        self.logger = logger
        self.capacity = capacity
        self.dropped = dropped
    }

    func record(_ click: LinkStore.Click) {
        let start = state.withLock { state -> Bool in
            guard state.buffer.count < capacity else { return false }
            state.buffer.append(click)
            guard !state.flushing else { return false }
            state.flushing = true
            return true
        }
        if start { Task { await self.drain() } }
    }

    /// Writes until the buffer is empty, a pipelined call per turn.
    private func drain() async {
        var failures = 0
        while true {
            let batch = state.withLock { state -> [LinkStore.Click] in
                let batch = Array(state.buffer.prefix(1_000))
                state.buffer.removeFirst(batch.count)
                if batch.isEmpty { state.flushing = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            do {
                try await store.record(batch)
                failures = 0
            } catch {
                failures += 1
                logger.warning("recording \(batch.count) link clicks failed; will retry", metadata: ["error": "\(error)"])
                let kept = state.withLock { state -> Int in
                    let room = max(0, capacity - state.buffer.count)
                    state.buffer.insert(contentsOf: batch.prefix(room), at: 0)
                    return min(room, batch.count)
                }
                if kept < batch.count { dropped(batch.count - kept) }
                try? await Task.sleep(for: .milliseconds(min(5_000, 100 << min(failures, 6))))
            }
        }
    }
}
