import CHiredis

/// One hiredis context. Not thread-safe and deliberately not `Sendable`: it is
/// created, used and freed by the single thread of its `RedisConnection`.
final class HiredisLink {
    private var context: UnsafeMutablePointer<redisContext>?

    init(endpoint: RedisEndpoint, timeoutMillis: Int) throws(RedisError) {
        let timeout = timeval(tv_sec: timeoutMillis / 1000, tv_usec: Int((timeoutMillis % 1000) * 1000))
        let context: UnsafeMutablePointer<redisContext>?
        switch endpoint.address {
        case .tcp(let host, let port):
            context = redisConnectWithTimeout(host, Int32(port), timeout)
        case .unix(let path):
            context = redisConnectUnixWithTimeout(path, timeout)
        }
        guard let context else { throw .connectionFailed("cannot allocate a redis context") }
        if context.pointee.err != 0 {
            let message = Self.errorString(context)
            redisFree(context)
            throw .connectionFailed("\(endpoint): \(message)")
        }
        redisSetTimeout(context, timeout)
        self.context = context
        if let password = endpoint.password {
            let auth = endpoint.username.map { ["AUTH", $0, password] } ?? ["AUTH", password]
            try roundTrip(auth).orThrowAsConnectionFailure("AUTH")
        }
        if endpoint.database != 0 {
            try roundTrip(["SELECT", String(endpoint.database)]).orThrowAsConnectionFailure("SELECT")
        }
    }

    deinit {
        if let context { redisFree(context) }
    }

    /// Changes the socket read/write timeout, e.g. for a blocking XREADGROUP.
    func setTimeout(millis: Int) {
        guard let context else { return }
        redisSetTimeout(context, timeval(tv_sec: millis / 1000, tv_usec: Int((millis % 1000) * 1000)))
    }

    /// Buffers one command; nothing is written until the first `readReply`.
    func append(_ arguments: [String]) throws(RedisError) {
        guard let context else { throw .connectionLost("context already failed") }
        var bytes: [UInt8] = []
        var lengths: [Int] = []
        lengths.reserveCapacity(arguments.count)
        for argument in arguments {
            bytes.append(contentsOf: argument.utf8)
            lengths.append(argument.utf8.count)
        }
        bytes.append(0)
        let status: Int32 = bytes.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress!)
            var pointers: [UnsafePointer<CChar>?] = []
            pointers.reserveCapacity(lengths.count)
            var offset = 0
            for length in lengths {
                pointers.append((base + offset).assumingMemoryBound(to: CChar.self))
                offset += length
            }
            return pointers.withUnsafeMutableBufferPointer { argv in
                lengths.withUnsafeBufferPointer { argvlen in
                    redisAppendCommandArgv(context, Int32(arguments.count), argv.baseAddress, argvlen.baseAddress)
                }
            }
        }
        if status != REDIS_OK { throw fail() }
    }

    /// Flushes buffered commands if needed and reads the next reply.
    func readReply() throws(RedisError) -> RedisValue {
        guard let context else { throw .connectionLost("context already failed") }
        var raw: UnsafeMutableRawPointer?
        guard redisGetReply(context, &raw) == REDIS_OK, let raw else { throw fail() }
        let reply = raw.assumingMemoryBound(to: redisReply.self)
        defer { freeReplyObject(raw) }
        return Self.convert(reply)
    }

    func roundTrip(_ arguments: [String]) throws(RedisError) -> RedisValue {
        try append(arguments)
        return try readReply()
    }

    private func fail() -> RedisError {
        guard let context else { return .connectionLost("context already failed") }
        let message = Self.errorString(context)
        redisFree(context)
        self.context = nil
        return .connectionLost(message)
    }

    private static func errorString(_ context: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: context.pointee.errstr) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    private static func text(_ reply: UnsafeMutablePointer<redisReply>) -> String {
        guard let str = reply.pointee.str else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: str, count: Int(reply.pointee.len)), as: UTF8.self)
    }

    private static func convert(_ reply: UnsafeMutablePointer<redisReply>) -> RedisValue {
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

extension RedisValue {
    fileprivate func orThrowAsConnectionFailure(_ step: String) throws(RedisError) {
        if case .error(let message) = self { throw RedisError.connectionFailed("\(step) refused: \(message)") }
    }
}
