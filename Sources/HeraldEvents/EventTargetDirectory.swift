import HeraldCore
import HeraldRedis
import Synchronization

/// The subscriptions and callback targets, as the fan-out and the delivery
/// loops see them. The subscriptions are read again whenever their change
/// counter moved (one GET per fan-out round): an event of a message accepted
/// after a subscription was made always finds it. Callback targets (which
/// only the delivery loops need) are read at most once per `refreshMillis`.
final class EventTargetDirectory: Sendable {
    private struct Snapshot {
        var subscriptions: [EventSubscription] = []
        var callbacks: [String: (url: String, lastUsedMillis: Int64)] = [:]
        var readAtMillis: Int64 = 0
        var version = -1
    }

    let store: EventSubscriptionStore
    let refreshMillis: Int64
    private let snapshot = Mutex(Snapshot())

    init(store: EventSubscriptionStore, refreshMillis: Int64 = 1_000) {
        self.store = store
        self.refreshMillis = refreshMillis
    }

    /// The subscriptions as they are now in Redis.
    func subscriptions(nowMillis: Int64) async throws -> [EventSubscription] {
        let version = try await store.version()
        if version != snapshot.withLock({ $0.version }) {
            let subscriptions = try await store.all()
            snapshot.withLock {
                $0.subscriptions = subscriptions
                $0.version = version
            }
        }
        return snapshot.withLock { $0.subscriptions }
    }

    /// The callback targets (id → URL, last used), refreshed likewise.
    func callbacks(nowMillis: Int64) async throws -> [String: (url: String, lastUsedMillis: Int64)] {
        try await refresh(nowMillis: nowMillis)
        return snapshot.withLock { $0.callbacks }
    }

    private func refresh(nowMillis: Int64) async throws {
        guard nowMillis - snapshot.withLock({ $0.readAtMillis }) >= refreshMillis else { return }
        let callbacks = try await store.callbacks()
        snapshot.withLock {
            $0.callbacks = callbacks
            $0.readAtMillis = nowMillis
        }
    }
}
