import Synchronization

/// A Redis Cluster client: the slot map from `CLUSTER SLOTS`, one pipelining
/// `RedisConnection` per master, each command sent to the master of its key's
/// slot, `MOVED` (the slot moved: re-read the map and follow) and `ASK` (the
/// slot is migrating: `ASKING` then the command, once, on the target) handled,
/// and scripts loaded on every master. Commands of one pipeline that live on
/// different masters are sent to each master in parallel and answered in order.
public final class RedisClusterClient: RedisCommands {
    private struct State {
        var topology = ClusterTopology()
        var connections: [String: RedisConnection] = [:]
        var closed = false
        /// A background re-read of the slot map is under way (one at a time, however many commands fail).
        var refreshing = false
    }

    /// Where to ask for the slot map first; credentials and TLS apply to every node.
    public let seeds: [RedisEndpoint]
    private let timeoutMillis: Int
    private let state = Mutex(State())
    private let scripts = Mutex<[String: String]>([:])
    /// How many redirections one command may follow before giving up.
    static let maxRedirections = 5

    public init(seeds: [RedisEndpoint], timeoutMillis: Int = 5_000) {
        precondition(!seeds.isEmpty, "a cluster needs at least one seed node")
        self.seeds = seeds
        self.timeoutMillis = timeoutMillis
    }

    /// The masters currently known, as `host:port`.
    public var masters: [String] { state.withLock { $0.topology.masters } }

    /// Reads the slot map from the first node that answers (known masters first, then the seeds).
    public func refreshTopology() async throws {
        var lastError: any Error = RedisError.connectionFailed("no cluster node answered CLUSTER SLOTS")
        let candidates = masters + seeds.compactMap(Self.name)
        for node in candidates {
            do {
                let reply = try await connection(node).send(["CLUSTER", "SLOTS"]).orThrow()
                guard let topology = ClusterTopology(clusterSlots: reply, askedHost: Self.host(node)) else {
                    throw RedisError.unexpectedReply("CLUSTER SLOTS from \(node) is not a slot map")
                }
                state.withLock { $0.topology = topology }
                return
            } catch {
                lastError = error
            }
        }
        throw lastError
    }

    /// The key a command is routed by; nil for commands without one.
    static func routingKey(_ command: [String]) -> String? {
        guard let name = command.first?.uppercased(), command.count > 1 else { return nil }
        switch name {
        case "EVALSHA", "EVAL", "FCALL":
            guard command.count > 3, let keys = Int(command[2]), keys > 0 else { return nil }
            return command[3]
        case "XREADGROUP", "XREAD":
            guard let streams = command.firstIndex(where: { $0.uppercased() == "STREAMS" }), streams + 1 < command.count
            else { return nil }
            return command[streams + 1]
        case "PING", "INFO", "SCRIPT", "CLUSTER", "CONFIG", "TIME", "DBSIZE", "ASKING", "READONLY":
            return nil
        case "XGROUP", "XINFO", "OBJECT", "MEMORY":
            return command.count > 2 ? command[2] : nil
        default:
            return command[1]
        }
    }

    /// One command, to the master of its key's slot, following redirections.
    public func send(_ command: [String]) async throws -> RedisValue {
        let slot = Self.routingKey(command).map(HashSlot.of)
        var node = try await owner(slot)
        var asking = false
        for _ in 0...Self.maxRedirections {
            let connection = self.connection(node)
            let reply: RedisValue
            do {
                reply = asking ? try await connection.pipeline([["ASKING"], command])[1] : try await connection.send(command)
            } catch {
                noteFailure()
                throw error
            }
            guard case .error(let message) = reply else { return reply }
            if let (movedSlot, target) = Self.redirection(message, kind: "MOVED") {
                state.withLock { $0.topology.assign(movedSlot, to: target) }
                noteFailure()
                node = target
                asking = false
            } else if let (_, target) = Self.redirection(message, kind: "ASK") {
                node = target
                asking = true
            } else if message.hasPrefix("TRYAGAIN") || message.hasPrefix("CLUSTERDOWN") {
                try await Task.sleep(for: .milliseconds(50))
                try? await refreshTopology()
                node = try await owner(slot)
                asking = false
            } else {
                return reply
            }
        }
        throw RedisError.unexpectedReply("more than \(Self.maxRedirections) cluster redirections for \(command.first ?? "")")
    }

