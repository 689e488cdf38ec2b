extension AccessTokenCache {
    /// What a provider call made with an access token came to: its result, or
    /// the provider's word that the token is invalid, expired or missing.
    public enum Answer<Value> {
        /// The provider took the token; `Value` is what the call came to.
        case done(Value)
        /// With the provider's own code (WeChat and WeCom: 40001, 40014, 42001…).
        case tokenRejected(String)
    }

    /// Makes `call` with a token believed valid and, when the provider
    /// rejects that token, once more with a fresh one: every caller that saw
    /// the same token rejected waits for one refresh, shared with the other
    /// instances through the `SharedTokenStore`. It exists so that each
    /// token-authenticated adapter says only how to make its call and read
    /// the rejection, not how to refresh. A token rejected twice comes back
    /// as `.tokenRejected`.
    public nonisolated func withToken<Value>(_ call: (String) async throws -> Answer<Value>) async throws -> Answer<Value> {
        let token = try await current()
        let answer = try await call(token)
        guard case .tokenRejected = answer else { return answer }
        return try await call(try await refresh(replacing: token))
    }
}

extension AccessTokenCache.Answer: Sendable where Value: Sendable {}
