import HeraldCore

/// Settings of the HTTP API.
public struct APIConfiguration: Sendable, Equatable {
    /// Accepted bearer keys; empty means local sandbox (no auth), announced at start.
    public var apiKeys: Set<String>
    /// The externally reachable base URL; provider signatures are computed over it.
    public var publicURL: String
    /// Twilio auth token for verifying `X-Twilio-Signature`; nil refuses Twilio receipts.
    public var twilioAuthToken: String?
    /// The secret Aliyun's SmsReport push URL carries as `?token=`; nil refuses Aliyun receipts.
    public var aliyunReceiptToken: String?
    /// Base64 DER public key of SendGrid's signed Event Webhook; nil refuses SendGrid events.
    public var sendgridVerificationKey: String?
    /// The token of the WeChat Official Account's server configuration; nil refuses WeChat events.
    public var wechatToken: String?
    /// Verifies the `/u/{token}` links of marketing mail; nil serves no unsubscribe page.
    public var unsubscribeLinks: UnsubscribeLinks?
    /// How old a signed receipt's timestamp may be before it is refused as a replay.
    public var receiptToleranceSeconds: Int64
    /// Largest accepted body of `POST /v1/messages`.
    public var maxMessageBodyBytes: Int
    /// Largest accepted body of `POST /v1/messages/batch`.
    public var maxBatchBodyBytes: Int
    /// Largest accepted provider receipt body.
    public var maxReceiptBodyBytes: Int

    /// Whether a signed receipt's timestamp (Unix seconds) is recent enough
    /// to be accepted: older ones are refused as replays.
    public func isFresh(timestamp: String, nowMillis: Int64 = WallClock.nowMillis()) -> Bool {
        guard let seconds = Int64(timestamp) else { return false }
        return abs(nowMillis / 1000 - seconds) <= receiptToleranceSeconds
    }

    public init(
        apiKeys: Set<String> = [], publicURL: String, twilioAuthToken: String? = nil,
        maxMessageBodyBytes: Int = 512 * 1024, maxBatchBodyBytes: Int = 16 * 1024 * 1024,
        maxReceiptBodyBytes: Int = 1024 * 1024, aliyunReceiptToken: String? = nil,
        sendgridVerificationKey: String? = nil, wechatToken: String? = nil, receiptToleranceSeconds: Int64 = 600,
        unsubscribeLinks: UnsubscribeLinks? = nil
    ) {
        self.unsubscribeLinks = unsubscribeLinks
        self.aliyunReceiptToken = aliyunReceiptToken
        self.sendgridVerificationKey = sendgridVerificationKey
        self.wechatToken = wechatToken
        self.receiptToleranceSeconds = receiptToleranceSeconds
        self.apiKeys = apiKeys
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        self.twilioAuthToken = twilioAuthToken
        self.maxMessageBodyBytes = maxMessageBodyBytes
        self.maxBatchBodyBytes = maxBatchBodyBytes
        self.maxReceiptBodyBytes = maxReceiptBodyBytes
    }
}
