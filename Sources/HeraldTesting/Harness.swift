import AsyncHTTPClient
import Foundation
import HeraldCore
import HeraldDispatch
import HeraldMetrics
import HeraldHTTP
import HeraldProviders
import HeraldRedis
import HeraldSimulators
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Synchronization
import TwilioAdapter
import AliyunAdapter
import Crypto
import _CryptoExtras
import FCMAdapter
import APNsAdapter
import SMTPAdapter
import SendGridAdapter
import WeChatAdapter
import WebhookAdapter

/// A whole Herald on loopback for one test: a private redis-server on a free
/// port (or a local 3-master Redis Cluster), the API, the dispatcher and the
/// provider simulators, all real.
public final class Harness: Sendable {
    public static let accountSID = "ACtest0000000000000000000000000000"
    public static let authToken = "test-auth-token"
    public static let webhookSecret = "test-webhook-secret"
    public static let aliyunKeyID = "LTAItestkey"
    public static let aliyunSecret = "test-aliyun-secret"
    public static let aliyunReceiptToken = "test-aliyun-receipt-token"
    public static let sendgridAPIKey = "SG.test-key"
    public static let unsubscribeSecret = "test-unsubscribe-secret"
    public static let wechatAppID = "wxtestapp0000001"
    public static let wechatSecret = "test-wechat-secret"
    public static let wechatServerToken = "test-wechat-server-token"
    /// One RSA key for the whole test run: generating one per test would cost more than the tests.
    public static let fcmKey = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    public static let fcmProject = "herald-test"
    public static let fcmClientEmail = "herald@herald-test.iam.gserviceaccount.com"
    public static let apnsKey = P256.Signing.PrivateKey()
    public static let apnsTeamID = "TEAMTEST01"
    public static let apnsKeyID = "KEYTEST001"
    public static let apnsTopic = "com.example.herald.test"

    private let singleServer: LocalRedisServer?
    /// The redis-server of a harness that is not on a cluster.
    public var redisServer: LocalRedisServer { singleServer! }
    public let cluster: LocalRedisCluster?
    public let redis: any RedisCommands
    public let store: MessageStore
    public let dispatchStore: DispatchStore
    public let metrics = HeraldMetrics()
    public let twilioLedger = SimulatorLedger(keepsPayloads: true)
    public let webhookLedger = SimulatorLedger()
    public let aliyunLedger = SimulatorLedger()
    public let sendgridLedger = SimulatorLedger(keepsPayloads: true)
    /// Signs the simulated SendGrid's Event Webhook.
    public let sendgridKey = P256.Signing.PrivateKey()
    public let wechatLedger = SimulatorLedger(keepsPayloads: true)
    public let fcmLedger = SimulatorLedger(keepsPayloads: true)
    private let fcmSimulatorBox = Mutex<FCMSimulator?>(nil)
    public var fcmSimulator: FCMSimulator { fcmSimulatorBox.withLock { $0! } }
    public let apnsLedger = SimulatorLedger(keepsPayloads: true)
    private let apnsSimulatorBox = Mutex<APNsSimulator?>(nil)
    public var apnsSimulator: APNsSimulator { apnsSimulatorBox.withLock { $0! } }
    public let apnsURL: String
    /// The APNs client speaks HTTP/2 over TLS and trusts the simulator's certificate.
    public let apnsClient: HTTPClient
    private let apnsProviderBox = Mutex<APNsProvider?>(nil)
    private let heraldAPIBox = Mutex<HeraldAPI?>(nil)
    /// The API the harness serves (for what an operator's shutdown would call, like `flushClicks`).
    public var heraldAPI: HeraldAPI { heraldAPIBox.withLock { $0! } }
    private let wechatSimulatorBox = Mutex<WeChatSimulator?>(nil)
    public var wechatSimulator: WeChatSimulator { wechatSimulatorBox.withLock { $0! } }
    /// One provider per harness, so its token cache is shared by every dispatcher of the test.
    private let wechatProviderBox = Mutex<WeChatProvider?>(nil)
    public var unsubscribeLinks: UnsubscribeLinks { UnsubscribeLinks(baseURL: apiURL, secret: Self.unsubscribeSecret) }
    /// For the tests' own calls to Herald's API.
    public let client: HTTPClient
    /// What the providers and the simulators' receipts send through, as in `herald serve`.
    public let providerClient: ProviderHTTPClient
    /// What webhooks go through, as `WebhookRegistration` makes it: vetted against `webhookPolicy`.
    public let webhookClient: ProviderHTTPClient
    public var webhookPolicy: EgressPolicy { EgressPolicy(allowedNetworks: options.webhookAllowedNetworks) }
    public let apiURL: String
    public let simulatorURL: String
    public let options: HarnessOptions
    public let logger: Logger
    private let tasks = Mutex<[Task<Void, Never>]>([])
    /// API instances past the first (`startSecondAPI`), shut down gracefully by `stop()`.
    private let extraServers = Mutex<[(group: ServiceGroup, task: Task<Void, Never>)]>([])
    private let servers = ServerGroupBox()
    private let serversTask = Mutex<Task<Void, Never>?>(nil)
    /// Why the HTTP servers stopped, if they failed.
    private let serverError = ErrorBox()
    private let directory: String

