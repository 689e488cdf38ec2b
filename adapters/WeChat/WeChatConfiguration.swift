/// A WeChat Official Account. `baseURL` is `https://api.weixin.qq.com` in
/// production and the simulator locally.
public struct WeChatConfiguration: Sendable, Equatable {
    public var baseURL: String
    public var appID: String
    public var appSecret: String
    /// Used when a message's `data` names no `template_id`.
    public var defaultTemplateID: String?

    public init(baseURL: String, appID: String, appSecret: String, defaultTemplateID: String? = nil) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.appID = appID
        self.appSecret = appSecret
        self.defaultTemplateID = defaultTemplateID
    }

    /// The Redis key all instances share this account's access token under.
    public var tokenKey: String { "herald:{wechat}:token:" + appID }
}
