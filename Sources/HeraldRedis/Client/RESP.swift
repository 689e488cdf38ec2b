import CHiredis
import NIOCore

/// RESP, Redis's wire format, both ways: the connection writes every command
/// with `encode`, and the stage benchmarks (`herald-stages`) measure a
/// transition's bytes on the wire and its reply's parse without a server.
@_spi(Benchmarks) public enum RESP {
    /// `*<n>\r\n` then `$<len>\r\n<bytes>\r\n` per argument.
    public static func encode(_ command: [String], into buffer: inout ByteBuffer) {
        writeHeader(UInt8(ascii: "*"), command.count, into: &buffer)
        for argument in command {
            writeHeader(UInt8(ascii: "$"), argument.utf8.count, into: &buffer)
            buffer.writeString(argument)
            buffer.writeInteger(UInt16(0x0d0a))
        }
    }

    /// The command a script call is sent as.
    public static func evalsha(_ sha: String, _ keys: [String], _ arguments: [String]) -> [String] {
        var command = ["EVALSHA", sha, String(keys.count)]
        command.reserveCapacity(3 + keys.count + arguments.count)
        command.append(contentsOf: keys)
        command.append(contentsOf: arguments)
        return command
    }

    /// Every whole reply in `bytes`, read by hiredis as the connection reads
    /// them; nil when the bytes are not RESP.
    public static func decode(_ bytes: ByteBuffer) -> [RedisValue]? {
        guard let reader = redisReaderCreate() else { return nil }
        defer { redisReaderFree(reader) }
        var replies: [RedisValue] = []
        guard read(bytes, with: reader, { replies.append($0); return true }) else { return nil }
        return replies
    }

    /// Feeds `bytes` to `reader` and hands each reply now whole to `each`,
    /// in order, until `each` answers false; false when the bytes are not
    /// RESP. Bytes of a reply not yet whole stay in the reader for the next call.
    static func read(_ bytes: ByteBuffer, with reader: UnsafeMutablePointer<redisReader>,
                     _ each: (RedisValue) -> Bool) -> Bool {
        let fed = bytes.withUnsafeReadableBytes { raw in
            redisReaderFeed(reader, raw.baseAddress?.assumingMemoryBound(to: CChar.self), raw.count)
        }
        guard fed == REDIS_OK else { return false }
        while true {
            var raw: UnsafeMutableRawPointer?
            guard redisReaderGetReply(reader, &raw) == REDIS_OK else { return false }
            guard let raw else { return true }
            let value = RedisReply.convert(raw.assumingMemoryBound(to: redisReply.self))
            freeReplyObject(raw)
            guard each(value) else { return true }
        }
    }

    /// `<marker><decimal>\r\n`, without making a String of the number.
    private static func writeHeader(_ marker: UInt8, _ value: Int, into buffer: inout ByteBuffer) {
        buffer.writeInteger(marker)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = digits.count
            var rest = value
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(digits)[start...]))
        }
        buffer.writeInteger(UInt16(0x0d0a))
    }
}
