import Synchronization

/// Message identifiers: `<channel>[<partition>]_<26 Crockford base32 chars>`
/// (48-bit millisecond time + 80 random bits, like a ULID), e.g.
/// `sms_01J…` (partition 0) or `sms07_01J…` (partition 7).
///
/// The channel and partition prefix let every lookup find the message's Redis
/// hash, whose key carries the partition's hash tag, without a second index.
public enum MessageID {
    /// Partitions a channel may have: the partition is two decimal digits in the id.
    public static let maxPartitions = 100

    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)
    /// Seeded once from the system's generator; drawing from the system on
    /// every id was a `getrandom` syscall per message (3% of a batch request).
    private static let random: Mutex<SplitMix64> = {
        var system = SystemRandomNumberGenerator()
        return Mutex(SplitMix64(seed: system.next()))
    }()

    /// A new, time-ordered, collision-resistant id.
    public static func make(channel: Channel, partition: Int = 0, nowMillis: Int64) -> String {
        precondition((0..<maxPartitions).contains(partition), "partition out of range")
        let (first, second) = random.withLock { generator -> (UInt64, UInt64) in
            let first = generator.next()
            return (first, generator.next())
        }
        return encode(channel: channel, partition: partition, millis: nowMillis, first: first, second: second)
    }

    /// An id fixed by its inputs: a campaign recipient's message gets the same
    /// id however often its release is tried, so it is stored once. `seed`
    /// (a keyed hash of campaign and person) stands for the random bits.
    public static func derived(channel: Channel, partition: Int, millis: Int64, seed: UInt64) -> String {
        precondition((0..<maxPartitions).contains(partition), "partition out of range")
        var generator = SplitMix64(seed: seed)
        let first = generator.next()
        return encode(channel: channel, partition: partition, millis: millis, first: first, second: generator.next())
    }

    private static func encode(channel: Channel, partition: Int, millis nowMillis: Int64, first: UInt64, second: UInt64)
        -> String
    {
        var bytes = [UInt8](repeating: 0, count: 16)
        var time = UInt64(max(0, nowMillis))
        for index in stride(from: 5, through: 0, by: -1) {
            bytes[index] = UInt8(truncatingIfNeeded: time)
            time >>= 8
        }
        var random = first
        for index in 6..<14 {
            bytes[index] = UInt8(truncatingIfNeeded: random)
            random >>= 8
        }
        bytes[14] = UInt8(truncatingIfNeeded: second)
        bytes[15] = UInt8(truncatingIfNeeded: second >> 8)
        var high = UInt64(0)
        var low = UInt64(0)
        for index in 0..<8 { high = high << 8 | UInt64(bytes[index]) }
        for index in 8..<16 { low = low << 8 | UInt64(bytes[index]) }
        var out = [UInt8](repeating: 0, count: 26)
        for position in stride(from: 25, through: 0, by: -1) {
            out[position] = alphabet[Int(low & 31)]
            low = low >> 5 | (high & 31) << 59
            high >>= 5
        }
        let tag = partition == 0 ? "" : (partition < 10 ? "0" : "") + String(partition)
        return channel.rawValue + tag + "_" + String(decoding: out, as: UTF8.self)
    }

    /// The channel an id belongs to, or nil when the id is not one of ours.
    public static func channel(of id: String) -> Channel? { parse(id)?.channel }

    /// The channel and partition an id belongs to, or nil when the id is not one of ours.
    public static func parse(_ id: String) -> (channel: Channel, partition: Int)? {
        guard let underscore = id.firstIndex(of: "_") else { return nil }
        var head = id[..<underscore]
        var partition = 0
        if head.utf8.count > 2, head.utf8.last.map({ $0 >= 48 && $0 <= 57 }) == true {
            let digits = head.suffix(2)
            guard digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let number = Int(digits), number > 0 else { return nil }
            partition = number
            head = head.dropLast(2)
        }
        guard let channel = Channel(rawValue: String(head)) else { return nil }
        let suffix = id.utf8[id.utf8.index(after: underscore)...]
        guard suffix.count == 26, suffix.allSatisfy({ alphabet.contains($0) }) else { return nil }
        return (channel, partition)
    }
}
