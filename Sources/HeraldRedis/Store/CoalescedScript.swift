/// One Lua transition whose concurrent runs share pipelined round trips (a
/// `CallCoalescer` over `runManyReplies`): a worker's 256 sends in flight
/// record their outcomes, and concurrent receipts their effects, in a few
/// Redis calls instead of one each. A run's error reply fails that run only.
public final class CoalescedScript: Sendable {
    public let script: RedisScript
    private let calls: CallCoalescer<(keys: [String], arguments: [String]), RedisValue>

    public init(_ script: RedisScript, redis: any RedisCommands, maxInFlight: Int = 4, maxBatch: Int = 256) {
        self.script = script
        calls = CallCoalescer(maxInFlight: maxInFlight, maxBatch: maxBatch) { batch in
            try await redis.runManyReplies(script, calls: batch)
        }
    }

    /// The script's reply for these keys and arguments; an error reply is thrown.
    public func run(keys: [String], arguments: [String]) async throws -> RedisValue {
        try await calls.submit((keys, arguments)).orThrow()
    }
}
