import HeraldCore
import Synchronization

/// Joins concurrent single-message enqueues (`POST /v1/messages`) into
/// `MessageStore.enqueue` calls of many messages, as the batch endpoint does
/// for its items. Up to `maxInFlight` calls are in Redis at once; the messages
/// that arrive meanwhile queue up and go together in the next free call. A lone
/// request therefore pays no added wait, and a busy API pays one script call
/// for many messages instead of one each. Each message gets its own result;
/// idempotency keys repeated within a call resolve as they would one after
/// another.
public final class EnqueueCoalescer: Sendable {
    private struct Waiting {
        let message: NewMessage
        let continuation: CheckedContinuation<EnqueueResult, any Error>
    }

    private struct State {
        var waiting: [Waiting] = []
        var inFlight = 0
    }

    public let store: MessageStore
    /// Calls in Redis at once.
    public let maxInFlight: Int
    /// The most messages one call carries.
    public let maxBatch: Int
    private let state = Mutex(State())

    public init(store: MessageStore, maxInFlight: Int = 4, maxBatch: Int = 500) {
        precondition(maxInFlight > 0 && maxBatch > 0)
        self.store = store
        self.maxInFlight = maxInFlight
        self.maxBatch = maxBatch
    }

    /// Stores `message` and its stream entry, or finds the message its
    /// idempotency key already names.
    public func enqueue(_ message: NewMessage) async throws -> EnqueueResult {
        if takeSlotIfIdle() {
            defer { callFinished() }
            return try await store.enqueue([message], nowMillis: WallClock.nowMillis())[0]
        }
        return try await withCheckedThrowingContinuation { continuation in
            let waiting = Waiting(message: message, continuation: continuation)
            // A slot may have come free since the first look: then this task
            // cannot run the call itself (it is suspended), so a new one does.
            if takeSlotIfIdle(orQueue: waiting) { Task { await self.run([waiting]) } }
        }
    }

    /// Takes a call slot when one is free and nobody is queued; otherwise queues `waiting`, if given.
    private func takeSlotIfIdle(orQueue waiting: Waiting? = nil) -> Bool {
        state.withLock { state in
            if state.inFlight < maxInFlight, state.waiting.isEmpty {
                state.inFlight += 1
                return true
            }
            if let waiting { state.waiting.append(waiting) }
            return false
        }
    }

    /// A call ended: its slot carries the queued messages in a task of its
    /// own (so the caller can reply), or comes free.
    private func callFinished() {
        if let batch = nextBatch() { Task { await run(batch) } }
    }

    /// Up to `maxBatch` queued messages for a finishing call's slot, or nil (the slot is freed).
    private func nextBatch() -> [Waiting]? {
        state.withLock { state in
            guard !state.waiting.isEmpty else {
                state.inFlight -= 1
                return nil
            }
            let count = min(maxBatch, state.waiting.count)
            let batch = Array(state.waiting.prefix(count))
            state.waiting.removeFirst(count)
            return batch
        }
    }

    /// Runs calls in one slot until nothing is queued.
    private func run(_ first: [Waiting]) async {
        var batch = first
        while true {
            do {
                let results = try await store.enqueue(batch.map(\.message), nowMillis: WallClock.nowMillis())
                for (waiting, result) in zip(batch, results) { waiting.continuation.resume(returning: result) }
            } catch {
                for waiting in batch { waiting.continuation.resume(throwing: error) }
            }
            guard let next = nextBatch() else { return }
            batch = next
        }
    }
}
