import Synchronization

/// Redirect targets by code. A link never changes once created, so an entry
/// is valid until the link expires; the cache keeps hot links off Redis
/// entirely and bounds itself by dropping everything when full.
final class LinkCache: Sendable {
    struct Target: Sendable {
        let url: String
        let expiresAtMillis: Int64
        let messageID: String?
    }

    private let entries = Mutex<[String: Target]>([:])
    private let capacity: Int

    init(capacity: Int = 100_000) {
        self.capacity = capacity
    }

    func get(_ code: String) -> Target? { entries.withLock { $0[code] } }

    func put(_ code: String, _ target: Target) {
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[code] = target
        }
    }
}