    private init(options: HarnessOptions, cluster: LocalRedisCluster?) throws {
        self.options = options
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
        webhookClient = try! WebhookEgress.client(
            policy: EgressPolicy(allowedNetworks: options.webhookAllowedNetworks), maxConnectionsPerHost: 64,
            readTimeout: .seconds(5))
        var clientConfiguration = HTTPClient.Configuration()
        clientConfiguration.redirectConfiguration = .disallow  // tests look at the redirects themselves
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
        apnsClient = try! APNsProvider.makeClient(configuration: Self.apnsConfiguration(baseURL: apnsURL))
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
                configuration.fatigue = options.fatigue
                if let lifetime = options.linkLifetimeSeconds { configuration.linkLifetimeSeconds = lifetime }
                return configuration
            }(),
            metrics: metrics, webhooks: webhooks.filter { options.webhookProviders.contains($0.provider) },
            validator: MessageValidator(recipientKeys: options.recipientKeys), webhookEgress: EgressGuard(policy: webhookPolicy))
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
        let twilio = TwilioSimulator(
            configuration: .init(
                accountSID: Self.accountSID, authToken: Self.authToken, latency: options.twilioLatency,
                callbackDelay: options.callbackDelay,
                callbackStatuses: options.callbackStatuses, callbackBeforeReply: options.callbackBeforeReply,
                faults: options.faults),
            client: providerClient, ledger: twilioLedger)
        let sink = WebhookSink(secret: Self.webhookSecret, ledger: webhookLedger, faults: options.webhookFaults)
        let aliyun = AliyunSimulator(
            configuration: .init(
                accessKeyID: Self.aliyunKeyID, accessKeySecret: Self.aliyunSecret,
                reportURL: apiURL + "/v1/receipts/aliyun?token=" + Self.aliyunReceiptToken,
                reportDelay: options.callbackDelay, faults: options.aliyunFaults),
            client: providerClient, ledger: aliyunLedger)
        let sendgrid = SendGridSimulator(
            configuration: .init(
                apiKey: Self.sendgridAPIKey, eventURL: apiURL + "/v1/receipts/sendgrid", eventDelay: options.callbackDelay,
                signingKey: sendgridKey, faults: options.sendgridFaults, eventsBeforeReply: options.callbackBeforeReply),
            client: providerClient, ledger: sendgridLedger)
        let wechat = WeChatSimulator(
            configuration: .init(
                appID: Self.wechatAppID, appSecret: Self.wechatSecret, serverToken: Self.wechatServerToken,
                eventURL: apiURL + "/v1/receipts/wechat", eventDelay: options.callbackDelay, faults: options.wechatFaults),
            client: providerClient, ledger: wechatLedger)
        wechatSimulatorBox.withLock { $0 = wechat }
        let fcm = FCMSimulator(
            configuration: .init(
                projectID: Self.fcmProject, clientEmail: Self.fcmClientEmail, publicKey: Self.fcmKey.publicKey,
                tokenURI: simulatorURL + "/token", faults: options.fcmFaults),
            ledger: fcmLedger)
        fcmSimulatorBox.withLock { $0 = fcm }
        let simApp = try SimulatorServer([twilio, sink, aliyun, sendgrid, wechat, fcm])
            .application(port: port(simulatorURL), logger: logger)
        let apns = APNsSimulator(
            configuration: .init(
                teamID: Self.apnsTeamID, keyID: Self.apnsKeyID, publicKey: Self.apnsKey.publicKey, topic: Self.apnsTopic,
                faults: options.apnsFaults),
            ledger: apnsLedger)
        apnsSimulatorBox.withLock { $0 = apns }
        let apnsApp = try SimulatorServer([apns]).application(
            port: port(apnsURL), logger: logger, tls: try SimulatorTLS.serverConfiguration())
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

    /// Every provider's webhook, verifying with the test secrets.
    public var webhooks: [any ProviderWebhook] {
        [TwilioWebhook(authToken: Self.authToken), AliyunWebhook(receiptToken: Self.aliyunReceiptToken),
         SendGridWebhook(verificationKey: sendgridKey.publicKey, window: ReplayWindow()),
         WeChatWebhook(token: Self.wechatServerToken, window: ReplayWindow())]
    }

    public var twilioProvider: TwilioProvider {
        TwilioProvider(
            configuration: TwilioConfiguration(
                baseURL: simulatorURL, accountSID: Self.accountSID, authToken: Self.authToken, from: "+15550006666",
                statusCallbackURL: apiURL + "/v1/receipts/twilio"),
            client: providerClient)
    }

    public var aliyunProvider: AliyunSMSProvider {
        AliyunSMSProvider(
            configuration: AliyunConfiguration(
                endpoint: simulatorURL, accessKeyID: Self.aliyunKeyID, accessKeySecret: Self.aliyunSecret,
                signName: "Herald", templateCode: "SMS_000001", ambiguousRetryMillis: 2_000),
            client: providerClient)
    }

    /// Every provider the options name, SMS in the configured order.
    public var providers: [any ChannelProvider] {
        let sms: [any ChannelProvider] = options.smsProviders.map { $0 == "aliyun" ? aliyunProvider as any ChannelProvider : twilioProvider }
        let sendgrid = SendGridProvider(
            configuration: SendGridConfiguration(
                baseURL: simulatorURL, apiKey: Self.sendgridAPIKey, fromAddress: "news@herald.test",
                fromName: "Herald", unsubscribeLinks: unsubscribeLinks),
            client: providerClient)
        let email: any ChannelProvider = options.smtp.map { smtp in
            var configuration = smtp
            configuration.unsubscribeLinks = unsubscribeLinks
            return SMTPProvider(configuration: configuration)
        } ?? sendgrid
        return sms + [email, wechatProvider, try! fcmProvider(), apnsProvider,
                      WebhookProvider(secret: Self.webhookSecret, client: webhookClient)]
    }

    public static func apnsConfiguration(baseURL: String) -> APNsConfiguration {
        APNsConfiguration(
            baseURL: baseURL, teamID: apnsTeamID, keyID: apnsKeyID, privateKeyPEM: apnsKey.pemRepresentation,
            topic: apnsTopic, trustRootsPEM: SimulatorTLS.certificatePEM)
    }

    public var apnsProvider: APNsProvider {
        apnsProviderBox.withLock { box in
            if let provider = box { return provider }
            let provider = try! APNsProvider(configuration: Self.apnsConfiguration(baseURL: apnsURL), client: apnsClient)
            box = provider
            return provider
        }
    }

    /// An FCM provider for the simulated project, signing with `key`.
    public func fcmProvider(key: _RSA.Signing.PrivateKey = Harness.fcmKey) throws -> FCMProvider {
        let account = FCMServiceAccount(
            projectID: Self.fcmProject, privateKeyID: "key-1", privateKey: key.pkcs8PEMRepresentation,
            clientEmail: Self.fcmClientEmail, tokenURI: simulatorURL + "/token")
        return try FCMProvider(account: account, baseURL: simulatorURL, client: providerClient)
    }

    public var wechatProvider: WeChatProvider {
        wechatProviderBox.withLock { box in
            if let provider = box { return provider }
            let provider = WeChatProvider(
                configuration: WeChatConfiguration(
                    baseURL: simulatorURL, appID: Self.wechatAppID, appSecret: Self.wechatSecret,
                    defaultTemplateID: "TM00015"),
                client: providerClient, sharedTokens: RedisTokenStore(redis: redis))
            box = provider
            return provider
        }
    }

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
        let dispatcher = Dispatcher(store: dispatchStore, providers: providers, configuration: configuration,
                                    metrics: metrics, logger: logger)
        let task = Task { await dispatcher.run() }
        tasks.withLock { $0.append(task) }
        return (dispatcher, task)
    }

    public func stop() async {
        for server in extraServers.withLock({ $0 }) {
            await server.group.triggerGracefulShutdown()
            await server.task.value
        }
        for task in tasks.withLock({ $0 }) { task.cancel() }
        for task in tasks.withLock({ $0 }) { await task.value }
        await servers.triggerGracefulShutdown()
        await serversTask.withLock({ $0 })?.value
        try? await client.shutdown()
        await providerClient.shutdown()
        await webhookClient.shutdown()
        try? await apnsClient.shutdown()
        redis.close()
        singleServer?.stop()
        cluster?.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
