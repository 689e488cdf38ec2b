import HeraldRedis
import Logging
import Synchronization

/// Records short-link fetches off the redirect's path: a redirect appends to
/// a buffer and returns; one task at a time writes the buffer to Redis in a
/// pipelined call. Under load many clicks share one round trip. If Redis
/// fails, the batch is kept (up to `capacity`) and tried again. At shutdown
/// `flush` writes what is still buffered, so a redirect served just before a
/// SIGTERM is still counted.
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

    /// Returns once every click recorded so far is written, or at the
    /// deadline (Redis down), whichever comes first.
    func flush(timeout: Duration = .seconds(5)) async {
        enum Step { case done, drain, wait }
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            let step = state.withLock { state -> Step in
                if state.buffer.isEmpty && !state.flushing { return .done }
                guard !state.flushing else { return .wait }
                state.flushing = true
                return .drain
            }
            switch step {
            case .done: return
            case .drain: await drain(until: deadline)
            case .wait: try? await Task.sleep(for: .milliseconds(5))
            }
        }
        let left = state.withLock { $0.buffer.count }
        if left > 0 { logger.warning("link clicks not written at shutdown", metadata: ["count": "\(left)"]) }
    }

    /// Writes until the buffer is empty, a pipelined call per turn; with a
    /// deadline, gives up at it when Redis keeps failing (the clicks stay buffered).
    private func drain(until deadline: ContinuousClock.Instant? = nil) async {
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
                let pause = Duration.milliseconds(min(5_000, 100 << min(failures, 6)))
                if let deadline, ContinuousClock.now.advanced(by: pause) >= deadline {
                    state.withLock { $0.flushing = false }
                    return
                }
                try? await Task.sleep(for: pause)
            }
        }
    }
}
