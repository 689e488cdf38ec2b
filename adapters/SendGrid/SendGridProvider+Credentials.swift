import HeraldProviders

extension SendGridProvider: CredentialChecking {
    /// Lists the API key's scopes (`GET /v3/scopes`), which any valid key may read.
    public func checkCredentials() async -> CredentialCheck {
        var request = ProviderRequest(url: configuration.baseURL + "/v3/scopes")
        request.headers.add(name: "Authorization", value: "Bearer " + configuration.apiKey)
        do {
            let response = try await client.execute(request)
            return .from(status: response.status, provider: SendGridRegistration.name, fix: "check HERALD_SENDGRID_API_KEY")
        } catch {
            return .invalid("sendgrid could not be reached: \(error)")
        }
    }
}
