/// A Redis reply, copied out of hiredis' reply tree at once so no C memory
/// outlives the call that produced it.
public enum RedisValue: Sendable, Equatable {
    case status(String)
    case error(String)
    case integer(Int)
    case string(String)
    case array([RedisValue])
    case null

    /// The reply as text (bulk string, status or integer), nil otherwise.
    public var string: String? {
        switch self {
        case .string(let value), .status(let value): value
        case .integer(let value): String(value)
        default: nil
        }
    }

    /// The reply as an integer (integer reply or numeric bulk string).
    public var integer: Int? {
        switch self {
        case .integer(let value): value
        case .string(let value): Int(value)
        default: nil
        }
    }

    /// The elements of an array reply; empty for anything else.
    public var array: [RedisValue] {
        if case .array(let values) = self { return values }
        return []
    }

    /// A flat name/value array (`HGETALL`, a stream entry's fields) as a
    /// dictionary; a value that is no string reads as empty.
    public var fields: [String: String] {
        let items = array
        var fields: [String: String] = [:]
        for index in stride(from: 0, to: items.count - 1, by: 2) {
            if let name = items[index].string { fields[name] = items[index + 1].string ?? "" }
        }
        return fields
    }

    /// True for a `NOSCRIPT` error reply: the script cache was flushed (Redis
    /// restarted or `SCRIPT FLUSH`) and the script must be loaded again.
    public var isNoScriptError: Bool {
        if case .error(let message) = self { return message.hasPrefix("NOSCRIPT") }
        return false
    }

    /// Throws when this reply is an error reply, so pipelined callers can
    /// check each reply where they use it.
    @discardableResult
    public func orThrow() throws(RedisError) -> RedisValue {
        if case .error(let message) = self { throw RedisError.reply(message) }
        return self
    }
}
