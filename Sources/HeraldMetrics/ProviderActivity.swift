import HeraldCore
import Synchronization

/// What each provider did in the last hour, minute by minute, as this
/// process saw it: send attempts, the errors among them, and its breaker.
/// The console draws it; Prometheus keeps the long history.
public final class ProviderActivity: Sendable {
    /// One minute of one provider.
    public struct Minute: Sendable, Equatable {
        public var startMillis: Int64
        public var attempts = 0
        public var errors = 0
    }

    /// One provider's last hour, oldest minute first (minutes without attempts included, as zeros).
    public struct Provider: Sendable, Equatable {
        public var name: String
        public var channel: String
        public var minutes: [Minute]
        public var breakerOpen: Bool
    }

    private struct Series {
        var channel: String
        var minutes: [Minute] = []
        var breakerOpen = false
    }

    public static let window = 60
    private let series = Mutex<[String: Series]>([:])

    public init() {}

    /// One send attempt; `error` for any outcome but acceptance.
    public func attempt(provider: String, channel: Channel, error: Bool, nowMillis: Int64 = WallClock.nowMillis()) {
        let minute = nowMillis - nowMillis % 60_000
        series.withLock { all in
            var entry = all[provider] ?? Series(channel: channel.rawValue)
            if entry.minutes.last?.startMillis != minute {
                entry.minutes.append(Minute(startMillis: minute))
                if entry.minutes.count > Self.window { entry.minutes.removeFirst(entry.minutes.count - Self.window) }
            }
            entry.minutes[entry.minutes.count - 1].attempts += 1
            if error { entry.minutes[entry.minutes.count - 1].errors += 1 }
            all[provider] = entry
        }
    }

    public func breaker(provider: String, channel: Channel, open: Bool) {
        series.withLock { all in
            var entry = all[provider] ?? Series(channel: channel.rawValue)
            entry.breakerOpen = open
            all[provider] = entry
        }
    }

    /// Every provider seen, by name, each with the last `window` minutes up to now.
    public func snapshot(nowMillis: Int64 = WallClock.nowMillis()) -> [Provider] {
        let current = nowMillis - nowMillis % 60_000
        return series.withLock { all in
            all.keys.sorted().map { name in
                let entry = all[name]!
                let byStart = Dictionary(entry.minutes.map { ($0.startMillis, $0) }, uniquingKeysWith: { $1 })
                let minutes = (0..<Self.window).reversed().map { back -> Minute in
                    let start = current - Int64(back) * 60_000
                    return byStart[start] ?? Minute(startMillis: start)
                }
                return Provider(name: name, channel: entry.channel, minutes: minutes, breakerOpen: entry.breakerOpen)
            }
        }
    }
}
