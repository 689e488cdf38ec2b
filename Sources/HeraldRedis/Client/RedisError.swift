/// Everything that can go wrong talking to Redis, as a typed error the caller
/// can distinguish: a refused command is not a lost connection.
public enum RedisError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Redis answered with an error reply (`ERR …`, `NOSCRIPT …`, `WRONGTYPE …`).
    case reply(String)
    /// The connection could not be established.
    case connectionFailed(String)
    /// The connection broke while a command was in flight: it may or may not have run.
    case connectionLost(String)
    /// The client was shut down.
    case closed
    /// A reply did not have the shape the caller expected.
    case unexpectedReply(String)

    public var description: String {
        switch self {
        case .reply(let message): "redis error reply: \(message)"
        case .connectionFailed(let detail): "redis connection failed: \(detail)"
        case .connectionLost(let detail): "redis connection lost: \(detail)"
        case .closed: "redis client closed"
        case .unexpectedReply(let detail): "unexpected redis reply: \(detail)"
        }
    }
}

extension RedisError {
    /// Any error of a Redis call as a `RedisError`; one that is not (a
    /// cancelled task, a channel error) may have struck after the command
    /// was written, so it counts as a lost connection.
    public init(_ error: any Error) {
        self = error as? RedisError ?? .connectionLost("\(error)")
    }

    /// Whether the command may have run: it was written and no answer came.
    public var mayHaveRun: Bool {
        switch self {
        case .connectionLost, .unexpectedReply: true
        case .reply, .connectionFailed, .closed: false
        }
    }

    /// Whether trying the same command again may succeed: the server was
    /// unreachable, or answered that it cannot serve now (a cluster without
    /// a master for the slot, a replica being promoted, a restart loading its AOF).
    public var isTransient: Bool {
        switch self {
        case .connectionFailed, .connectionLost: true
        case .reply(let message):
            ["CLUSTERDOWN", "TRYAGAIN", "MASTERDOWN", "LOADING", "READONLY", "BUSY"].contains { message.hasPrefix($0) }
        case .closed, .unexpectedReply: false
        }
    }

    /// Redis is at `maxmemory` with `noeviction`: it refuses writes until it
    /// has room. A script is refused at its first write, so it wrote nothing;
    /// the error then comes wrapped in the script's own (`ERR … -OOM …`).
    public var isOutOfMemory: Bool {
        if case .reply(let message) = self { return message.hasPrefix("OOM") || message.contains("OOM command not allowed") }
        return false
    }
}
