import HeraldCore

/// Joins concurrent single-message enqueues (`POST /v1/messages`) into
/// `MessageStore.enqueue` calls of many messages, as the batch endpoint does
/// for its items (a `CallCoalescer`). Each message gets its own result;
/// idempotency keys repeated within a call resolve as they would one after
/// another.
public final class EnqueueCoalescer: Sendable {
    public let store: MessageStore
    private let calls: CallCoalescer<NewMessage, EnqueueResult>

    public init(store: MessageStore, maxInFlight: Int = 4, maxBatch: Int = 500) {
        self.store = store
        calls = CallCoalescer(maxInFlight: maxInFlight, maxBatch: maxBatch) { messages in
            try await store.enqueue(messages, nowMillis: WallClock.nowMillis())
        }
    }

    /// Stores `message` and its stream entry, or finds the message its
    /// idempotency key already names.
    public func enqueue(_ message: NewMessage) async throws -> EnqueueResult {
        try await calls.submit(message)
    }
}
