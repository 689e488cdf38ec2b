import HeraldCore
import HeraldProviders

/// WeChat Official Account template messages and the account's server URL (signed event pushes).
public enum WeChatRegistration: ProviderRegistration {
    public static let name = "wechat"
    public static let channel = Channel.wechat
    public static let credentialKeys = ["HERALD_WECHAT_APP_ID", "HERALD_WECHAT_APP_SECRET", "HERALD_WECHAT_TOKEN"]
    public static let settingKeys = credentialKeys + ["HERALD_WECHAT_BASE_URL", "HERALD_WECHAT_TEMPLATE_ID"]

    public static func makeProvider(_ context: ProviderContext) throws -> any ChannelProvider {
        let settings = context.settings
        let configuration: WeChatConfiguration
        if let sandbox = context.sandbox {
            configuration = WeChatConfiguration(
                baseURL: settings.string("HERALD_WECHAT_BASE_URL") ?? sandbox.simulatorURL,
                appID: SandboxSecrets.wechatAppID, appSecret: sandbox.secrets.wechatAppSecret,
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
            return WeChatWebhook(token: sandbox.secrets.wechatServerToken, window: context.replayWindow)
        }
        guard let token = context.settings.string("HERALD_WECHAT_TOKEN") else {
            context.warn("wechat: no HERALD_WECHAT_TOKEN, so /v1/receipts/wechat answers 404")
            return nil
        }
        return WeChatWebhook(token: token, window: context.replayWindow)
    }
}
