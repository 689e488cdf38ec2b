import AsyncHTTPClient
import Foundation
import HeraldCore
import HeraldDispatch
import HeraldEvents
import HeraldMetrics
import HeraldHTTP
import HeraldProviders
import HeraldRedis
import HeraldRegistry
import HeraldSimulators
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Synchronization
import HeraldAdapters

/// A whole Herald on loopback for one test: a private redis-server on a free
/// port (or a local 3-master Redis Cluster), the API, the dispatcher and the
/// provider simulators, all real. The providers, their webhooks and their
/// simulators are all derived from the registry (`ProviderRegistry.builtIn`
/// plus the test's `extraProviders`), with sandbox secrets, as `herald serve`
/// builds its local sandbox.
public final class Harness: Sendable {
    /// The built-in providers' sandbox secrets, drawn once per test run
    /// (drawing an RSA key per test would cost more than the tests).
    public static let secrets = try! SandboxSecrets.draw(for: ProviderRegistry.builtIn.all)

    /// One sandbox secret of a built-in provider.
    public static func secret(_ registration: any ProviderRegistration.Type, _ name: String) -> String {
        secrets[provider: registration.name][name]
    }

    /// The unsubscribe links' secret.
    public static var unsubscribeSecret: String { secrets.unsubscribeSecret }

    private let singleServer: LocalRedisServer?
    /// The redis-server of a harness that is not on a cluster.
    public var redisServer: LocalRedisServer { singleServer! }
    public let cluster: LocalRedisCluster?
    public let redis: any RedisCommands
    public let store: MessageStore
    public let dispatchStore: DispatchStore
    public let metrics = HeraldMetrics()
    /// The built-in providers and the test's own.
    public let registry: ProviderRegistry
    /// `Harness.secrets`, and those the test's own providers drew.
    public let secrets: SandboxSecrets
    private let simulatorsBox = Mutex<[String: any SimulatedProvider]>([:])
    private let providersBox = Mutex<[any ChannelProvider]?>(nil)
    /// What providers made for themselves (clients), run by `stop()`.
    private let providerShutdown = ShutdownHooks()
    /// The TLS (HTTP/2) simulators' listener: APNs.
    public let apnsURL: String
    private let heraldAPIBox = Mutex<HeraldAPI?>(nil)
    /// The API the harness serves (for what an operator's shutdown would call, like `flushClicks`).
    public var heraldAPI: HeraldAPI { heraldAPIBox.withLock { $0! } }
    public var unsubscribeLinks: UnsubscribeLinks { UnsubscribeLinks(baseURL: apiURL, secret: secrets.unsubscribeSecret) }
    /// For the tests' own calls to Herald's API.
    public let client: HTTPClient
    /// What the providers and the simulators' receipts send through, as in `herald serve`.
    public let providerClient: ProviderHTTPClient
    public let apiURL: String
    public let simulatorURL: String
    public let options: HarnessOptions
    public let logger: Logger
    private let tasks = Mutex<[Task<Void, Never>]>([])
    private let statusEvents = Mutex<[(events: StatusEvents, task: Task<Void, Never>)]>([])
    /// API instances past the first (`startSecondAPI`), shut down gracefully by `stop()`.
    private let extraServers = Mutex<[(group: ServiceGroup, task: Task<Void, Never>)]>([])
    private let servers = ServerGroupBox()
    private let serversTask = Mutex<Task<Void, Never>?>(nil)
    /// Why the HTTP servers stopped, if they failed.
    private let serverError = ErrorBox()
    private let directory: String

