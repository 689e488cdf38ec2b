/// A WeCom (企业微信) self-built app: the corp, the app's own secret and its
/// agentid. `baseURL` is `https://qyapi.weixin.qq.com` in production and the
/// simulator locally.
public struct WeComConfiguration: Sendable, Equatable {
    /// How long WeCom drops a repeat of the same request JSON
    /// (`duplicate_check_interval`): 30 minutes, WeCom's default, outlasts
    /// Herald's default retry schedule (8 attempts within about 5 minutes)
    /// while keeping short the window in which WeCom could take two different
    /// messages with the same content for one (see `WeComProvider`).
    public static let duplicateCheckSeconds = 1_800

    /// WeCom's API origin, without a trailing slash.
    public var baseURL: String
    /// 我的企业 → 企业ID.
    public var corpID: String
    /// The app's Secret (each app has its own; a token works for its app only).
    public var corpSecret: String
    /// The app's AgentId.
    public var agentID: Int
    /// `safe` on text messages: 0 shareable, 1 not shareable and watermarked.
    public var safe: Int

    /// A trailing slash on `baseURL` is dropped, so paths can be appended.
    public init(baseURL: String, corpID: String, corpSecret: String, agentID: Int, safe: Int = 0) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.corpID = corpID
        self.corpSecret = corpSecret
        self.agentID = agentID
        self.safe = safe
    }

    /// The Redis key all instances share this app's access token under: a
    /// token belongs to one app of one corp, so both are in the key.
    public var tokenKey: String { "herald:{wecom}:token:" + corpID + ":" + String(agentID) }
}
