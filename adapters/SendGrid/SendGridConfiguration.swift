import HeraldCore

/// A SendGrid account. `baseURL` is `https://api.sendgrid.com` in production
/// and the simulator locally.
public struct SendGridConfiguration: Sendable, Equatable {
    public var baseURL: String
    public var apiKey: String
    public var fromAddress: String
    public var fromName: String?
    /// Marketing mail carries List-Unsubscribe links made by these.
    public var unsubscribeLinks: UnsubscribeLinks?

    public init(baseURL: String, apiKey: String, fromAddress: String, fromName: String? = nil,
                unsubscribeLinks: UnsubscribeLinks? = nil)
    {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.fromAddress = fromAddress
        self.fromName = fromName
        self.unsubscribeLinks = unsubscribeLinks
    }
}