    private init(options: HarnessOptions, cluster: LocalRedisCluster?) throws {
        self.options = options
        registry = ProviderRegistry.builtIn.adding(options.extraProviders)
        var secrets = Self.secrets
        for extra in options.extraProviders { secrets[provider: extra.name] = ProviderSecrets(try extra.drawSandboxSecrets()) }
        self.secrets = secrets
        var logger = Logger(label: "herald-test")
        logger.logLevel = .warning
        self.logger = logger
        directory = NSTemporaryDirectory() + "herald-test-" + UUID().uuidString
        self.cluster = cluster
        if let cluster {
            singleServer = nil
            redis = RedisClusterClient(seeds: cluster.seeds)
        } else {
            let server = try LocalRedisServer(directory: directory, port: LocalRedisServer.freePort(), appendOnly: false)
            singleServer = server
            redis = RedisClient(endpoint: server.endpoint)
        }
        let settings = StoreSettings(partitions: ChannelPartitions(count: options.partitions),
                                     storeRetryMillis: options.storeRetryMillis)
        store = MessageStore(redis: redis, settings: settings)
        dispatchStore = DispatchStore(redis: redis, settings: settings)
        apiURL = "http://127.0.0.1:\(try LocalRedisServer.freePort())"
        simulatorURL = "http://127.0.0.1:\(try LocalRedisServer.freePort())"
        apnsURL = "https://127.0.0.1:\(try LocalRedisServer.freePort())"
        // Last: an HTTPClient must be shut down once made, so nothing may throw after it.
        providerClient = ProviderHTTPClient.make(maxConnectionsPerHost: 64, timeoutSeconds: 5)
        var clientConfiguration = HTTPClient.Configuration()
        clientConfiguration.redirectConfiguration = .disallow  // tests look at the redirects themselves
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
    }

    /// Starts everything; if redis-server or the HTTP servers do not come up
    /// (a port taken by another process between our check and the bind), tries
    /// again on fresh ports, reporting the error if every attempt fails.
    public static func start(_ options: HarnessOptions = HarnessOptions()) async throws -> Harness {
        var lastError: any Error = ConditionTimeout(what: "servers answer")
        for _ in 1...3 {
            let harness: Harness
            // Each attempt has its own cluster: a failed attempt stops everything it started.
            let cluster = options.cluster ? try await LocalRedisCluster(masters: 3) : nil
            do {
                harness = try Harness(options: options, cluster: cluster)
            } catch {
                cluster?.stop()
                // redis-server exits at once when its port was taken since it was chosen.
                lastError = error
                print("harness: redis-server did not start (\(error)); trying again on a new port")
                continue
            }
            do {
                try await harness.startServers()
                if options.startDispatcher { harness.startDispatcher(consumer: "worker-1") }
                if options.startCampaignReleaser { harness.startCampaignReleaser() }
                if let settings = options.statusEvents { try harness.startStatusEvents(settings) }
                return harness
            } catch {
                lastError = harness.serverError.value ?? error
                print("harness: servers did not start (\(lastError)); trying again on new ports")
                await harness.stop()
            }
        }
        throw lastError
    }

    private func port(_ url: String) -> Int { Int(url.split(separator: ":").last!)! }

    /// The API as this harness configures it; every instance of a test is made alike.
    private func makeAPI() -> HeraldAPI {
        HeraldAPI(
            store: store,
            configuration: {
                var configuration = APIConfiguration(apiKeys: options.apiKeys, publicURL: apiURL, unsubscribeLinks: unsubscribeLinks)
                configuration.eventEgress = EgressPolicy(allowedNetworks: EgressPolicy.loopback)
                configuration.eventsMayUseLoopback = true
                configuration.callbackEventsSigned = options.statusEvents?.callbackSecret != nil
                configuration.fatigue = options.fatigue
                if let lifetime = options.linkLifetimeSeconds { configuration.linkLifetimeSeconds = lifetime }
                return configuration
            }(),
            metrics: metrics, webhooks: try! webhooks.filter { options.webhookProviders?.contains($0.provider) ?? true },
            validator: {
                var validator = MessageValidator(recipientKeys: options.recipientKeys)
                validator.callbacksMayUseLoopback = true
                validator.callbacksSigned = options.statusEvents?.callbackSecret != nil
                return validator
            }(), webhookEgress: EgressGuard(policy: try! webhookPolicy))
    }

