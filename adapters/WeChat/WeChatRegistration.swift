import HeraldCore
import HeraldProviders
import HeraldSimulators

/// WeChat Official Account template messages and the account's server URL (signed event pushes).
public enum WeChatRegistration: SimulatedRegistration {
    public static let name = "wechat"
    public static let channel = Channel.wechat
    public static let credentialKeys = ["HERALD_WECHAT_APP_ID", "HERALD_WECHAT_APP_SECRET", "HERALD_WECHAT_TOKEN"]
    public static let settingKeys = credentialKeys + ["HERALD_WECHAT_BASE_URL", "HERALD_WECHAT_TEMPLATE_ID"]
    /// The simulated official account's appid: an identifier, not a secret.
    public static let sandboxAppID = "wxsimulator00001"

    public static func drawSandboxSecrets() throws -> [String: String] {
        ["app_secret": SandboxSecrets.randomToken(), "server_token": SandboxSecrets.randomToken()]
    }

    public static func makeSimulator(_ context: SimulatorContext) throws -> any SimulatedProvider {
        WeChatSimulator(
            configuration: .init(
                appID: sandboxAppID, appSecret: context.secrets["app_secret"], serverToken: context.secrets["server_token"],
                eventURL: context.heraldURL + "/v1/receipts/wechat", eventDelay: context.callbackDelay,
                latency: context.latency, faults: context.faults),
            client: context.client, ledger: context.ledger())
    }

    public static func makeProvider(_ context: ProviderContext) throws -> any ChannelProvider {
        let settings = context.settings
        let configuration: WeChatConfiguration
        if let sandbox = context.sandbox {
            configuration = WeChatConfiguration(
                baseURL: settings.string("HERALD_WECHAT_BASE_URL") ?? sandbox.simulatorURL,
                appID: sandboxAppID, appSecret: sandbox.secrets(of: self)["app_secret"],
                defaultTemplateID: settings.string("HERALD_WECHAT_TEMPLATE_ID") ?? "TM00001")
        } else {
            configuration = WeChatConfiguration(
                baseURL: settings.string("HERALD_WECHAT_BASE_URL") ?? "https://api.weixin.qq.com",
                appID: try settings.required("HERALD_WECHAT_APP_ID", for: name),
                appSecret: try settings.required("HERALD_WECHAT_APP_SECRET", for: name),
                defaultTemplateID: settings.string("HERALD_WECHAT_TEMPLATE_ID"))
        }
        return WeChatProvider(configuration: configuration, client: context.client, sharedTokens: context.sharedTokens)
    }

    public static func makeWebhook(_ context: ProviderContext) throws -> (any ProviderWebhook)? {
        if let sandbox = context.sandbox {
            return WeChatWebhook(token: sandbox.secrets(of: self)["server_token"], window: context.replayWindow)
        }
        guard let token = context.settings.string("HERALD_WECHAT_TOKEN") else {
            context.warn("wechat: no HERALD_WECHAT_TOKEN, so /v1/receipts/wechat answers 404")
            return nil
        }
        return WeChatWebhook(token: token, window: context.replayWindow)
    }
}
