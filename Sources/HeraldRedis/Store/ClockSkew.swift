import HeraldCore

/// How far this host's wall clock is from Redis's (`TIME`), for `herald
/// doctor`. Calendar fatigue windows (day, week, month) are chosen by the
/// instance's clock when a message is dispatched, and the end of the window
/// it passes to Redis is taken by Redis's clock: an instance whose clock is
/// off counts the messages sent near local midnight (or Monday, or the 1st)
/// in the wrong window, and two instances whose clocks disagree let a person
/// receive a day's cap twice around midnight. Due times (`send_at`, retry
/// backoff) are also compared with each instance's clock.
public struct ClockSkew: Sendable, Equatable {
    /// Redis's clock minus this host's, in seconds: positive when this host is behind.
    public var seconds: Double
    /// Half the round trip of the measurement: the skew is known to within this.
    public var uncertaintySeconds: Double

    public init(seconds: Double, uncertaintySeconds: Double) {
        self.seconds = seconds
        self.uncertaintySeconds = uncertaintySeconds
    }

    /// What `herald doctor` makes of a skew.
    public enum Verdict: Sendable, Equatable {
        /// Within a second: windows and due times are as configured.
        case ok
        /// Over `warnAboveSeconds`: messages within that much of a window's edge may count in the wrong window.
        case warn
        /// Over `failAboveSeconds`: a clock that far off is not synchronised at all.
        case fail
    }

    /// Skew past which `herald doctor` warns.
    public static let warnAboveSeconds = 1.0
    /// Skew past which `herald doctor` fails.
    public static let failAboveSeconds = 60.0

    /// The skew that is certainly there: what the measurement cannot tell apart from none is left out.
    public var certainSeconds: Double { max(0, abs(seconds) - uncertaintySeconds) }

    public var verdict: Verdict {
        if certainSeconds > Self.failAboveSeconds { return .fail }
        if certainSeconds > Self.warnAboveSeconds { return .warn }
        return .ok
    }

    /// Measures with three `TIME` round trips, each against the midpoint of
    /// this host's clock before and after it, keeping the quickest.
    public static func measure(_ redis: any RedisCommands) async throws -> ClockSkew {
        var best = try await measureOnce(redis)
        for _ in 0..<2 {
            let measured = try await measureOnce(redis)
            if measured.uncertaintySeconds < best.uncertaintySeconds { best = measured }
        }
        return best
    }

    private static func measureOnce(_ redis: any RedisCommands) async throws -> ClockSkew {
        let before = WallClock.nowMillis()
        let reply = try await redis.send(["TIME"]).orThrow()
        let after = WallClock.nowMillis()
        let parts = reply.array
        guard parts.count == 2, let seconds = parts[0].string.flatMap({ Int64($0) }),
              let micros = parts[1].string.flatMap({ Int64($0) })
        else { throw RedisError.unexpectedReply("TIME returned \(reply)") }
        let redisMillis = seconds * 1_000 + micros / 1_000
        return ClockSkew(
            seconds: Double(redisMillis - (before + after) / 2) / 1_000,
            // Both clocks are read to the millisecond: one more of doubt.
            uncertaintySeconds: Double(after - before) / 2_000 + 0.001)
    }
}
