import HeraldCore
import HeraldProviders
import HeraldSimulators

/// Aliyun DirectMail (邮件推送): email through SingleSendMail, checked by the
/// doctor with DescAccountSummary. It posts nothing back over HTTP (its
/// delivery events go to Aliyun's own MNS/EventBridge), so it has no webhook
/// and its messages stay `sent` once accepted.
public enum DirectMailRegistration: SimulatedRegistration {
    /// The name `HERALD_EMAIL_PROVIDERS`, keys, metrics and events know it by.
    public static let name = "directmail"
    /// DirectMail carries email.
    public static let channel = Channel.email
    /// Nothing is posted back: outcomes come in SingleSendMail's replies.
    public static let postsReceipts = false
    /// The sandbox sends email through SendGrid's simulator unless `HERALD_EMAIL_PROVIDERS` names DirectMail.
    public static let isSandboxDefault = false
    /// The AccessKey: with it set, DirectMail is a real account.
    public static let credentialKeys = ["HERALD_DIRECTMAIL_ACCESS_KEY_ID", "HERALD_DIRECTMAIL_ACCESS_KEY_SECRET"]
    /// Every setting it reads; the sender address is required outside the sandbox.
    public static let settingKeys = credentialKeys + ["HERALD_DIRECTMAIL_ACCOUNT_NAME", "HERALD_DIRECTMAIL_ENDPOINT",
                                                      "HERALD_DIRECTMAIL_TAG_NAME", "HERALD_EMAIL_FROM_NAME"]
    /// The simulated account's AccessKey ID: an identifier, not a secret.
    public static let sandboxAccessKeyID = "LTAIdirectmailsimulator"

    /// The simulated account's AccessKey secret.
    public static func drawSandboxSecrets() throws -> [String: String] {
        ["access_key_secret": SandboxSecrets.randomToken()]
    }

    /// The simulator of the sandbox account, checking its secret.
    public static func makeSimulator(_ context: SimulatorContext) throws -> any SimulatedProvider {
        DirectMailSimulator(
            configuration: .init(
                accessKeyID: sandboxAccessKeyID, accessKeySecret: context.secrets["access_key_secret"],
                latency: context.latency, faults: context.faults),
            ledger: context.ledger())
    }

    /// The sender: against the simulator in the sandbox, DirectMail's API otherwise.
    public static func makeProvider(_ context: ProviderContext) throws -> any ChannelProvider {
        let settings = context.settings
        let configuration: DirectMailConfiguration
        if let sandbox = context.sandbox {
            configuration = DirectMailConfiguration(
                endpoint: settings.string("HERALD_DIRECTMAIL_ENDPOINT") ?? sandbox.simulatorURL + DirectMailSimulator.path,
                accessKeyID: sandboxAccessKeyID, accessKeySecret: sandbox.secrets(of: self)["access_key_secret"],
                accountName: try accountName(settings.string("HERALD_DIRECTMAIL_ACCOUNT_NAME") ?? "herald@example.com"),
                fromAlias: try fromAlias(settings), tagName: try tagName(settings), unsubscribeLinks: context.unsubscribeLinks)
        } else {
            configuration = DirectMailConfiguration(
                endpoint: settings.string("HERALD_DIRECTMAIL_ENDPOINT") ?? "https://dm.aliyuncs.com",
                accessKeyID: try settings.required("HERALD_DIRECTMAIL_ACCESS_KEY_ID", for: name),
                accessKeySecret: try settings.required("HERALD_DIRECTMAIL_ACCESS_KEY_SECRET", for: name),
                accountName: try accountName(settings.required("HERALD_DIRECTMAIL_ACCOUNT_NAME", for: name)),
                fromAlias: try fromAlias(settings), tagName: try tagName(settings), unsubscribeLinks: context.unsubscribeLinks)
        }
        return DirectMailProvider(configuration: configuration, client: context.client)
    }

    /// The sender address, which must be one (DirectMail knows it as `AccountName`).
    static func accountName(_ value: String) throws -> String {
        guard EmailAddress.isValid(value) else {
            throw ProviderConfigurationError("HERALD_DIRECTMAIL_ACCOUNT_NAME must be the sender address configured in the DirectMail console")
        }
        return value
    }

    /// `HERALD_EMAIL_FROM_NAME` as `FromAlias`, which DirectMail refuses at 15 characters or more.
    static func fromAlias(_ settings: ProviderSettings) throws -> String? {
        guard let alias = settings.string("HERALD_EMAIL_FROM_NAME") else { return nil }
        guard alias.count < 15 else {
            throw ProviderConfigurationError("HERALD_EMAIL_FROM_NAME must be shorter than 15 characters when directmail is enabled (its FromAlias limit)")
        }
        return alias
    }

    /// `HERALD_DIRECTMAIL_TAG_NAME` as `TagName`: 1 to 128 letters, digits, `_` or `-`.
    static func tagName(_ settings: ProviderSettings) throws -> String? {
        guard let tag = settings.string("HERALD_DIRECTMAIL_TAG_NAME") else { return nil }
        let allowed = tag.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x5F || byte == 0x2D
        }
        guard allowed, tag.utf8.count <= 128 else {
            throw ProviderConfigurationError("HERALD_DIRECTMAIL_TAG_NAME must be a DirectMail tag: 1 to 128 letters, digits, _ or -")
        }
        return tag
    }
}
