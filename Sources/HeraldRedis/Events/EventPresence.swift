import Synchronization

/// Whether any event subscription exists, as the API needs to know for every
/// message it accepts (a message accepted while one exists has its status
/// changes written to the outbox). Read from Redis at most once a second per
/// process, in the background: a subscription made on another instance is
/// seen within about a second, one made here at once (`noteCreated`).
public final class EventPresence: Sendable {
    private struct State {
        var active = false
        var checkedAtMillis: Int64 = 0
        var checking = false
    }

    private let redis: (any RedisCommands)?
    private let state = Mutex(State())
    private let refreshMillis: Int64

    /// `redis` nil: never active (tools and tests that accept without events).
    public init(redis: (any RedisCommands)?, refreshMillis: Int64 = 1_000) {
        self.redis = redis
        self.refreshMillis = refreshMillis
    }

    /// The last known answer; starts a background check when it is older than the refresh interval.
    public func active(nowMillis: Int64) -> Bool {
        guard let redis else { return false }
        let (active, check) = state.withLock { state -> (Bool, Bool) in
            guard !state.checking, nowMillis - state.checkedAtMillis >= refreshMillis else { return (state.active, false) }
            state.checking = true
            return (state.active, true)
        }
        if check {
            Task {
                let exists = (try? await redis.send(["EXISTS", EventKeys.subscriptions]))?.integer
                self.state.withLock { state in
                    if let exists { state.active = exists > 0 }
                    state.checkedAtMillis = nowMillis
                    state.checking = false
                }
            }
        }
        return active
    }

    /// Checks now and waits for the answer (at start, so the first messages are not missed).
    public func refresh(nowMillis: Int64) async {
        guard let redis else { return }
        let exists = (try? await redis.send(["EXISTS", EventKeys.subscriptions]))?.integer
        state.withLock { state in
            if let exists { state.active = exists > 0 }
            state.checkedAtMillis = nowMillis
        }
    }

    /// A subscription was made by this process.
    public func noteCreated() { state.withLock { $0.active = true } }
}
