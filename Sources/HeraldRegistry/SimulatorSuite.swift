import HeraldProviders
import HeraldSimulators
import Hummingbird
import Logging

/// Every simulated provider of a registry with the sandbox's secrets: the
/// HTTP ones on one port, the TLS ones (APNs) on another. Receipts go to
/// `heraldURL`. The sandbox serves it beside Herald, `herald-bench simulate`
/// serves it alone, and the test harness serves it for each test.
public struct SimulatorSuite: Sendable {
    public var registry: ProviderRegistry
    public var secrets: SandboxSecrets
    public var heraldURL: String
    public var latency: Duration = .zero
    public var callbackDelay: Duration = .milliseconds(200)
    public var callbackStatuses = ["sent", "delivered"]
    public var callbackBeforeReply = false
    public var keepsPayloads = false
    /// The faults each provider's simulator answers with, by provider name.
    public var faults: @Sendable (String) -> FaultRule = { _ in { _, _ in nil } }

    public init(registry: ProviderRegistry = .builtIn, secrets: SandboxSecrets, heraldURL: String) {
        self.registry = registry
        self.secrets = secrets
        self.heraldURL = heraldURL
    }

    /// One simulator per simulated provider, by provider name; `baseURL` is
    /// the HTTP listener they will be served on.
    public func simulators(baseURL: String, client: ProviderHTTPClient) throws -> [String: any SimulatedProvider] {
        var simulators: [String: any SimulatedProvider] = [:]
        for registration in registry.simulated {
            simulators[registration.name] = try registration.makeSimulator(SimulatorContext(
                secrets: secrets[provider: registration.name], heraldURL: heraldURL, baseURL: baseURL, latency: latency,
                callbackDelay: callbackDelay, callbackStatuses: callbackStatuses, callbackBeforeReply: callbackBeforeReply,
                faults: faults(registration.name), keepsPayloads: keepsPayloads, client: client))
        }
        return simulators
    }

    /// The HTTP/1.1 listener with every simulator that speaks it.
    public static func http(_ simulators: [String: any SimulatedProvider], port: Int, logger: Logger,
                            onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> some ApplicationProtocol
    {
        try SimulatorServer(ordered(simulators, on: .http)).application(port: port, logger: logger, onServerRunning: onRunning)
    }

    /// The HTTP/2-over-TLS listener with the simulators that need it.
    public static func tls(_ simulators: [String: any SimulatedProvider], port: Int, logger: Logger) throws
        -> some ApplicationProtocol
    {
        try SimulatorServer(ordered(simulators, on: .tls))
            .application(port: port, logger: logger, tls: try SimulatorTLS.serverConfiguration())
    }

    private static func ordered(_ simulators: [String: any SimulatedProvider], on listener: SimulatorListener)
        -> [any SimulatedProvider]
    {
        simulators.keys.sorted().compactMap { simulators[$0] }.filter { $0.listener == listener }
    }
}
