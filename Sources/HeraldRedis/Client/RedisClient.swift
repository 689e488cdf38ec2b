import Synchronization

/// A small pool of auto-pipelining connections shared by the whole process.
///
/// Because each connection pipelines whatever its callers queued, a handful of
/// connections carries thousands of concurrent requests; more connections only
/// add threads. Blocking commands must not go through the pool (they would
/// stall every caller behind them): use `dedicatedConnection()`.
public final class RedisClient: RedisCommands {
    public let endpoint: RedisEndpoint
    private let connections: [RedisConnection]
    private let next = Atomic<Int>(0)
    private let scripts = Mutex<[String: String]>([:])

    public init(endpoint: RedisEndpoint, connections count: Int = 2, timeoutMillis: Int = 5_000) {
        self.endpoint = endpoint
        self.connections = (0..<max(1, count)).map {
            RedisConnection(endpoint: endpoint, timeoutMillis: timeoutMillis, name: "redis-\($0)")
        }
    }

    /// A connection of its own for blocking commands; the caller closes it.
    public func dedicatedConnection(name: String = "redis-blocking") -> RedisConnection {
        RedisConnection(endpoint: endpoint, name: name)
    }

    public func dedicatedConnection(forKey key: String, name: String) async throws -> RedisConnection {
        dedicatedConnection(name: name)
    }

    private func pick() -> RedisConnection {
        let index = next.add(1, ordering: .relaxed).newValue
        return connections[index % connections.count]
    }

    /// One command; error replies are returned as `.error`, not thrown.
    public func send(_ command: [String]) async throws -> RedisValue {
        try await pick().send(command)
    }

    /// Several commands in one round trip on one connection, replies in order.
    public func pipeline(_ commands: [[String]]) async throws -> [RedisValue] {
        try await pick().pipeline(commands)
    }

    /// Runs the same script for many key/argument sets in one pipelined round
    /// trip by EVALSHA, loading it on the first use and again after a
    /// `NOSCRIPT` reply (Redis restarted or `SCRIPT FLUSH`). Each call's error
    /// reply stays in its place for its own caller: calls joined from
    /// different requests must not fail each other.
    public func runManyReplies(_ script: RedisScript, calls: [(keys: [String], arguments: [String])]) async throws
        -> [RedisValue]
    {
        guard !calls.isEmpty else { return [] }
        var sha = scripts.withLock { $0[script.name] }
        if sha == nil { sha = try await load(script) }
        let connection = pick()
        var replies = try await connection.pipeline(calls.map { RESP.evalsha(sha!, $0.keys, $0.arguments) })
        let retry = replies.indices.filter { replies[$0].isNoScriptError }
        if !retry.isEmpty {
            sha = try await load(script)
            let again = try await connection.pipeline(retry.map { RESP.evalsha(sha!, calls[$0].keys, calls[$0].arguments) })
            for (slot, reply) in zip(retry, again) { replies[slot] = reply }
        }
        return replies
    }

    /// Loads every script up front so the first request does not pay for it.
    public func preload(_ scripts: [RedisScript]) async throws {
        for script in scripts { _ = try await load(script) }
    }

    private func load(_ script: RedisScript) async throws -> String {
        let reply = try await pick().send(["SCRIPT", "LOAD", script.source]).orThrow()
        guard let sha = reply.string else { throw RedisError.unexpectedReply("SCRIPT LOAD returned \(reply)") }
        scripts.withLock { $0[script.name] = sha }
        return sha
    }

    /// Stops every connection thread.
    public func close() {
        for connection in connections { connection.close() }
    }
}
