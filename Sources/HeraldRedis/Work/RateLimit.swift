/// How fast one provider may be sent to, across every Herald instance: a
/// token bucket in Redis refilled at `perSecond` up to `burst` (DESIGN §6).
public struct RateLimit: Sendable, Equatable {
    public var perSecond: Double
    public var burst: Int
    /// How far ahead a worker may reserve a token and wait for it in
    /// process; beyond it the message goes back to Redis until then.
    public var horizonMillis: Int

    public init(perSecond: Double, burst: Int? = nil, horizonMillis: Int = 1_000) {
        self.perSecond = perSecond
        self.burst = max(1, burst ?? Int(perSecond.rounded(.up)))
        self.horizonMillis = horizonMillis
    }

    /// Parses `HERALD_RATE_LIMITS`: `twilio:100:200,aliyun:50` (provider:per-second[:burst]).
    public static func parse(_ text: String) -> [String: RateLimit]? {
        var limits: [String: RateLimit] = [:]
        for item in text.split(separator: ",") {
            let parts = item.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
            guard (2...3).contains(parts.count), !parts[0].isEmpty, let rate = Double(parts[1]), rate > 0 else { return nil }
            var burst: Int?
            if parts.count == 3 {
                guard let value = Int(parts[2]), value > 0 else { return nil }
                burst = value
            }
            limits[parts[0]] = RateLimit(perSecond: rate, burst: burst)
        }
        return limits
    }
}
