/// Redis's `hash-max-listpack-entries` and `hash-max-listpack-value`, read by
/// `herald doctor`: a hash with no more fields than the first and no value
/// longer than the second is stored as one compact listpack; past either it
/// becomes a hashtable, several times the memory. Memory per message is
/// mostly its hash, so these two settings decide how many messages a Redis
/// of a given size holds.
public struct HashEncodingSettings: Sendable, Equatable {
    /// `hash-max-listpack-entries`: the most fields a compact hash holds.
    public var maxEntries: Int
    /// `hash-max-listpack-value`: the longest value, in bytes, a compact hash holds.
    public var maxValueBytes: Int

    /// The settings of the server, or nil when it does not let us read them (CONFIG disabled).
    public static func current(_ redis: any RedisCommands) async throws -> HashEncodingSettings? {
        let reply = try await redis.send(["CONFIG", "GET", "hash-max-listpack-*"])
        if case .error = reply { return nil }
        var values: [String: Int] = [:]
        let parts = reply.array
        for index in stride(from: 0, to: parts.count - 1, by: 2) {
            if let name = parts[index].string, let value = parts[index + 1].string.flatMap({ Int($0) }) {
                values[name] = value
            }
        }
        guard let entries = values["hash-max-listpack-entries"], let bytes = values["hash-max-listpack-value"] else {
            return nil
        }
        return HashEncodingSettings(maxEntries: entries, maxValueBytes: bytes)
    }

    /// Fields Herald's hashes need to stay compact: a message's hash holds
    /// 10 to 14 once delivered (its payload, status, times, provider, receipt
    /// markers) and a few more after retries or clicks; a campaign's daily
    /// stats a few counters. Redis's default, 512, is plenty.
    public static let neededEntries = 32
    /// Value length Herald's hashes need to stay compact: a message's longest
    /// values are its packed payload (recipient and content) and its event
    /// history, 80 to 450 bytes for a delivered SMS, push or short email.
    /// Redis's default, 64, makes every message hash a hashtable: measured on
    /// Redis 7.0 over 100,000 sent and delivered SMS, 1,429 bytes of Redis each
    /// that way and 677 with listpacks under 1024 (`loadtest/sent-memory.sh`).
    public static let neededValueBytes = 1024

    /// What lower limits cost, for `herald doctor`'s warning.
    public static let consequence = "message hashes are stored as hashtables instead of listpacks, about twice the"
        + " memory per message (a sent and delivered SMS: 1,429 bytes of Redis instead of 677)"

    /// Whether the limits are at least what Herald's hashes need.
    public var keepsHeraldHashesCompact: Bool {
        maxEntries >= Self.neededEntries && maxValueBytes >= Self.neededValueBytes
    }
}
