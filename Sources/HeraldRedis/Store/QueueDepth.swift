/// How much work one channel has in Redis: what operators watch to see a
/// backlog build (`/metrics`, `herald doctor`).
public struct QueueDepth: Sendable, Equatable {
    /// Stream entries not finished: waiting to be read or being sent.
    public var ready: Int
    /// Of those, entries a worker has read and not finished.
    public var pending: Int
    /// Messages in the delayed set (send_at, retry backoff, rate-limit deferral).
    public var delayed: Int
    /// Age of the oldest unfinished stream entry, 0 when there is none.
    public var oldestAgeSeconds: Double

    public init(ready: Int, pending: Int, delayed: Int, oldestAgeSeconds: Double) {
        self.ready = ready
        self.pending = pending
        self.delayed = delayed
        self.oldestAgeSeconds = oldestAgeSeconds
    }
}
