/// What runs Herald's Lua transitions: one Redis (`RedisClient`) or a
/// Redis Cluster (`RedisClusterClient`). Each only says how to run many calls
/// of a script with their error replies in place; throwing and single runs
/// are the same for both.
public protocol RedisScriptRunner: Sendable {
    func runManyReplies(_ script: RedisScript, calls: [(keys: [String], arguments: [String])]) async throws
        -> [RedisValue]
}

extension RedisScriptRunner {
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
