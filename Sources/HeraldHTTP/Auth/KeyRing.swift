import HeraldCore
import HeraldRedis
import Synchronization

/// Turns a bearer string into a `Caller`. `HERALD_API_KEYS` entries are
/// callers with every scope (what they could do before keys had scopes);
/// stored keys are read from Redis once and then answered from memory for
/// `cacheMillis`, so a revocation reaches every instance within that time
/// and a key check costs no round trip on the hot path. Unknown ids are
/// remembered too, so guessing costs Redis nothing.
final class KeyRing: Sendable {
    /// A stored key as a request needs it; a class, so a cache hit copies one reference.
    private final class Entry: Sendable {
        let caller: Caller
        /// What the key's secret must hash to.
        let digest: [UInt8]
        let expiresAtMillis: Int64?

        init(caller: Caller, digest: [UInt8], expiresAtMillis: Int64?) {
            self.caller = caller
            self.digest = digest
            self.expiresAtMillis = expiresAtMillis
        }
    }

    private struct Cached {
        /// nil for no such key.
        let entry: Entry?
        let fetchedAtMillis: Int64
    }

    private let flat: [(secret: String, caller: Caller)]
    private let store: KeyStore
    let cacheMillis: Int64
    private let cache = Mutex<[String: Cached]>([:])
    /// Most ids remembered; past it the cache starts over (ids guessed at random cannot grow it without bound).
    static let maxCached = 10_000

    init(flatKeys: Set<String>, store: KeyStore, cacheMillis: Int64 = 500) {
        flat = flatKeys.sorted().map { secret in
            (secret, Caller(id: "env:" + APIKeyToken.hash(secret).prefix(8), name: "HERALD_API_KEYS",
                            scopes: Set(Scope.allCases)))
        }
        self.store = store
        self.cacheMillis = cacheMillis
    }

    /// The caller `bearer` authenticates, or 401 for an unknown, revoked or expired key.
    func authenticate(_ bearer: String, nowMillis: Int64) async throws -> Caller {
        if let id = APIKeyToken.id(of: bearer), let key = try await key(id, nowMillis: nowMillis),
           APIKeyToken.matches(bearer, digest: key.digest)
        {
            if let expires = key.expiresAtMillis, nowMillis >= expires {
                throw APIError(status: 401, code: "key_expired", message: "this API key expired")
            }
            return key.caller
        }
        // Every flat key is compared in full and in constant time: neither a hash lookup's
        // early exit nor the position of a first difference tells an attacker anything.
        var matched: Caller?
        for entry in flat where ConstantTime.equal(bearer, entry.secret) { matched = entry.caller }
        guard let matched else { throw APIError.unauthorized }
        return matched
    }

    /// Forgets a key at once on this instance (it was just revoked here).
    func forget(_ id: String) {
        _ = cache.withLock { $0.removeValue(forKey: id) }
    }

    private func key(_ id: String, nowMillis: Int64) async throws -> Entry? {
        let cached = cache.withLock { $0[id] }
        if let cached, nowMillis - cached.fetchedAtMillis < cacheMillis { return cached.entry }
        let entry = try await store.key(id).flatMap { key in
            APIKeyToken.digest(hex: key.secretHash).map { Entry(caller: Caller(key), digest: $0, expiresAtMillis: key.expiresAtMillis) }
        }
        cache.withLock { cache in
            if cache.count >= Self.maxCached { cache.removeAll(keepingCapacity: true) }
            cache[id] = Cached(entry: entry, fetchedAtMillis: nowMillis)
        }
        return entry
    }
}
