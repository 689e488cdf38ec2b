/// Credentials and endpoints of a Twilio account. `baseURL` points at
/// `https://api.twilio.com` in production and at the simulator locally.
public struct TwilioConfiguration: Sendable, Equatable {
    public var baseURL: String
    public var accountSID: String
    public var authToken: String
    public var from: String
    /// Where Twilio posts status callbacks: `<public URL>/v1/receipts/twilio`.
    public var statusCallbackURL: String?

    public init(baseURL: String, accountSID: String, authToken: String, from: String, statusCallbackURL: String?) {
        self.baseURL = baseURL
        self.accountSID = accountSID
        self.authToken = authToken
        self.from = from
        self.statusCallbackURL = statusCallbackURL
    }

    /// The Messages resource of this account.
    public var messagesURL: String { accountBase + "/Messages.json" }

    /// The account resource itself, which `herald doctor` reads to check the credentials.
    public var accountURL: String { accountBase + ".json" }

    private var accountBase: String {
        (baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL) + "/2010-04-01/Accounts/\(accountSID)"
    }
}
