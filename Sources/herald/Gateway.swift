import AsyncHTTPClient
import Foundation
import HeraldCore
import HeraldDispatch
import HeraldHTTP
import HeraldLogging
import HeraldProviders
import HeraldRedis
import HeraldSimulators
import Hummingbird
import Logging
import ServiceLifecycle
import TwilioAdapter
import WebhookAdapter

/// Assembles a Herald process from its configuration and runs it until SIGTERM/SIGINT.
enum Gateway {
    enum Role {
        case all, api, worker
    }

    static func run(role: Role, configPath: String?) async throws {
        let config = try HeraldConfiguration.load(file: configPath)
        let level = config.logLevel
        LoggingSystem.bootstrap { label in HeraldLogHandler(label: label, level: level) }
        let logger = Logger(label: "herald")

        let endpoint: RedisEndpoint
        var privateServer: LocalRedisServer?
        if let url = config.redisURL {
            endpoint = try RedisEndpoint(url: url)
        } else {
            (endpoint, privateServer) = try PrivateRedis.start(dataDirectory: config.dataDirectory, logger: logger)
        }
        let redis = RedisClient(endpoint: endpoint, connections: try config.int("HERALD_REDIS_CONNECTIONS", default: 2))
        try await redis.preload(Scripts.all)
        let settings = try config.storeSettings()
        let metrics = HeraldMetrics()
        let dispatch = try config.dispatch()
        let httpClient = ProviderHTTPClient.make(maxConnectionsPerHost: dispatch.concurrency)
        let twilio = try config.twilio()
        let publicURL = try config.publicURL()
        let port = try config.httpPort()
        let unsubscribeSecret = config.string("HERALD_UNSUBSCRIBE_SECRET") ?? {
            logger.warning("no HERALD_UNSUBSCRIBE_SECRET configured: unsubscribe links use a development secret")
            return "herald-development-unsubscribe-secret"
        }()
        let unsubscribeLinks = UnsubscribeLinks(baseURL: publicURL, secret: unsubscribeSecret)

        var services: [any Service] = []
        var providerClients: [HTTPClient] = []
        if role != .worker {
            if config.apiKeys.isEmpty {
                logger.warning("no HERALD_API_KEYS configured: local sandbox, every caller is let in")
            }
            let api = HeraldAPI(
                store: MessageStore(redis: redis, settings: settings),
                configuration: try config.apiConfiguration(publicURL: publicURL, twilioAuthToken: twilio.authToken,
                                                           unsubscribeLinks: unsubscribeLinks),
                metrics: metrics)
            services.append(api.application(host: config.httpHost, port: port, logger: logger) { boundPort in
                Banner.print(config: config, port: boundPort, role: role, privateRedis: config.redisURL == nil)
            })
        }
        if role != .api {
            if config.webhookSecret == nil {
                logger.warning("no HERALD_WEBHOOK_SECRET configured: webhooks are signed with the simulator's secret")
            }
            let made = try ProviderFactory(
                config: config, client: httpClient, redis: redis, publicURL: publicURL, unsubscribeLinks: unsubscribeLinks
            ).make()
            providerClients = made.clients
            let dispatcher = Dispatcher(
                store: DispatchStore(redis: redis, settings: settings), providers: made.providers,
                configuration: dispatch, metrics: metrics, logger: logger)
            services.append(DispatcherService(dispatcher: dispatcher))
        }
        if role == .all, config.string("HERALD_SIMULATOR_URL") == nil {
            let suite = SimulatorSuite(heraldURL: publicURL, webhookSecret: config.webhookSecret ?? SimulatorCredentials.webhookSecret)
            services.append(try suite.http(port: try config.simulatorPort(), client: httpClient, logger: logger))
            services.append(try suite.apns(port: try config.apnsSimulatorPort(), logger: logger))
        }

        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            logger.error("herald stopped", metadata: ["error": "\(error)"])
        }
        await httpClient.shutdown()
        for client in providerClients { try? await client.shutdown() }
        redis.close()
        privateServer?.stop()
    }
}

/// What a newcomer sees on start: where things are and a first curl to run.
enum Banner {
    static func print(config: HeraldConfiguration, port: Int, role: Gateway.Role, privateRedis: Bool) {
        let base = "http://127.0.0.1:\(port)"
        let auth = config.apiKeys.isEmpty ? "" : " -H 'Authorization: Bearer <one of HERALD_API_KEYS>'"
        var lines = ["", "Herald is running.", "  API    \(base)" + (config.apiKeys.isEmpty ? "  (no API keys: local sandbox)" : "")]
        lines.append("  Redis  " + (privateRedis ? "private redis-server, AOF in \(config.dataDirectory)/redis" : "HERALD_REDIS_URL"))
        if config.string("HERALD_SIMULATOR_URL") == nil, let simPort = try? config.simulatorPort(),
           let apnsPort = try? config.apnsSimulatorPort()
        {
            lines.append("  Sims   provider simulators on http://127.0.0.1:\(simPort), APNs on https://127.0.0.1:\(apnsPort)")
            lines.append("         (providers without credentials in the configuration use them; see herald.conf.example)")
        }
        lines += [
            "Send a first message:",
            "  curl -s -X POST \(base)/v1/messages\(auth) -H 'Content-Type: application/json' -d '{\"channel\":\"sms\",\"to\":\"+14155550100\",\"content\":{\"body\":\"Hello from Herald\"}}'",
            "Then follow it (status, attempts, events):",
            "  curl -s\(auth) \(base)/v1/messages/<id from the reply>",
            "",
        ]
        // Unbuffered: the banner must show even when stdout is a file or a pipe.
        FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }
}
