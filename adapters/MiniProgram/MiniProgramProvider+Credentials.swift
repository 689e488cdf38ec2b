import HeraldProviders

extension MiniProgramProvider: CredentialChecking {
    /// Gets the mini-program's access token (the shared one while it is
    /// valid): it proves the appid, the secret and the IP allowlist, and is
    /// what every send does first. WeChat has no read-only subscribe call.
    public func checkCredentials() async -> CredentialCheck {
        do {
            _ = try await tokens.current()
            return .valid("miniprogram: an access token was obtained")
        } catch {
            return .invalid("miniprogram: no access token (\(error)); check HERALD_MINIPROGRAM_APP_ID and HERALD_MINIPROGRAM_APP_SECRET")
        }
    }
}
