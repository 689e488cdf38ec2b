import HeraldProviders

extension TwilioProvider: CredentialChecking {
    /// Fetches the account resource (`GET /2010-04-01/Accounts/{sid}.json`), which needs the same basic auth as sending.
    public func checkCredentials() async -> CredentialCheck {
        var request = ProviderRequest(url: configuration.accountURL)
        request.headers.add(name: "Authorization", value: requests.authorization)
        do {
            let response = try await client.execute(request)
            return .from(status: response.status, provider: TwilioRegistration.name,
                         fix: "check HERALD_TWILIO_ACCOUNT_SID and HERALD_TWILIO_AUTH_TOKEN")
        } catch {
            return .invalid("twilio could not be reached: \(error)")
        }
    }
}
