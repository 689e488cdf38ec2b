import Synchronization

/// Joins concurrent single calls into calls of many: up to `maxInFlight`
/// calls of `perform` run at once, and the inputs that arrive meanwhile queue
/// up and go together in the next free call. A lone caller pays no added
/// wait; a busy server pays one Redis round trip for many inputs instead of
/// one each. `perform` returns one output per input, in order.
public final class CallCoalescer<Input: Sendable, Output: Sendable>: Sendable {
    private struct Waiting {
        let input: Input
        let continuation: CheckedContinuation<Output, any Error>
    }

    private struct State {
        var waiting: [Waiting] = []
        var inFlight = 0
    }

    /// Calls running at once.
    public let maxInFlight: Int
    /// The most inputs one call carries.
    public let maxBatch: Int
    private let perform: @Sendable ([Input]) async throws -> [Output]
    private let state = Mutex(State())

    public init(maxInFlight: Int = 4, maxBatch: Int = 500, perform: @escaping @Sendable ([Input]) async throws -> [Output]) {
        precondition(maxInFlight > 0 && maxBatch > 0)
        self.maxInFlight = maxInFlight
        self.maxBatch = maxBatch
        self.perform = perform
    }

    /// `input`'s output, from a call of its own or one shared with others.
    public func submit(_ input: Input) async throws -> Output {
        if takeSlotIfIdle() {
            defer { callFinished() }
            let outputs = try await perform([input])
            guard let output = outputs.first else { throw RedisError.unexpectedReply("a coalesced call returned nothing") }
            return output
        }
        return try await withCheckedThrowingContinuation { continuation in
            let waiting = Waiting(input: input, continuation: continuation)
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

    /// A call ended: its slot carries the queued inputs in a task of its
    /// own (so the caller can reply), or comes free.
    private func callFinished() {
        if let batch = nextBatch() { Task { await run(batch) } }
    }

    /// Up to `maxBatch` queued inputs for a finishing call's slot, or nil (the slot is freed).
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
                let outputs = try await perform(batch.map(\.input))
                guard outputs.count == batch.count else {
                    throw RedisError.unexpectedReply("a coalesced call returned \(outputs.count) results for \(batch.count)")
                }
                for (waiting, output) in zip(batch, outputs) { waiting.continuation.resume(returning: output) }
            } catch {
                for waiting in batch { waiting.continuation.resume(throwing: error) }
            }
            guard let next = nextBatch() else { return }
            batch = next
        }
    }
}
