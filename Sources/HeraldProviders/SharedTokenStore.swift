/// Where access tokens are shared between Herald instances (Redis, in
/// production), so that N instances hold one WeChat token instead of each
/// minting its own and invalidating the others'.
public protocol SharedTokenStore: Sendable {
    func token(for key: String) async throws -> String?
    func store(_ token: String, for key: String, ttlMillis: Int64) async throws
    /// Forgets the token only if it is still `stale`: a token another instance
    /// already refreshed is kept.
    func invalidate(_ stale: String, for key: String) async throws
    /// Takes the refresh lock for `owner`; false when another instance holds it.
    func lock(_ key: String, owner: String, ttlMillis: Int64) async throws -> Bool
    /// Releases the lock only if `owner` still holds it: a lock that expired
    /// and was taken by another instance is not released from under it.
    func unlock(_ key: String, owner: String) async throws
}
