/// Credentials and defaults of an Aliyun (Alibaba Cloud) SMS account.
/// `endpoint` is `https://dysmsapi.aliyuncs.com` in production and the
/// simulator locally.
public struct AliyunConfiguration: Sendable, Equatable {
    public var endpoint: String
    public var accessKeyID: String
    public var accessKeySecret: String
    /// The approved signature (签名) shown in 【】 before the text.
    public var signName: String
    /// The approved template used for messages with literal content: the
    /// message body is passed as its `content` parameter.
    public var templateCode: String
    public var regionID: String
    /// How long a send that may have reached Aliyun (a timeout after the
    /// request was written) waits for its report before it is tried again.
    public var ambiguousRetryMillis: Int64

    public init(
        endpoint: String, accessKeyID: String, accessKeySecret: String, signName: String, templateCode: String,
        regionID: String = "cn-hangzhou", ambiguousRetryMillis: Int64 = 600_000
    ) {
        self.endpoint = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        self.accessKeyID = accessKeyID
        self.accessKeySecret = accessKeySecret
        self.signName = signName
        self.templateCode = templateCode
        self.regionID = regionID
        self.ambiguousRetryMillis = ambiguousRetryMillis
    }
}
