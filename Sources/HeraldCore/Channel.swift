/// The delivery channels Herald knows. A channel decides how `to` is validated,
/// which stream a message waits in and which providers may carry it. The
/// WeChat family has one channel per app kind, because each app has its own
/// recipient namespace: an official account's openid, a mini-program's
/// openid (another string for the same person) and a WeCom userid are
/// suppressed, capped and counted apart.
public enum Channel: String, Sendable, CaseIterable, Codable {
    case sms
    case email
    case push
    /// WeChat official-account template messages (`to`: the account's openid).
    case wechat
    case webhook
    /// WeChat mini-program subscribe messages (`to`: the mini-program's openid).
    case miniprogram
    /// WeCom (企业微信) app messages (`to`: a WeCom userid).
    case wecom
}
