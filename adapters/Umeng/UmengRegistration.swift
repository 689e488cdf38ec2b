import HeraldCore
import HeraldProviders
import HeraldSimulators

/// Umeng U-Push (友盟推送): a push provider beside FCM and APNs for recipients
/// written `umeng:android:<token>` or `umeng:ios:<token>`, with one Umeng app
/// (appkey and App Master Secret) per platform, either or both.
public enum UmengRegistration: SimulatedRegistration {
    public static let name = "umeng"
    public static let channel = Channel.push
    /// Umeng documents no receipt callback Herald could verify, so there is
    /// nothing to mount or configure: outcomes come in its replies.
    public static let postsReceipts = false
    public static let credentialKeys = [
        "HERALD_UMENG_ANDROID_APP_KEY", "HERALD_UMENG_ANDROID_MASTER_SECRET",
        "HERALD_UMENG_IOS_APP_KEY", "HERALD_UMENG_IOS_MASTER_SECRET",
    ]
    public static let settingKeys = credentialKeys + ["HERALD_UMENG_BASE_URL", "HERALD_UMENG_PRODUCTION_MODE"]
    /// The simulated apps' appkeys: identifiers that travel in every body, not secrets.
    public static let sandboxAndroidAppKey = "5f0000000000000000000a01"
    public static let sandboxIOSAppKey = "5f0000000000000000000b01"

    /// One App Master Secret per simulated app.
    public static func drawSandboxSecrets() throws -> [String: String] {
        ["android_master_secret": SandboxSecrets.randomToken(), "ios_master_secret": SandboxSecrets.randomToken()]
    }

    /// The simulated apps, with `secrets`' master secrets.
    public static func sandboxApps(_ secrets: ProviderSecrets) -> (android: UmengConfiguration.App, ios: UmengConfiguration.App) {
        (UmengConfiguration.App(appKey: sandboxAndroidAppKey, masterSecret: secrets["android_master_secret"]),
         UmengConfiguration.App(appKey: sandboxIOSAppKey, masterSecret: secrets["ios_master_secret"]))
    }

    public static func makeSimulator(_ context: SimulatorContext) throws -> any SimulatedProvider {
        let apps = sandboxApps(context.secrets)
        return UmengSimulator(
            configuration: .init(android: apps.android, ios: apps.ios, latency: context.latency, faults: context.faults),
            ledger: context.ledger())
    }

    public static func makeProvider(_ context: ProviderContext) throws -> any ChannelProvider {
        let settings = context.settings
        let productionMode = try self.productionMode(settings)
        if let sandbox = context.sandbox {
            let apps = sandboxApps(sandbox.secrets(of: self))
            return UmengProvider(
                configuration: UmengConfiguration(baseURL: sandbox.simulatorURL, android: apps.android, ios: apps.ios,
                                                  productionMode: productionMode),
                client: context.client)
        }
        let configuration = UmengConfiguration(
            baseURL: settings.string("HERALD_UMENG_BASE_URL") ?? "https://msgapi.umeng.com",
            android: try app(.android, settings), ios: try app(.ios, settings), productionMode: productionMode)
        return UmengProvider(configuration: configuration, client: context.client)
    }

    /// A platform's app: both of its settings, or neither.
    static func app(_ platform: UmengPushAddress.Platform, _ settings: ProviderSettings) throws -> UmengConfiguration.App? {
        let keys = UmengConfiguration.settings(for: platform)
        switch (settings.string(keys.appKey), settings.string(keys.masterSecret)) {
        case (nil, nil):
            return nil
        case (let appKey?, let secret?):
            return UmengConfiguration.App(appKey: appKey, masterSecret: secret)
        case (nil, _?):
            throw ProviderConfigurationError("\(keys.masterSecret) is set but \(keys.appKey) is not: set the app's AppKey from the U-Push console")
        case (_?, nil):
            throw ProviderConfigurationError("\(keys.appKey) is set but \(keys.masterSecret) is not: set the app's App Master Secret from the U-Push console")
        }
    }

    /// `HERALD_UMENG_PRODUCTION_MODE`: true unless set to false.
    static func productionMode(_ settings: ProviderSettings) throws -> Bool {
        switch settings.string("HERALD_UMENG_PRODUCTION_MODE")?.lowercased() {
        case nil, "true": return true
        case "false": return false
        default: throw ProviderConfigurationError("HERALD_UMENG_PRODUCTION_MODE must be true or false")
        }
    }
}
