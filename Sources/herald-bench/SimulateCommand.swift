import ArgumentParser
import Foundation
import HeraldLogging
import HeraldProviders
import HeraldRegistry
import HeraldSimulators
import HeraldAdapters
import Hummingbird
import Logging
import ServiceLifecycle

/// `herald-bench simulate`: the provider simulators as their own process, for load
/// tests where Herald should not share a process with its providers. They
/// accept the sandbox credentials of `--data-dir` (`SandboxSecrets`, drawn at
/// random on first use), which a sandbox Herald on the same data directory
/// uses when `HERALD_SIMULATOR_URL` points here.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run the provider simulators (Twilio, Aliyun, SendGrid, FCM, APNs, WeChat, webhook sink) on loopback.")

    @Option(help: "Port to listen on (127.0.0.1); APNs (HTTP/2 over TLS) listens on the next one.") var port = 8081
    @Option(help: "Herald's URL, where receipts are posted.") var heraldUrl = "http://127.0.0.1:8080"
    @Option(help: "Data directory whose sandbox secrets the simulators accept (Herald's HERALD_DATA_DIR).")
    var dataDir = ProcessInfo.processInfo.environment["HERALD_DATA_DIR"] ?? ".herald"
    @Option(help: "Secret webhook signatures are checked with (default: the sandbox's).") var webhookSecret: String?
    @Option(help: "Latency added before every reply, in milliseconds.") var latencyMs = 0
    @Option(help: """
        Connections the simulators post receipts to Herald over. A provider posts receipts from many servers; \
        too few connections here would queue receipts inside the simulator and hide their cost from a benchmark.
        """)
    var receiptConnections = 128
    @Option(help: "Delay before each receipt, in milliseconds.") var callbackDelayMs = 50
    @Option(help: "Twilio status callbacks to post, comma separated (e.g. sent,delivered; empty for none).")
    var statuses = "sent,delivered"
    @Option(help: "Fraction of requests answered with the provider's server error.") var errorRate = 0.0
    @Option(help: "Fraction of requests answered with the provider's throttling error.") var throttleRate = 0.0
    @Option(help: "Retry-After seconds on a 429.") var retryAfter = 1
    @Option(help: "Recipients with this prefix get the provider's invalid-recipient error.") var invalidPrefix = "+1500555000"
    @Option(help: "An outage: after this many milliseconds, providers answer every request with their server error…")
    var outageAfterMs = 0
    @Option(help: "…for this many milliseconds (0: no outage).") var outageMs = 0
    @Option(help: "Providers the outage applies to, comma separated (default: every one).") var outageProviders = ""

    func run() async throws {
        LoggingSystem.bootstrap { label in HeraldLogHandler(label: label, level: .notice) }
        let logger = Logger(label: "herald-sim")
        let client = ProviderHTTPClient.make(maxConnectionsPerHost: receiptConnections)
        let faults = RandomFaults(
            serverErrorRate: errorRate, throttleRate: throttleRate, retryAfterSeconds: retryAfter,
            invalidPrefix: invalidPrefix,
            outage: outageMs > 0
                ? ContinuousClock.now.advanced(by: .milliseconds(outageAfterMs))
                    ..< ContinuousClock.now.advanced(by: .milliseconds(outageAfterMs + outageMs)) : nil,
            outageProviders: Set(outageProviders.split(separator: ",").map(String.init)))
        var secrets = try SandboxSecrets.load(directory: dataDir, registrations: ProviderRegistry.builtIn.all)
        if let webhookSecret { secrets[provider: WebhookRegistration.name] = ProviderSecrets(["secret": webhookSecret]) }
        var suite = SimulatorSuite(secrets: secrets, heraldURL: heraldUrl)
        suite.latency = .milliseconds(latencyMs)
        suite.callbackDelay = .milliseconds(callbackDelayMs)
        suite.callbackStatuses = statuses.split(separator: ",").map(String.init)
        suite.faults = faults.rule(for:)
        let port = self.port
        let simulators = try suite.simulators(baseURL: "http://127.0.0.1:\(port)", client: client)
        let http = try SimulatorSuite.http(simulators, port: port, logger: logger) { bound in
            print("simulators on http://127.0.0.1:\(bound) and APNs on https://127.0.0.1:\(port + 1)  (stats: GET /sim/stats)")
        }
        let apns = try SimulatorSuite.tls(simulators, port: port + 1, logger: logger)
        let group = ServiceGroup(configuration: .init(
            services: [http, apns], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        await client.shutdown()
    }
}