    /// A connection of its own to the master serving `key` (for a blocking
    /// read). The slot map is read first: this is asked for at start and after
    /// a failed read, when the slot may have a new master.
    public func dedicatedConnection(forKey key: String, name: String) async throws -> RedisConnection {
        try await refreshTopology()
        let node = try await owner(HashSlot.of(key))
        return RedisConnection(endpoint: endpoint(of: node), timeoutMillis: timeoutMillis, name: name + "@" + node)
    }

    /// Several commands: each master's share in one round trip, the masters in
    /// parallel, replies in the order given. A command answered with a
    /// redirection is sent again on its own.
    public func pipeline(_ commands: [[String]]) async throws -> [RedisValue] {
        var groups: [String: [Int]] = [:]
        for (index, command) in commands.enumerated() {
            groups[try await owner(Self.routingKey(command).map(HashSlot.of)), default: []].append(index)
        }
        var replies = [RedisValue](repeating: .null, count: commands.count)
        try await withThrowingTaskGroup(of: [(Int, RedisValue)].self) { group in
            for (node, indexes) in groups {
                let connection = self.connection(node)
                group.addTask {
                    do {
                        return zip(indexes, try await connection.pipeline(indexes.map { commands[$0] })).map { ($0, $1) }
                    } catch {
                        self.noteFailure()
                        throw error
                    }
                }
            }
            for try await answered in group { for (index, reply) in answered { replies[index] = reply } }
        }
        for index in replies.indices {
            if case .error(let message) = replies[index], Self.isRedirection(message) {
                replies[index] = try await send(commands[index])
            }
        }
        return replies
    }

    /// Runs a script for many key/argument sets, each on the master of its first
    /// key; loaded on a master that does not have it (`NOSCRIPT`). Error replies
    /// stay in place.
    public func runManyReplies(_ script: RedisScript, calls: [(keys: [String], arguments: [String])]) async throws
        -> [RedisValue]
    {
        guard !calls.isEmpty else { return [] }
        var sha = scripts.withLock { $0[script.name] }
        if sha == nil { sha = try await load(script) }
        let commands = calls.map { RESP.evalsha(sha!, $0.keys, $0.arguments) }
        var replies = try await pipeline(commands)
        let missing = replies.indices.filter { replies[$0].isNoScriptError }
        if !missing.isEmpty {
            _ = try await load(script)
            for index in missing { replies[index] = try await send(commands[index]) }
        }
        return replies
    }

    /// Runs a script for many key/argument sets, the calls of each master in
    /// one pipeline: a master that is down fails its own calls only.
    public func runManyOutcomes(_ script: RedisScript, calls: [(keys: [String], arguments: [String])]) async
        -> [Result<RedisValue, RedisError>]
    {
        var results = [Result<RedisValue, RedisError>?](repeating: nil, count: calls.count)
        var groups: [String: [Int]] = [:]
        for (index, call) in calls.enumerated() {
            do {
                groups[try await owner(call.keys.first.map(HashSlot.of)), default: []].append(index)
            } catch {
                results[index] = .failure(RedisError(error))
            }
        }
        await withTaskGroup(of: [(Int, Result<RedisValue, RedisError>)].self) { group in
            for indexes in groups.values {
                group.addTask {
                    do {
                        let replies = try await self.runManyReplies(script, calls: indexes.map { calls[$0] })
                        return zip(indexes, replies).map { ($0, .success($1)) }
                    } catch {
                        return indexes.map { ($0, .failure(RedisError(error))) }
                    }
                }
            }
            for await answered in group { for (index, outcome) in answered { results[index] = outcome } }
        }
        return results.map { $0! }
    }

