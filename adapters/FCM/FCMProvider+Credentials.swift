import HeraldProviders

extension FCMProvider: CredentialChecking {
    /// Mints an OAuth access token from the service account, as every send does first.
    public func checkCredentials() async -> CredentialCheck {
        do {
            _ = try await tokens.current()
            return .valid("fcm: the service account minted an access token")
        } catch {
            return .invalid("fcm: the service account could not mint an access token (\(error)); check HERALD_FCM_SERVICE_ACCOUNT_FILE")
        }
    }
}
