import ArgumentParser
import HeraldProviders
import HeraldSimulators
import Hummingbird
import Logging
import ServiceLifecycle

/// `herald simulate`: the provider simulators as their own process, for load
/// tests where Herald should not share a process with its providers.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate", abstract: "Run the provider simulators (Twilio Messages API, webhook sink) on loopback.")

    @Option(help: "Port to listen on (127.0.0.1).") var port = 8081
    @Option(help: "Twilio Account SID the simulator accepts.") var accountSid = Simulator.accountSID
    @Option(help: "Twilio auth token: checks basic auth and signs status callbacks.") var authToken = Simulator.authToken
    @Option(help: "Secret webhook signatures are checked with.") var webhookSecret = Simulator.webhookSecret
    @Option(help: "Latency added before every reply, in milliseconds.") var latencyMs = 0
    @Option(help: "Delay before each status callback, in milliseconds.") var callbackDelayMs = 50
    @Option(help: "Status callbacks to post, comma separated (e.g. sent,delivered; empty for none).")
    var statuses = "sent,delivered"
    @Option(help: "Fraction of requests answered 500.") var errorRate = 0.0
    @Option(help: "Fraction of requests answered 429 + Retry-After.") var throttleRate = 0.0
    @Option(help: "Retry-After seconds on a 429.") var retryAfter = 1
    @Option(help: "Recipients with this prefix get Twilio's 21211 invalid-number error.") var invalidPrefix = "+1500555000"

    func run() async throws {
        var logger = Logger(label: "herald-sim")
        logger.logLevel = .notice
        let client = ProviderHTTPClient.make(maxConnectionsPerHost: 128)
        let faults = RandomFaults(
            serverErrorRate: errorRate, throttleRate: throttleRate, retryAfterSeconds: retryAfter,
            invalidPrefix: invalidPrefix)
        let server = SimulatorServer([
            TwilioSimulator(
                configuration: .init(
                    accountSID: accountSid, authToken: authToken, latency: .milliseconds(latencyMs),
                    callbackDelay: .milliseconds(callbackDelayMs),
                    callbackStatuses: statuses.split(separator: ",").map(String.init), faults: faults.rule),
                client: client),
            WebhookSink(secret: webhookSecret),
        ])
        let app = server.application(port: port, logger: logger) { bound in
            print("simulators on http://127.0.0.1:\(bound)  (stats: GET /sim/stats)")
        }
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        try await client.shutdown()
    }
}
