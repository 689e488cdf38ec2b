/// How far a signed timestamp may be from now before the request is refused as a replay.
public struct ReplayWindow: Sendable, Equatable {
    public var toleranceSeconds: Int64

    public init(toleranceSeconds: Int64 = 600) {
        self.toleranceSeconds = toleranceSeconds
    }

    /// Whether `timestamp` (Unix seconds, as text) is within the window around `nowMillis`.
    public func accepts(timestamp: String, nowMillis: Int64) -> Bool {
        guard let seconds = Int64(timestamp) else { return false }
        return abs(nowMillis / 1000 - seconds) <= toleranceSeconds
    }
}
