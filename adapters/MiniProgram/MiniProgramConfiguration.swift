
/// A mini-program's account as Herald sends subscribe messages with it.
public struct MiniProgramConfiguration: Sendable, Equatable {
    /// The mini-program's appid and secret (its own, not an official account's), and WeChat's API base.
    public var account: WeChatConfiguration
    /// Which build of the mini-program a notice opens: `formal`, `trial` or `developer`.
    public var state: String
    /// The language of the notice WeChat shows: zh_CN, en_US, zh_HK or zh_TW.
    public var lang: String

    public init(account: WeChatConfiguration, state: String = "formal", lang: String = "zh_CN") {
        self.account = account
        self.state = state
        self.lang = lang
    }
}
