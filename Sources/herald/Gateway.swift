import AsyncHTTPClient
import Foundation
import HeraldCore
import HeraldDispatch
import HeraldEvents
import HeraldMetrics
import HeraldHTTP
import HeraldLogging
import HeraldProviders
import HeraldRedis
import HeraldRegistry
import Hummingbird
import Logging
import ServiceLifecycle
import HeraldAdapters

/// Assembles a Herald process from its configuration and runs it until SIGTERM/SIGINT.
enum Gateway {
    enum Role {
        case all, api, worker
    }

    static func run(role: Role, configPath: String?) async throws {
        let config = try await HeraldConfiguration.load(file: configPath)
        let level = config.logLevel
        LoggingSystem.bootstrap { label in HeraldLogHandler(label: label, level: level) }
        let logger = Logger(label: "herald")
        let redis: any RedisCommands
        var privateServer: LocalRedisServer?
        if let seeds = try config.redisClusterSeeds() {
            let cluster = RedisClusterClient(seeds: seeds)
            try await cluster.refreshTopology()
            logger.notice("Redis Cluster", metadata: ["masters": "\(cluster.masters.count)"])
            redis = cluster
        } else if let url = config.redisURL {
            redis = RedisClient(endpoint: try RedisEndpoint(url: url),
                                connections: try config.int("HERALD_REDIS_CONNECTIONS", default: 2))
        } else {
            let (endpoint, server) = try PrivateRedis.start(dataDirectory: config.dataDirectory, logger: logger)
            privateServer = server
            redis = RedisClient(endpoint: endpoint, connections: try config.int("HERALD_REDIS_CONNECTIONS", default: 2))
        }
        do {
            // Decided before anything serves: an unsafe configuration never answers a single request.
            let storedKeys = try await !KeyStore(redis: redis).isEmpty()
            let sandbox = try Sandbox.decide(config: config, role: role, storedKeys: storedKeys)
            try await serve(role: role, config: config, sandbox: sandbox, redis: redis, logger: logger)
        } catch {
            privateServer?.stop()
            throw error
        }
        privateServer?.stop()
    }

