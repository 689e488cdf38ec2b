import HeraldProviders
import Synchronization
import Testing

/// Counts mints; each mint returns a new token.
final class Minter: Sendable {
    private let count = Atomic<Int>(0)
    var mints: Int { count.load(ordering: .relaxed) }

    func mint() async throws -> AccessTokenCache.Minted {
        let number = count.add(1, ordering: .relaxed).newValue
        try await Task.sleep(for: .milliseconds(20))
        return .init(token: "token-\(number)", expiresInSeconds: 7_200)
    }
}

@Suite("Access token cache")
struct AccessTokenCacheTests {
    @Test("concurrent callers share one mint, and the token is reused until it is rejected")
    func singleFlight() async throws {
        let minter = Minter()
        let cache = AccessTokenCache(key: "k", shared: nil) { try await minter.mint() }
        let tokens = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<10 { group.addTask { try await cache.current() } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(tokens) == ["token-1"])
        #expect(minter.mints == 1)
        #expect(try await cache.current() == "token-1")

        let refreshed = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<10 { group.addTask { try await cache.refresh(replacing: "token-1") } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(refreshed) == ["token-2"], "ten senders that saw the same token rejected cause one refresh")
        #expect(minter.mints == 2)
        #expect(try await cache.refresh(replacing: "token-1") == "token-2", "a late report of the old token changes nothing")
        #expect(minter.mints == 2)
    }
}
