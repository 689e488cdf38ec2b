/// An OAuth-style access token, fetched when needed, kept until shortly before
/// it expires, and refreshed by one caller at a time: concurrent senders that
/// find it missing or rejected wait for the same refresh instead of each
/// asking the provider (which, for WeChat, would invalidate each other's tokens).
/// With a `SharedTokenStore`, the token and the refresh lock are shared by
/// every instance.
public actor AccessTokenCache {
    /// A freshly minted token and how long the provider says it lives.
    public struct Minted: Sendable {
        public var token: String
        public var expiresInSeconds: Int
        public init(token: String, expiresInSeconds: Int) {
            self.token = token
            self.expiresInSeconds = expiresInSeconds
        }
    }

    let key: String
    let shared: (any SharedTokenStore)?
    let fetch: @Sendable () async throws -> Minted
    /// Tokens are dropped this long before the provider's expiry.
    let marginSeconds: Int
    private var cached: (token: String, until: ContinuousClock.Instant)?
    private var inflight: Task<String, any Error>?
    /// Tokens minted by this instance, for metrics and tests.
    public private(set) var refreshes = 0

    public init(key: String, shared: (any SharedTokenStore)?, marginSeconds: Int = 300,
                fetch: @escaping @Sendable () async throws -> Minted)
    {
        self.key = key
        self.shared = shared
        self.fetch = fetch
        self.marginSeconds = marginSeconds
    }

    /// A token believed valid.
    public func current() async throws -> String {
        if let cached, ContinuousClock.now < cached.until { return cached.token }
        if let shared, let token = try? await shared.token(for: key) { return adopt(token) }
        return try await refresh(replacing: nil)
    }

    /// The provider rejected `stale`: get a new token, unless someone already did.
    public func refresh(replacing stale: String?) async throws -> String {
        if let stale, let cached, cached.token != stale { return cached.token }
        if let inflight { return try await inflight.value }
        let task = Task { try await self.mint(replacing: stale) }
        inflight = task
        defer { inflight = nil }
        return try await task.value
    }

    private func mint(replacing stale: String?) async throws -> String {
        cached = nil
        if let shared {
            if let stale { try? await shared.invalidate(stale, for: key) }
            if let token = try? await shared.token(for: key), token != stale { return adopt(token) }
            let lockKey = key + ":lock"
            let owner = String(UInt64.random(in: 0...UInt64.max), radix: 36) + String(UInt64.random(in: 0...UInt64.max), radix: 36)
            let locked = (try? await shared.lock(lockKey, owner: owner, ttlMillis: 10_000)) == true
            if !locked {
                // Another instance is refreshing: wait for its token.
                for _ in 0..<100 {
                    try await Task.sleep(for: .milliseconds(50))
                    if let token = try? await shared.token(for: key), token != stale { return adopt(token) }
                }
            }
            defer { if locked { Task { [shared] in try? await shared.unlock(lockKey, owner: owner) } } }
            return try await mintAndStore(shared)
        }
        return try await mintAndStore(nil)
    }

    /// Uses a token another instance minted, checking the shared store again
    /// after a minute in case that instance has refreshed it since.
    private func adopt(_ token: String) -> String {
        cached = (token, ContinuousClock.now.advanced(by: .seconds(60)))
        return token
    }

    private func mintAndStore(_ shared: (any SharedTokenStore)?) async throws -> String {
        let minted = try await fetch()
        refreshes += 1
        let life = max(minted.expiresInSeconds - marginSeconds, minted.expiresInSeconds / 2, 1)
        cached = (minted.token, ContinuousClock.now.advanced(by: .seconds(life)))
        try? await shared?.store(minted.token, for: key, ttlMillis: Int64(life) * 1000)
        return minted.token
    }
}