    /// Runs the services until a signal stops them; throws when one of them
    /// fails (a port in use), so the process exits non-zero.
    static func serve(role: Role, config: HeraldConfiguration, sandbox: SandboxProviders?, redis: any RedisCommands,
                      logger: Logger) async throws
    {
        try await redis.preload(Scripts.all)
        try await checkEvictionPolicy(redis, config: config, logger: logger)
        var settings = try config.storeSettings()
        settings.layout = try await PartitionLayout.record(
            configured: try config.partitions(cluster: redis is RedisClusterClient), redis: redis,
            nowMillis: WallClock.nowMillis())
        if settings.layout.readCount > settings.layout.current.count {
            logger.notice("partitions past the configured count may hold work: workers drain them in place", metadata: [
                "partitions": "\(settings.layout.current.count)", "read": "\(settings.layout.readCount)",
            ])
        }
        settings.fingerprints = try await FingerprintKey.load(configured: try config.fingerprintKey(), redis: redis)
        let migrated = try await SuppressionStore(redis: redis, fingerprints: settings.fingerprints).migrateClearEntries()
        if migrated > 0 { logger.notice("suppression entries rekeyed by recipient fingerprint", metadata: ["count": "\(migrated)"]) }
        let recipientKeys = try config.recipientKeys()
        let webhookEgress = try WebhookEgress.policy(settings: config.providerSettings, sandbox: sandbox != nil)
        let events = try config.events(sandbox: sandbox?.secrets)
        let metrics = HeraldMetrics()
        var dispatch = try config.dispatch()
        dispatch.recipientKeys = recipientKeys
        let httpClient = ProviderHTTPClient.make(maxConnectionsPerHost: dispatch.concurrency)
        let publicURL = try config.publicURL()
        let port = try config.httpPort()
        let unsubscribeSecret = sandbox?.secrets.unsubscribeSecret ?? config.string("HERALD_UNSUBSCRIBE_SECRET")
        let unsubscribeLinks = unsubscribeSecret.map { UnsubscribeLinks(baseURL: publicURL, secret: $0) }
        let shutdownHooks = ShutdownHooks()
        let context = ProviderContext(
            settings: config.providerSettings, sandbox: sandbox, client: httpClient,
            sharedTokens: RedisTokenStore(redis: redis), publicURL: publicURL, unsubscribeLinks: unsubscribeLinks,
            replayWindow: try config.replayWindow(), shutdown: shutdownHooks,
            warn: { logger.warning("\($0)") })
        let enabled = try ProviderRegistry.builtIn.enabled(context)
        if enabled.contains(where: { $0.channel == .email }), unsubscribeLinks == nil {
            throw ConfigurationError(
                "an email provider is configured but HERALD_UNSUBSCRIBE_SECRET is not: it signs the unsubscribe links of marketing mail")
        }
        let enabledChannels = Set(enabled.map { $0.channel })
        for channel in Channel.allCases where !enabledChannels.contains(channel) {
            logger.notice("no provider configured for \(channel.rawValue): its messages are refused with 422")
        }

        // A graceful stop runs in reverse order: the API stops taking requests,
        // then the dispatcher finishes what it has in flight, and only then do
        // the sandbox's simulators stop, so no send in flight loses its provider.
        var services: [any Service] = []
        if role == .all, let sandbox, config.string("HERALD_SIMULATOR_URL") == nil {
            let suite = SimulatorSuite(secrets: sandbox.secrets, heraldURL: publicURL)
            let port = try config.simulatorPort(), tlsPort = try config.apnsSimulatorPort()
            let simulators = try suite.simulators(baseURL: sandbox.simulatorURL, client: httpClient)
            services.append(ListeningService(server: try SimulatorSuite.http(simulators, port: port, logger: logger),
                                             role: "the provider simulators", host: "127.0.0.1", port: port))
            services.append(ListeningService(server: try SimulatorSuite.tls(simulators, port: tlsPort, logger: logger),
                                             role: "the APNs simulator", host: "127.0.0.1", port: tlsPort))
        }

        if role != .api {
            let dispatcher = Dispatcher(
                store: DispatchStore(redis: redis, settings: settings), providers: try enabled.map { try $0.makeProvider(context) },
                configuration: dispatch, metrics: metrics, logger: logger)
            services.append(DispatcherService(dispatcher: dispatcher))
            let statusEvents = try StatusEvents(
                redis: redis,
                outboxes: StatusEvents.outboxes(channels: Array(enabledChannels).sorted { $0.rawValue < $1.rawValue },
                                                partitions: settings.layout.readCount),
                settings: events, metrics: metrics, logger: logger, consumer: dispatch.consumerName)
            services.append(StatusEventsService(events: statusEvents))
        }
        if role != .worker {
            var apiConfiguration = try config.apiConfiguration(
                publicURL: publicURL, unsubscribeLinks: unsubscribeLinks, openAccess: sandbox != nil)
            apiConfiguration.eventEgress = events.egress
            apiConfiguration.eventsMayUseLoopback = sandbox != nil
            apiConfiguration.callbackEventsSigned = events.callbackSecret != nil
            apiConfiguration.eventQueueCap = events.queueCap
            var validator = MessageValidator(
                enabledChannels: enabledChannels, smsOptOutNotice: OptOutNotice(config.string("HERALD_SMS_OPT_OUT_TEXT")),
                smsMaxSegments: try config.int("HERALD_SMS_MAX_SEGMENTS", default: 10),
                smsSignature: config.string("HERALD_SMS_SIGNATURE"), recipientKeys: recipientKeys)
            validator.callbacksMayUseLoopback = sandbox != nil
            validator.callbacksSigned = events.callbackSecret != nil
            let store = MessageStore(redis: redis, settings: settings)
            await store.events.refresh(nowMillis: WallClock.nowMillis())
            let api = HeraldAPI(
                store: store,
                configuration: apiConfiguration,
                metrics: metrics, webhooks: try enabled.compactMap { try $0.makeWebhook(context) },
                validator: validator,
                webhookEgress: EgressGuard(policy: webhookEgress),
                campaignRetentionSeconds: try config.campaignRetentionDays() * 86_400)
            shutdownHooks.add { await api.flushClicks() }
            let server = api.application(host: config.httpHost, port: port, logger: logger) { boundPort in
                Banner.print(config: config, port: boundPort, role: role, privateRedis: config.redisURL == nil && config.string("HERALD_REDIS_CLUSTER") == nil,
                             sandbox: sandbox != nil)
            }
            services.append(ListeningService(server: server, role: "the HTTP API", host: config.httpHost, port: port))
            services.append(CampaignReleaserService(releaser: api.campaignReleaser(
                logger: logger, leaseMillis: try config.campaignLeaseMillis())))
        }
        var lifecycle = ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // In-flight sends finish within the grace period; past it they are cancelled and the process exits.
        lifecycle.maximumGracefulShutdownDuration = .seconds(try config.int("HERALD_SHUTDOWN_GRACE_SECONDS", default: 30))
        lifecycle.maximumCancellationDuration = .seconds(5)
        let group = ServiceGroup(configuration: lifecycle)
        var failure: (any Error)?
        do {
            try await group.run()
        } catch {
            logger.error("herald stopped", metadata: ["error": "\(error)"])
            failure = error
        }
        await httpClient.shutdown()
        await shutdownHooks.run()
        redis.close()
        if let failure { throw failure }
    }
}

