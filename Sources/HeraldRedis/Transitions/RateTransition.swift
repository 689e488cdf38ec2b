import HeraldCore

/// `rate_take.lua` and `rate_pause.lua` as typed calls: a token bucket in
/// Redis shared by every instance (a provider's, `ChannelKeys.rateBucket`,
/// or an API key's own, `KeyStore.rateBucket`), refilled by Redis `TIME`.
public enum RateTransition {
    /// What `rate_take.lua` answers is the reservation: send after a wait, or defer.
    public typealias TakeReply = TokenReservation

    /// What `rate_pause.lua` answers.
    public struct PauseReply: Sendable, Equatable {
        /// When the bucket grants again (ms, Redis time): a pause only ever lengthens.
        public var pausedUntilMillis: Int64

        init(_ value: RedisValue) throws {
            guard let until = value.integer else { throw RedisError.unexpectedReply("rate_pause.lua returned \(value)") }
            pausedUntilMillis = Int64(until)
        }
    }

    /// Reserves the next slot of a provider's bucket, up to `limit.horizonMillis` ahead.
    static func take(_ bucket: String, _ limit: RateLimit) -> (keys: [String], arguments: [String]) {
        take(bucket, rate: String(limit.perSecond), burst: limit.burst, horizonMillis: limit.horizonMillis)
    }

    /// Takes a token of an API key's bucket (`perSecond` a second, as many in
    /// a burst), now or not at all: no reservation ahead.
    static func take(_ bucket: String, perSecond: Int) -> (keys: [String], arguments: [String]) {
        take(bucket, rate: String(perSecond), burst: perSecond, horizonMillis: 0)
    }

    private static func take(_ bucket: String, rate: String, burst: Int, horizonMillis: Int)
        -> (keys: [String], arguments: [String])
    {
        ([bucket], [rate, String(burst), String(horizonMillis)])
    }

    /// Pauses a bucket for `millis` (at least 1) for every instance.
    static func pause(_ bucket: String, millis: Int64) -> (keys: [String], arguments: [String]) {
        ([bucket], [String(max(1, millis))])
    }
}

extension TokenReservation {
    /// Reads `{1, ms to wait}` (reserved) or `{0, ms until one may be}`; throws on any other shape.
    init(_ value: RedisValue) throws {
        let parts = value.array
        guard parts.count == 2, let granted = parts[0].integer, let millis = parts[1].integer else {
            throw RedisError.unexpectedReply("rate_take.lua returned \(value)")
        }
        self = granted == 1 ? .sendAfter(millis: Int64(millis)) : .deferFor(millis: Int64(millis))
    }
}
