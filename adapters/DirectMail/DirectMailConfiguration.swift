import HeraldCore

/// An Aliyun DirectMail (邮件推送) account: what SingleSendMail needs beside
/// the message. `endpoint` is `https://dm.aliyuncs.com` in production (the
/// cn-hangzhou API, version 2015-11-23) and the simulator locally.
public struct DirectMailConfiguration: Sendable, Equatable {
    /// Where the RPC API answers, without a trailing `/`.
    public var endpoint: String
    /// The AccessKey ID (of a RAM user with AliyunDirectMailFullAccess).
    public var accessKeyID: String
    /// The AccessKey secret the requests are signed with.
    public var accessKeySecret: String
    /// The sender address configured in the DirectMail console (`AccountName`).
    public var accountName: String
    /// The sender's display name (`FromAlias`, fewer than 15 characters); nil sends none.
    public var fromAlias: String?
    /// A tag created in the console (`TagName`), which DirectMail's statistics group by; nil sends none.
    public var tagName: String?
    /// Marketing mail carries List-Unsubscribe links made by these.
    public var unsubscribeLinks: UnsubscribeLinks?

    /// The API version of the cn-hangzhou region, the one this adapter speaks.
    public static let version = "2015-11-23"
    /// The region whose API `version` is.
    public static let regionID = "cn-hangzhou"

    /// An account; a trailing `/` of `endpoint` is dropped.
    public init(
        endpoint: String, accessKeyID: String, accessKeySecret: String, accountName: String, fromAlias: String? = nil,
        tagName: String? = nil, unsubscribeLinks: UnsubscribeLinks? = nil
    ) {
        self.endpoint = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        self.accessKeyID = accessKeyID
        self.accessKeySecret = accessKeySecret
        self.accountName = accountName
        self.fromAlias = fromAlias
        self.tagName = tagName
        self.unsubscribeLinks = unsubscribeLinks
    }

    /// The signed RPC calls of this account.
    public var rpc: AliyunRPCCall {
        AliyunRPCCall(
            endpoint: endpoint, version: Self.version, regionID: Self.regionID, accessKeyID: accessKeyID,
            accessKeySecret: accessKeySecret)
    }
}