extension Gateway {
    /// Refuses a Redis that may evict keys (an evicted message is a lost
    /// message), unless `HERALD_REDIS_EVICTION=warn` says the operator knows.
    static func checkEvictionPolicy(_ redis: any RedisCommands, config: HeraldConfiguration, logger: Logger) async throws {
        guard let policy = try await EvictionPolicy.current(redis) else {
            logger.warning("cannot read Redis maxmemory-policy (CONFIG is disabled): make sure it is noeviction")
            return
        }
        guard !EvictionPolicy.isSafe(policy) else { return }
        let problem = "Redis maxmemory-policy is \(policy): when memory fills, Redis deletes keys and queued messages are lost"
        switch config.string("HERALD_REDIS_EVICTION") {
        case "warn"?:
            logger.critical("\(problem). Set it to noeviction (CONFIG SET maxmemory-policy noeviction, and in redis.conf).")
        case nil, "refuse"?:
            throw ConfigurationError("refusing to start: \(problem). Set maxmemory-policy noeviction, or HERALD_REDIS_EVICTION=warn to run anyway.")
        case let other?:
            throw ConfigurationError("HERALD_REDIS_EVICTION must be refuse or warn, got '\(other)'")
        }
    }
}

/// What a newcomer sees on start: where things are and a first curl to run.
enum Banner {
    static func print(config: HeraldConfiguration, port: Int, role: Gateway.Role, privateRedis: Bool, sandbox: Bool) {
        let base = "http://127.0.0.1:\(port)"
        let auth = config.apiKeys.isEmpty ? "" : " -H 'Authorization: Bearer <one of HERALD_API_KEYS>'"
        var lines = ["", "Herald is running.", "  API    \(base)" + (sandbox ? "  (local sandbox: no API keys, loopback only, simulated providers)" : "")]
        let external = config.string("HERALD_REDIS_CLUSTER") != nil ? "HERALD_REDIS_CLUSTER" : "HERALD_REDIS_URL"
        lines.append("  Redis  " + (privateRedis ? "private redis-server, AOF in \(config.dataDirectory)/redis" : external))
        if sandbox, config.string("HERALD_SIMULATOR_URL") == nil, let simPort = try? config.simulatorPort(),
           let apnsPort = try? config.apnsSimulatorPort()
        {
            lines.append("  Sims   provider simulators on http://127.0.0.1:\(simPort), APNs on https://127.0.0.1:\(apnsPort)")
            lines.append("         (secrets drawn for this data directory: \(config.dataDirectory)/\(SandboxSecrets.directoryName)/)")
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
