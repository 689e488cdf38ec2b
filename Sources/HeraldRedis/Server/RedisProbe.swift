import CHiredis

/// A blocking PING with hiredis's own socket, for the moments that are not on
/// any event loop: waiting for a just-started redis-server to answer, or
/// checking whether one already does. Never used for traffic.
enum RedisProbe {
    static func answersPing(_ endpoint: RedisEndpoint, timeoutMillis: Int = 200) -> Bool {
        let timeout = timeval(tv_sec: timeoutMillis / 1000, tv_usec: Int((timeoutMillis % 1000) * 1000))
        let context: UnsafeMutablePointer<redisContext>? = switch endpoint.address {
        case .tcp(let host, let port): redisConnectWithTimeout(host, Int32(port), timeout)
        case .unix(let path): redisConnectUnixWithTimeout(path, timeout)
        }
        guard let context else { return false }
        defer { redisFree(context) }
        guard context.pointee.err == 0 else { return false }
        redisSetTimeout(context, timeout)
        var command: [UInt8] = Array("PING".utf8)
        let raw = command.withUnsafeMutableBufferPointer { buffer -> UnsafeMutableRawPointer? in
            var argument: UnsafePointer<CChar>? = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            var length = 4
            return redisCommandArgv(context, 1, &argument, &length)
        }
        guard let raw else { return false }
        defer { freeReplyObject(raw) }
        return RedisReply.convert(raw.assumingMemoryBound(to: redisReply.self)).string == "PONG"
    }
}