    /// Loads scripts on every master up front.
    public func preload(_ scripts: [RedisScript]) async throws {
        for script in scripts { _ = try await load(script) }
    }

    /// `SCRIPT LOAD` on every master (the SHA is the same everywhere). A
    /// master that is down does not keep the others from getting it: its own
    /// calls fail anyway, and its replica loads it on `NOSCRIPT` once promoted.
    private func load(_ script: RedisScript) async throws -> String {
        if masters.isEmpty { try await refreshTopology() }
        var sha: String?
        var failure: (any Error)?
        for node in masters {
            do {
                sha = try await connection(node).send(["SCRIPT", "LOAD", script.source]).orThrow().string
            } catch {
                failure = error
            }
        }
        guard let sha else { throw failure ?? RedisError.unexpectedReply("SCRIPT LOAD returned no SHA") }
        scripts.withLock { $0[script.name] = sha }
        return sha
    }

    /// A node did not answer, or a slot moved: it may have failed over, so
    /// read the slot map again in the background (the caller's retry then
    /// finds the new master).
    private func noteFailure() {
        let start = state.withLock { state -> Bool in
            guard !state.refreshing, !state.closed else { return false }
            state.refreshing = true
            return true
        }
        guard start else { return }
        Task {
            try? await self.refreshTopology()
            self.state.withLock { $0.refreshing = false }
        }
    }

    /// The master of `slot` (any master for a keyless command), reading the map when it is unknown.
    private func owner(_ slot: Int?) async throws -> String {
        func known() -> String? {
            state.withLock { state in slot.map { state.topology.owner(of: $0) } ?? state.topology.masters.first }
        }
        if let node = known() { return node }
        try await refreshTopology()
        guard let node = known() else { throw RedisError.connectionFailed("no cluster node serves slot \(slot ?? -1)") }
        return node
    }

    /// The connection to `node`, made on first use with the seeds' credentials.
    private func connection(_ node: String) -> RedisConnection {
        state.withLock { state in
            if let existing = state.connections[node] { return existing }
            let connection = RedisConnection(endpoint: endpoint(of: node), timeoutMillis: timeoutMillis, name: "redis-" + node)
            if state.closed { connection.close() }
            state.connections[node] = connection
            return connection
        }
    }

    /// How to reach `node`: the seeds' credentials and TLS, database 0 (the only one a cluster has).
    private func endpoint(of node: String) -> RedisEndpoint {
        var endpoint = seeds[0]
        endpoint.address = .tcp(host: Self.host(node), port: Self.port(node))
        endpoint.database = 0
        return endpoint
    }

    /// Closes every node's connection.
    public func close() {
        let connections = state.withLock { state -> [RedisConnection] in
            state.closed = true
            return Array(state.connections.values)
        }
        for connection in connections { connection.close() }
    }

    static func name(_ endpoint: RedisEndpoint) -> String? {
        guard case .tcp(let host, let port) = endpoint.address else { return nil }
        return "\(host):\(port)"
    }

    static func host(_ node: String) -> String { String(node[..<(node.lastIndex(of: ":") ?? node.endIndex)]) }

    static func port(_ node: String) -> Int {
        node.lastIndex(of: ":").flatMap { Int(node[node.index(after: $0)...]) } ?? 6379
    }

    static func isRedirection(_ message: String) -> Bool {
        message.hasPrefix("MOVED ") || message.hasPrefix("ASK ") || message.hasPrefix("TRYAGAIN")
            || message.hasPrefix("CLUSTERDOWN")
    }

    /// `MOVED 3999 127.0.0.1:6381` → (3999, "127.0.0.1:6381").
    static func redirection(_ message: String, kind: String) -> (Int, String)? {
        let parts = message.split(separator: " ")
        guard parts.count == 3, parts[0] == kind, let slot = Int(parts[1]) else { return nil }
        return (slot, String(parts[2]))
    }
}