    /// A second API instance on the same Redis, on its own port, as a second
    /// gateway process would be; it stops with the harness. Returns its base URL.
    public func startSecondAPI() async throws -> String {
        let url = "http://127.0.0.1:\(try LocalRedisServer.freePort())"
        let app = makeAPI().application(host: "127.0.0.1", port: port(url), logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        extraServers.withLock { $0.append((group, Task { try? await group.run() })) }
        try await eventually("the second API answers") {
            (try? await self.request(.GET, url + "/health"))?.status == 200
        }
        return url
    }

    private func startServers() async throws {
        let api = makeAPI()
        heraldAPIBox.withLock { $0 = api }
        let apiApp = api.application(host: "127.0.0.1", port: port(apiURL), logger: logger)
        var suite = SimulatorSuite(registry: registry, secrets: secrets, heraldURL: apiURL)
        suite.latency = options.simulatorLatency
        suite.callbackDelay = options.callbackDelay
        suite.callbackStatuses = options.callbackStatuses
        suite.callbackBeforeReply = options.callbackBeforeReply
        suite.keepsPayloads = true
        let faults = options.faults
        suite.faults = { name in faults[name] ?? { _, _ in nil } }
        let simulators = try suite.simulators(baseURL: simulatorURL, client: providerClient)
        simulatorsBox.withLock { $0 = simulators }
        let simApp = try SimulatorSuite.http(simulators, port: port(simulatorURL), logger: logger)
        let apnsApp = try SimulatorSuite.tls(simulators, port: port(apnsURL), logger: logger)
        let group = ServiceGroup(configuration: .init(services: [apiApp, simApp, apnsApp], logger: logger))
        servers.set(group)
        let serverError = self.serverError
        serversTask.withLock {
            $0 = Task {
                do { try await group.run() } catch { serverError.set(error) }
            }
        }
        try await eventually("servers answer", timeout: .seconds(8)) {
            if serverError.value != nil { throw ConditionTimeout(what: "servers answer") }
            let api = try? await self.request(.GET, self.apiURL + "/health")
            let simulator = try? await self.request(.GET, self.simulatorURL + "/sim/stats")
            return api?.status == 200 && simulator?.status == 200
        }
    }

    /// The provider settings the harness runs with: its own, then the test's.
    public var providerSettings: ProviderSettings {
        var values = [
            ProviderRegistry.orderKey(.sms): options.smsProviders.joined(separator: ","),
            "HERALD_TWILIO_FROM": "+15550006666",
            "HERALD_ALIYUN_TEMPLATE_CODE": "SMS_000001", "HERALD_ALIYUN_AMBIGUOUS_RETRY_SECONDS": "2",
            "HERALD_EMAIL_FROM": "news@herald.test", "HERALD_EMAIL_FROM_NAME": "Herald",
            "HERALD_WECHAT_TEMPLATE_ID": "TM00015",
        ]
        values.merge(options.settings) { _, test in test }
        return ProviderSettings(values)
    }

    /// The context providers are built in: the sandbox (the simulators), or
    /// for `outsideSandbox` providers, none.
    public func providerContext(for registration: any ProviderRegistration.Type) -> ProviderContext {
        providerContext(sandboxed: !options.outsideSandbox.contains(registration.name))
    }

    private func providerContext(sandboxed: Bool) -> ProviderContext {
        let sandbox = !sandboxed ? nil : SandboxProviders(
            secrets: secrets, simulatorURL: simulatorURL, tlsSimulatorURL: apnsURL,
            tlsTrustRootsPEM: SimulatorTLS.certificatePEM)
        return ProviderContext(
            settings: providerSettings, sandbox: sandbox, client: providerClient, sharedTokens: RedisTokenStore(redis: redis),
            publicURL: apiURL, unsubscribeLinks: unsubscribeLinks, replayWindow: ReplayWindow(), shutdown: providerShutdown,
            warn: { _ in })
    }

    /// The registrations the settings enable, channel by channel.
    public var enabled: [any ProviderRegistration.Type] {
        get throws { try registry.enabled(providerContext(sandboxed: true)) }
    }

    /// Every enabled provider's webhook, verifying with the sandbox secrets.
    public var webhooks: [any ProviderWebhook] {
        get throws { try enabled.compactMap { try $0.makeWebhook(providerContext(for: $0)) } }
    }

    /// Where webhooks may go, as the webhook provider is configured.
    public var webhookPolicy: EgressPolicy {
        get throws {
            try WebhookEgress.policy(settings: providerSettings, sandbox: !options.outsideSandbox.contains(WebhookRegistration.name))
        }
    }

    /// Every enabled provider's sender, made once per harness, so token caches
    /// and clients are shared by every dispatcher of the test, as in one process.
    public var providers: [any ChannelProvider] {
        get throws {
            try providersBox.withLock { box in
                if let providers = box { return providers }
                let providers = try enabled.map { try $0.makeProvider(providerContext(for: $0)) }
                box = providers
                return providers
            }
        }
    }

    /// The enabled sender of type `P` (to call a provider directly).
    public func provider<P: ChannelProvider>(_ type: P.Type) throws -> P {
        guard let provider = try providers.lazy.compactMap({ $0 as? P }).first else {
            throw HarnessError("no enabled provider is a \(P.self)")
        }
        return provider
    }

    /// The simulator serving provider `name`.
    public func simulator(_ name: String) -> any SimulatedProvider {
        simulatorsBox.withLock { $0[name]! }
    }

    /// The simulator of type `S` (to read or steer its provider-specific state).
    public func simulator<S: SimulatedProvider>(_ type: S.Type) -> S {
        simulatorsBox.withLock { $0.values.lazy.compactMap { $0 as? S }.first! }
    }

    /// What the simulator of provider `name` received.
    public func ledger(_ name: String) -> SimulatorLedger { simulator(name).ledger }

    /// Starts a dispatcher instance; cancel the returned task to stop it.
    @discardableResult
    public func startDispatcher(consumer: String) -> Task<Void, Never> {
        startStoppableDispatcher(consumer: consumer).task
    }

    /// Starts a dispatcher instance that can also be stopped gracefully
    /// (`dispatcher.stop()`, as SIGTERM does): its task ends once what it has in flight is done.
    public func startStoppableDispatcher(consumer: String) -> (dispatcher: Dispatcher, task: Task<Void, Never>) {
        var configuration = DispatchConfiguration(
            consumerName: consumer, batchSize: 50, blockMillis: 200, concurrency: 32,
            visibilityTimeoutMillis: options.visibilityTimeoutMillis, promoteIntervalMillis: 20,
            backoff: options.backoff, breaker: options.breaker, rateLimits: options.rateLimits,
            quietHours: options.quietHours, fatigue: options.fatigue, fatigueDefers: options.fatigueDefers,
            campaignFatigue: options.campaignFatigue)
        configuration.recipientKeys = options.recipientKeys
        let dispatcher = Dispatcher(store: dispatchStore, providers: try! providers, configuration: configuration,
                                    metrics: metrics, logger: logger)
        let task = Task { await dispatcher.run() }
        tasks.withLock { $0.append(task) }
        return (dispatcher, task)
    }

    /// Starts a campaign releaser on this harness's API, as another gateway
    /// instance would run one; `releaser.stop()` ends it as a shutdown does.
    @discardableResult
    public func startCampaignReleaser() -> (releaser: CampaignReleaser, task: Task<Void, Never>) {
        let releaser = heraldAPI.campaignReleaser(logger: logger, tickMillis: 50, leaseMillis: options.campaignLeaseMillis,
                                                  completionGraceMillis: 500)
        let task = Task { await releaser.run() }
        tasks.withLock { $0.append(task) }
        return (releaser, task)
    }

    /// Starts status events (the fan-out and a delivery loop per target) on
    /// this harness's Redis, as a dispatcher process runs them; they stop with the harness.
    @discardableResult
    public func startStatusEvents(_ settings: EventSettings, consumer: String = "events-1") throws -> StatusEvents {
        let outboxes = StatusEvents.outboxes(channels: HeraldCore.Channel.allCases, partitions: options.partitions)
        let events = try StatusEvents(redis: redis, outboxes: outboxes, settings: settings, metrics: metrics, logger: logger,
                                      consumer: consumer)
        let task = Task { await events.run() }
        statusEvents.withLock { $0.append((events, task)) }
        return events
    }

    public func stop() async {
        for (events, task) in statusEvents.withLock({ $0 }) {
            events.stop()
            await task.value
        }
        for server in extraServers.withLock({ $0 }) {
            await server.group.triggerGracefulShutdown()
            await server.task.value
        }
        for task in tasks.withLock({ $0 }) { task.cancel() }
        for task in tasks.withLock({ $0 }) { await task.value }
        await servers.triggerGracefulShutdown()
        await serversTask.withLock({ $0 })?.value
        try? await client.shutdown()
        await providerShutdown.run()
        await providerClient.shutdown()
        redis.close()
        singleServer?.stop()
        cluster?.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
