import HeraldCore
import HeraldProviders
import HeraldSimulators

/// WeChat mini-program subscribe messages (`miniprogram` channel) and the
/// mini-program's message-push server URL (signed send results and
/// subscription changes).
public enum MiniProgramRegistration: SimulatedRegistration {
    public static let name = "miniprogram"
    public static let channel = Channel.miniprogram
    public static let credentialKeys = ["HERALD_MINIPROGRAM_APP_ID", "HERALD_MINIPROGRAM_APP_SECRET", "HERALD_MINIPROGRAM_TOKEN"]
    public static let settingKeys = credentialKeys + ["HERALD_MINIPROGRAM_BASE_URL", "HERALD_MINIPROGRAM_STATE",
                                                      "HERALD_MINIPROGRAM_LANG"]
    /// The simulated mini-program's appid: an identifier, not a secret.
    public static let sandboxAppID = "wxminiprogram001"

    public static func drawSandboxSecrets() throws -> [String: String] {
        ["app_secret": SandboxSecrets.randomToken(), "server_token": SandboxSecrets.randomToken()]
    }

    public static func makeSimulator(_ context: SimulatorContext) throws -> any SimulatedProvider {
        MiniProgramSimulator(context: context, appID: sandboxAppID)
    }

    public static func makeProvider(_ context: ProviderContext) throws -> any ChannelProvider {
        let settings = context.settings
        let account: WeChatConfiguration
        if let sandbox = context.sandbox {
            account = WeChatConfiguration(
                baseURL: settings.string("HERALD_MINIPROGRAM_BASE_URL") ?? sandbox.simulatorURL + MiniProgramSimulator.pathPrefix,
                appID: sandboxAppID, appSecret: sandbox.secrets(of: self)["app_secret"])
        } else {
            account = WeChatConfiguration(
                baseURL: settings.string("HERALD_MINIPROGRAM_BASE_URL") ?? "https://api.weixin.qq.com",
                appID: try settings.required("HERALD_MINIPROGRAM_APP_ID", for: name),
                appSecret: try settings.required("HERALD_MINIPROGRAM_APP_SECRET", for: name))
        }
        let state = settings.string("HERALD_MINIPROGRAM_STATE") ?? "formal"
        guard ["formal", "trial", "developer"].contains(state) else {
            throw ProviderConfigurationError("HERALD_MINIPROGRAM_STATE must be formal, trial or developer")
        }
        let lang = settings.string("HERALD_MINIPROGRAM_LANG") ?? "zh_CN"
        guard ["zh_CN", "en_US", "zh_HK", "zh_TW"].contains(lang) else {
            throw ProviderConfigurationError("HERALD_MINIPROGRAM_LANG must be zh_CN, en_US, zh_HK or zh_TW")
        }
        return MiniProgramProvider(
            configuration: MiniProgramConfiguration(account: account, state: state, lang: lang), client: context.client,
            sharedTokens: context.sharedTokens)
    }

    public static func makeWebhook(_ context: ProviderContext) throws -> (any ProviderWebhook)? {
        if let sandbox = context.sandbox {
            return MiniProgramWebhook(token: sandbox.secrets(of: self)["server_token"], window: context.replayWindow)
        }
        guard let token = context.settings.string("HERALD_MINIPROGRAM_TOKEN") else {
            context.warn("miniprogram: no HERALD_MINIPROGRAM_TOKEN, so /v1/receipts/miniprogram answers 404")
            return nil
        }
        return MiniProgramWebhook(token: token, window: context.replayWindow)
    }
}
