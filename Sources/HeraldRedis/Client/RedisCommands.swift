/// What Herald's stores need from Redis, whether it is one server
/// (`RedisClient`) or a Redis Cluster (`RedisClusterClient`): commands routed
/// by their key, pipelines, Lua transitions with their error replies in place,
/// and a connection of its own for a blocking read. Stores take `any
/// RedisCommands`, so the whole Redis model runs unchanged on either.
public protocol RedisCommands: Sendable {
    /// One command; an error reply is returned as `.error`, not thrown.
    func send(_ command: [String]) async throws -> RedisValue
    /// Several commands in as few round trips as the topology allows, replies in order.
    func pipeline(_ commands: [[String]]) async throws -> [RedisValue]
    /// Runs the same script for many key/argument sets; each error reply stays in its place.
    func runManyReplies(_ script: RedisScript, calls: [(keys: [String], arguments: [String])]) async throws
        -> [RedisValue]
    /// Runs the same script for many key/argument sets and gives each call its
    /// own outcome: its reply (error replies included), or the error that kept
    /// it from answering. On a cluster, calls to a node that is down fail
    /// while the other nodes' calls are answered, so a caller can tell what
    /// was stored from what was not.
    func runManyOutcomes(_ script: RedisScript, calls: [(keys: [String], arguments: [String])]) async
        -> [Result<RedisValue, RedisError>]
    /// Loads scripts up front so the first request does not pay for it.
    func preload(_ scripts: [RedisScript]) async throws
    /// A connection of its own, to the node serving `key`, for blocking
    /// commands on that key; the caller closes it. Made again after a failure:
    /// the node may have changed.
    func dedicatedConnection(forKey key: String, name: String) async throws -> RedisConnection
    /// Closes every connection.
    func close()
}

extension RedisCommands {
    /// One server answers every call or none: they share its outcome.
    public func runManyOutcomes(_ script: RedisScript, calls: [(keys: [String], arguments: [String])]) async
        -> [Result<RedisValue, RedisError>]
    {
        do {
            return try await runManyReplies(script, calls: calls).map { .success($0) }
        } catch {
            return Array(repeating: .failure(RedisError(error)), count: calls.count)
        }
    }

    /// One command whose error reply is thrown as `RedisError.reply`.
    @discardableResult
    public func call(_ command: String...) async throws -> RedisValue {
        try await send(command).orThrow()
    }

    /// Runs the same script for many key/argument sets; error replies are thrown.
    public func runMany(_ script: RedisScript, calls: [(keys: [String], arguments: [String])]) async throws
        -> [RedisValue]
    {
        let replies = try await runManyReplies(script, calls: calls)
        for reply in replies { try reply.orThrow() }
        return replies
    }

    /// One run of a script; an error reply is thrown.
    public func run(_ script: RedisScript, keys: [String], arguments: [String]) async throws -> RedisValue {
        try await runMany(script, calls: [(keys, arguments)])[0]
    }
}
