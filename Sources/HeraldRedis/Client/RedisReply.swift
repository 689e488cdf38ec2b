import CHiredis

/// hiredis reply objects as `RedisValue`s.
enum RedisReply {
    private static func text(_ reply: UnsafeMutablePointer<redisReply>) -> String {
        guard let str = reply.pointee.str else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: str, count: Int(reply.pointee.len)), as: UTF8.self)
    }

    static func convert(_ reply: UnsafeMutablePointer<redisReply>) -> RedisValue {
        switch reply.pointee.type {
        case REDIS_REPLY_STRING: return .string(text(reply))
        case REDIS_REPLY_STATUS: return .status(text(reply))
        case REDIS_REPLY_ERROR: return .error(text(reply))
        case REDIS_REPLY_INTEGER: return .integer(Int(reply.pointee.integer))
        case REDIS_REPLY_ARRAY:
            let count = Int(reply.pointee.elements)
            var values: [RedisValue] = []
            values.reserveCapacity(count)
            for index in 0..<count {
                if let element = reply.pointee.element[index] { values.append(convert(element)) } else { values.append(.null) }
            }
            return .array(values)
        default: return .null
        }
    }
}
