import HeraldProviders

extension WeChatProvider: CredentialChecking {
    /// Gets the access token (the one every instance shares, when it is still
    /// valid; a fresh one only when none is), as every send does first.
    public func checkCredentials() async -> CredentialCheck {
        do {
            _ = try await tokens.current()
            return .valid("wechat: an access token was obtained")
        } catch {
            return .invalid("wechat: no access token (\(error)); check HERALD_WECHAT_APP_ID and HERALD_WECHAT_APP_SECRET")
        }
    }
}
