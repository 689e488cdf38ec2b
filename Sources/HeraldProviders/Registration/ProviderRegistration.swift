import HeraldCore

/// How Herald learns of a provider: its name, its channel, which settings
/// make it real, its sandbox secrets, and how to build its sender and its
/// webhook (its simulator: `SimulatedRegistration`). Each adapter folder has
/// one; `ProviderRegistry.builtIn` lists them, so adding a provider is its
/// folder plus one line in that list.
public protocol ProviderRegistration: Sendable {
    /// The name used in `HERALD_<CHANNEL>_PROVIDERS`, keys, metrics and events.
    static var name: String { get }
    static var channel: Channel { get }
    /// Settings that hold a real account: any of them set makes the provider
    /// configured, and rules out the unauthenticated sandbox.
    static var credentialKeys: [String] { get }
    /// Every setting the provider reads, credentials included (for the unknown-key check).
    static var settingKeys: [String] { get }
    /// Whether a configured provider can spend the owner's money or reach
    /// real people; false only for ones that cannot (the signed webhook).
    static var isRealAccount: Bool { get }
    /// Whether the sandbox has a simulator for it; one without is available only when configured.
    static var hasSimulator: Bool { get }
    /// Whether the provider posts receipts or inbound messages back (then an
    /// unconfigured receipt secret is worth a warning from the doctor).
    static var postsReceipts: Bool { get }
    /// Whether the sandbox uses it when `HERALD_<CHANNEL>_PROVIDERS` does not
    /// say: false for a second provider of a channel, which would otherwise
    /// become a silent failover in every local run.
    static var isSandboxDefault: Bool { get }
    /// The secrets of a simulated account, drawn fresh for a sandbox data
    /// directory (`SandboxSecrets`): what its sender, webhook and simulator share.
    static func drawSandboxSecrets() throws -> [String: String]
    /// The sender; in the sandbox, one that talks to the simulator.
    static func makeProvider(_ context: ProviderContext) throws -> any ChannelProvider
    /// The receipt and inbound endpoints, or nil when the provider posts
    /// nothing back or its receipt secret is not configured (then its endpoints answer 404).
    static func makeWebhook(_ context: ProviderContext) throws -> (any ProviderWebhook)?
}

extension ProviderRegistration {
    public static var isRealAccount: Bool { true }

    public static var hasSimulator: Bool { true }

    public static var isSandboxDefault: Bool { true }

    public static var postsReceipts: Bool { true }

    public static func makeWebhook(_ context: ProviderContext) throws -> (any ProviderWebhook)? { nil }

    public static func drawSandboxSecrets() throws -> [String: String] { [:] }

    /// Whether the settings carry this provider's account.
    public static func isConfigured(_ settings: ProviderSettings) -> Bool {
        credentialKeys.contains { settings.string($0) != nil }
    }

    /// Whether Herald can use the provider: configured, or simulated in the sandbox.
    public static func isAvailable(_ context: ProviderContext) -> Bool {
        isConfigured(context.settings) || (context.sandbox != nil && hasSimulator)
    }
}
