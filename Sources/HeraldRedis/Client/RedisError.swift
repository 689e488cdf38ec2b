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
