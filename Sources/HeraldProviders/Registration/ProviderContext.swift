import HeraldCore

/// Everything a provider registration may need to build its adapter and its
/// webhook: the settings, the sandbox (when Herald runs as one), and the
/// shared clients and stores of the process.
public struct ProviderContext: Sendable {
    /// The `HERALD_*` settings the provider reads its account from.
    public var settings: ProviderSettings
    /// Non-nil only in the local sandbox: then every provider talks to its simulator.
    public var sandbox: SandboxProviders?
    /// The process's pooled HTTP/1.1 client, shared by every HTTP provider.
    public var client: ProviderHTTPClient
    /// Where access tokens are shared with the other instances (Redis).
    public var sharedTokens: any SharedTokenStore
    /// Herald's externally reachable URL, where providers post receipts.
    public var publicURL: String
    /// Signs the unsubscribe links of marketing mail; nil when none are configured.
    public var unsubscribeLinks: UnsubscribeLinks?
    /// How far a signed webhook timestamp may be from now.
    public var replayWindow: ReplayWindow
    /// Work to do when the process stops (clients a provider made for itself).
    public var shutdown: ShutdownHooks
    /// Says what an operator should know about the setup (a receipt endpoint left unmounted).
    public var warn: @Sendable (String) -> Void

    public init(settings: ProviderSettings, sandbox: SandboxProviders?, client: ProviderHTTPClient,
                sharedTokens: any SharedTokenStore, publicURL: String, unsubscribeLinks: UnsubscribeLinks?,
                replayWindow: ReplayWindow, shutdown: ShutdownHooks, warn: @escaping @Sendable (String) -> Void)
    {
        self.settings = settings
        self.sandbox = sandbox
        self.client = client
        self.sharedTokens = sharedTokens
        self.publicURL = publicURL
        self.unsubscribeLinks = unsubscribeLinks
        self.replayWindow = replayWindow
        self.shutdown = shutdown
        self.warn = warn
    }
}
