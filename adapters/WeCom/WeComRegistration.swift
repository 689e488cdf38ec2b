import HeraldCore
import HeraldProviders
import HeraldSimulators

/// WeCom (企业微信) app messages to a member's userid, from one self-built
/// app. WeCom posts no delivery receipts, so there is no webhook.
public enum WeComRegistration: SimulatedRegistration {
    public static let name = "wecom"
    public static let channel = Channel.wecom
    public static let credentialKeys = ["HERALD_WECOM_CORP_ID", "HERALD_WECOM_CORP_SECRET", "HERALD_WECOM_AGENT_ID"]
    public static let settingKeys = credentialKeys + ["HERALD_WECOM_BASE_URL", "HERALD_WECOM_SAFE"]
    /// WeCom's reply is all Herald learns: it posts nothing back.
    public static let postsReceipts = false
    /// The simulated corp's corpid: an identifier, not a secret.
    public static let sandboxCorpID = "wwsimulator0000001"
    /// The simulated app's agentid: an identifier, not a secret.
    public static let sandboxAgentID = 1_000_002

    public static func drawSandboxSecrets() throws -> [String: String] {
        ["corp_secret": SandboxSecrets.randomToken()]
    }

    public static func makeSimulator(_ context: SimulatorContext) throws -> any SimulatedProvider {
        WeComSimulator(
            configuration: .init(corpID: sandboxCorpID, corpSecret: context.secrets["corp_secret"], agentID: sandboxAgentID,
                                 latency: context.latency, faults: context.faults),
            ledger: context.ledger())
    }

    public static func makeProvider(_ context: ProviderContext) throws -> any ChannelProvider {
        let settings = context.settings
        let safe = try safeSetting(settings)
        let configuration: WeComConfiguration
        if let sandbox = context.sandbox {
            configuration = WeComConfiguration(
                baseURL: settings.string("HERALD_WECOM_BASE_URL") ?? sandbox.simulatorURL, corpID: sandboxCorpID,
                corpSecret: sandbox.secrets(of: self)["corp_secret"], agentID: sandboxAgentID, safe: safe)
        } else {
            let agent = try settings.required("HERALD_WECOM_AGENT_ID", for: name)
            guard let agentID = Int(agent), agentID > 0 else {
                throw ProviderConfigurationError("HERALD_WECOM_AGENT_ID must be the app's numeric AgentId, not '\(agent.prefix(32))'")
            }
            configuration = WeComConfiguration(
                baseURL: settings.string("HERALD_WECOM_BASE_URL") ?? "https://qyapi.weixin.qq.com",
                corpID: try settings.required("HERALD_WECOM_CORP_ID", for: name),
                corpSecret: try settings.required("HERALD_WECOM_CORP_SECRET", for: name), agentID: agentID, safe: safe)
        }
        return WeComProvider(configuration: configuration, client: context.client, sharedTokens: context.sharedTokens)
    }

    /// `HERALD_WECOM_SAFE`: 0 (the default) or 1.
    static func safeSetting(_ settings: ProviderSettings) throws -> Int {
        switch settings.string("HERALD_WECOM_SAFE") {
        case nil, "0": 0
        case "1": 1
        case let other?: throw ProviderConfigurationError("HERALD_WECOM_SAFE must be 0 or 1, not '\(other.prefix(16))'")
        }
    }
}
