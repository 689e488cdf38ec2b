import HeraldProviders

/// What a simulator is made with: its provider's sandbox secrets, where
/// Herald takes receipts, how the run wants it to behave (latency, receipt
/// timing, faults), and the client its receipts go out through.
public struct SimulatorContext: Sendable {
    /// The provider's sandbox secrets (`ProviderRegistration.drawSandboxSecrets`).
    public var secrets: ProviderSecrets
    /// Herald's base URL, where receipts and inbound messages are posted.
    public var heraldURL: String
    /// The simulator's own listener (for URLs it hands out, like a token endpoint).
    public var baseURL: String
    /// Added before every reply.
    public var latency: Duration
    /// How long after a send its receipts are posted.
    public var callbackDelay: Duration
    /// The delivery states a receipt-posting simulator reports, in order.
    public var callbackStatuses: [String]
    /// Whether receipts are posted before the send's reply (the early-receipt race).
    public var callbackBeforeReply: Bool
    /// The faults to answer with.
    public var faults: FaultRule
    /// Whether the ledger keeps what each request carried (tests read it back).
    public var keepsPayloads: Bool
    /// What receipts are posted through.
    public var client: ProviderHTTPClient

    public init(secrets: ProviderSecrets, heraldURL: String, baseURL: String, latency: Duration = .zero,
                callbackDelay: Duration = .milliseconds(200), callbackStatuses: [String] = ["sent", "delivered"],
                callbackBeforeReply: Bool = false, faults: @escaping FaultRule = { _, _ in nil },
                keepsPayloads: Bool = false, client: ProviderHTTPClient)
    {
        self.secrets = secrets
        self.heraldURL = heraldURL
        self.baseURL = baseURL
        self.latency = latency
        self.callbackDelay = callbackDelay
        self.callbackStatuses = callbackStatuses
        self.callbackBeforeReply = callbackBeforeReply
        self.faults = faults
        self.keepsPayloads = keepsPayloads
        self.client = client
    }

    /// A ledger as this run wants it.
    public func ledger() -> SimulatorLedger { SimulatorLedger(keepsPayloads: keepsPayloads) }
}
