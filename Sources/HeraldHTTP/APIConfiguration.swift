/// Settings of the HTTP API.
public struct APIConfiguration: Sendable, Equatable {
    /// Accepted bearer keys; empty means local sandbox (no auth), announced at start.
    public var apiKeys: Set<String>
    /// The externally reachable base URL; provider signatures are computed over it.
    public var publicURL: String
    /// Twilio auth token for verifying `X-Twilio-Signature`; nil refuses Twilio receipts.
    public var twilioAuthToken: String?
    /// Largest accepted body of `POST /v1/messages`.
    public var maxMessageBodyBytes: Int
    /// Largest accepted body of `POST /v1/messages/batch`.
    public var maxBatchBodyBytes: Int
    /// Largest accepted provider receipt body.
    public var maxReceiptBodyBytes: Int

    public init(
        apiKeys: Set<String> = [], publicURL: String, twilioAuthToken: String? = nil,
        maxMessageBodyBytes: Int = 512 * 1024, maxBatchBodyBytes: Int = 16 * 1024 * 1024,
        maxReceiptBodyBytes: Int = 64 * 1024
    ) {
        self.apiKeys = apiKeys
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        self.twilioAuthToken = twilioAuthToken
        self.maxMessageBodyBytes = maxMessageBodyBytes
        self.maxBatchBodyBytes = maxBatchBodyBytes
        self.maxReceiptBodyBytes = maxReceiptBodyBytes
    }
}
