import Synchronization

/// Each template's latest version number, remembered for `ttlMillis` so a
/// templated message costs no Redis round trip to find it. The instance that
/// takes a PUT or DELETE updates it at once; other instances see a new version
/// within `ttlMillis` (a message records the `name@version` it used, and a
/// caller that needs one exact version pins it).
final class LatestVersions: Sendable {
    private let entries = Mutex<[String: (version: Int, atMillis: Int64)]>([:])
    let ttlMillis: Int64

    init(ttlMillis: Int64 = 1_000) {
        self.ttlMillis = ttlMillis
    }

    func get(_ name: String, nowMillis: Int64) -> Int? {
        entries.withLock { entries in
            guard let entry = entries[name], nowMillis - entry.atMillis < ttlMillis else { return nil }
            return entry.version
        }
    }

    func set(_ name: String, _ version: Int?, nowMillis: Int64) {
        entries.withLock { entries in
            if entries.count > 10_000 { entries.removeAll(keepingCapacity: true) }
            if let version { entries[name] = (version, nowMillis) } else { entries[name] = nil }
        }
    }
}
