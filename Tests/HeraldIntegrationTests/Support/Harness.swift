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
import Testing
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

/// What a test wants different from the defaults.
struct HarnessOptions: Sendable {
    var faults: FaultRule = { _, _ in nil }
    var aliyunFaults: FaultRule = { _, _ in nil }
    /// Added before every reply of the Twilio simulator.
    var twilioLatency: Duration = .zero
    var sendgridFaults: FaultRule = { _, _ in nil }
    var wechatFaults: FaultRule = { _, _ in nil }
    var fcmFaults: FaultRule = { _, _ in nil }
    var apnsFaults: FaultRule = { _, _ in nil }
    /// SMS providers in order of preference.
    var smsProviders = ["twilio"]
    /// Email goes to this SMTP server instead of SendGrid when set.
    var smtp: SMTPConfiguration?
    var rateLimits: [String: RateLimit] = [:]
    var breaker = CircuitBreakerPolicy(failureThreshold: 3, cooldownMillis: 60_000)
    var webhookFaults: FaultRule = { _, _ in nil }
    var callbackStatuses = ["sent", "delivered"]
    var callbackBeforeReply = false
    var callbackDelay: Duration = .milliseconds(5)
    var backoff = BackoffPolicy(baseMillis: 20, capMillis: 200, maxAttempts: 4)
    var visibilityTimeoutMillis = 60_000
    var startDispatcher = true
    var apiKeys: Set<String> = ["test-key"]
    /// Quiet hours for marketing, per channel (none by default).
    var quietHours: [HeraldCore.Channel: QuietHours] = [:]
    /// Frequency caps on marketing, per channel (none by default), and whether over a cap defers.
    var fatigue: [HeraldCore.Channel: [FatigueWindow]] = [:]
    var fatigueDefers = false
    var campaignFatigue: [String: [HeraldCore.Channel: [FatigueWindow]]] = [:]
    /// The providers whose receipt and inbound endpoints the API mounts.
    var webhookProviders: Set<String> = ["twilio", "aliyun", "sendgrid", "wechat"]
    /// The keys `to_encryption: aes` recipients are decrypted with (none by default).
    var recipientKeys = RecipientKeyring(keys: [])
    /// Runs on a local 3-master Redis Cluster instead of one redis-server.
    var cluster = false
    /// Partitions per channel.
    var partitions = 1
    /// How long acceptance retries a write Redis could not take (production: 10 s; short here,
    /// so a test of an outage gets its 503 well within its HTTP client's timeout).
    var storeRetryMillis = 1_000
    /// How long a short link leads somewhere (the default: 90 days).
    var linkLifetimeSeconds: Int?
    /// The non-public networks webhooks may reach (`HERALD_WEBHOOK_ALLOWED_NETWORKS`):
    /// loopback, where the webhook sink listens, unless a test takes it away.
    var webhookAllowedNetworks = EgressPolicy.loopback
}

/// A whole Herald on loopback for one test: a private redis-server on a free
/// port (or a local 3-master Redis Cluster), the API, the dispatcher and the
/// provider simulators, all real.
final class Harness: Sendable {
    static let accountSID = "ACtest0000000000000000000000000000"
    static let authToken = "test-auth-token"
    static let webhookSecret = "test-webhook-secret"
    static let aliyunKeyID = "LTAItestkey"
    static let aliyunSecret = "test-aliyun-secret"
    static let aliyunReceiptToken = "test-aliyun-receipt-token"
    static let sendgridAPIKey = "SG.test-key"
    static let unsubscribeSecret = "test-unsubscribe-secret"
    static let wechatAppID = "wxtestapp0000001"
    static let wechatSecret = "test-wechat-secret"
    static let wechatServerToken = "test-wechat-server-token"
    /// One RSA key for the whole test run: generating one per test would cost more than the tests.
    static let fcmKey = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    static let fcmProject = "herald-test"
    static let fcmClientEmail = "herald@herald-test.iam.gserviceaccount.com"
    static let apnsKey = P256.Signing.PrivateKey()
    static let apnsTeamID = "TEAMTEST01"
    static let apnsKeyID = "KEYTEST001"
    static let apnsTopic = "com.example.herald.test"

    private let singleServer: LocalRedisServer?
    /// The redis-server of a harness that is not on a cluster.
    var redisServer: LocalRedisServer { singleServer! }
    let cluster: LocalRedisCluster?
    let redis: any RedisCommands
    let store: MessageStore
    let dispatchStore: DispatchStore
    let metrics = HeraldMetrics()
    let twilioLedger = SimulatorLedger(keepsPayloads: true)
    let webhookLedger = SimulatorLedger()
    let aliyunLedger = SimulatorLedger()
    let sendgridLedger = SimulatorLedger(keepsPayloads: true)
    /// Signs the simulated SendGrid's Event Webhook.
    let sendgridKey = P256.Signing.PrivateKey()
    let wechatLedger = SimulatorLedger(keepsPayloads: true)
    let fcmLedger = SimulatorLedger(keepsPayloads: true)
    private let fcmSimulatorBox = Mutex<FCMSimulator?>(nil)
    var fcmSimulator: FCMSimulator { fcmSimulatorBox.withLock { $0! } }
    let apnsLedger = SimulatorLedger(keepsPayloads: true)
    private let apnsSimulatorBox = Mutex<APNsSimulator?>(nil)
    var apnsSimulator: APNsSimulator { apnsSimulatorBox.withLock { $0! } }
    let apnsURL: String
    /// The APNs client speaks HTTP/2 over TLS and trusts the simulator's certificate.
    let apnsClient: HTTPClient
    private let apnsProviderBox = Mutex<APNsProvider?>(nil)
    private let heraldAPIBox = Mutex<HeraldAPI?>(nil)
    /// The API the harness serves (for what an operator's shutdown would call, like `flushClicks`).
    var heraldAPI: HeraldAPI { heraldAPIBox.withLock { $0! } }
    private let wechatSimulatorBox = Mutex<WeChatSimulator?>(nil)
    var wechatSimulator: WeChatSimulator { wechatSimulatorBox.withLock { $0! } }
    /// One provider per harness, so its token cache is shared by every dispatcher of the test.
    private let wechatProviderBox = Mutex<WeChatProvider?>(nil)
    var unsubscribeLinks: UnsubscribeLinks { UnsubscribeLinks(baseURL: apiURL, secret: Self.unsubscribeSecret) }
    /// For the tests' own calls to Herald's API.
    let client: HTTPClient
    /// What the providers and the simulators' receipts send through, as in `herald serve`.
    let providerClient: ProviderHTTPClient
    /// What webhooks go through, as `WebhookRegistration` makes it: vetted against `webhookPolicy`.
    let webhookClient: ProviderHTTPClient
    var webhookPolicy: EgressPolicy { EgressPolicy(allowedNetworks: options.webhookAllowedNetworks) }
    let apiURL: String
    let simulatorURL: String
    let options: HarnessOptions
    let logger: Logger
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
    static func start(_ options: HarnessOptions = HarnessOptions()) async throws -> Harness {
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
    func startSecondAPI() async throws -> String {
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
    var webhooks: [any ProviderWebhook] {
        [TwilioWebhook(authToken: Self.authToken), AliyunWebhook(receiptToken: Self.aliyunReceiptToken),
         SendGridWebhook(verificationKey: sendgridKey.publicKey, window: ReplayWindow()),
         WeChatWebhook(token: Self.wechatServerToken, window: ReplayWindow())]
    }

    var twilioProvider: TwilioProvider {
        TwilioProvider(
            configuration: TwilioConfiguration(
                baseURL: simulatorURL, accountSID: Self.accountSID, authToken: Self.authToken, from: "+15550006666",
                statusCallbackURL: apiURL + "/v1/receipts/twilio"),
            client: providerClient)
    }

    var aliyunProvider: AliyunSMSProvider {
        AliyunSMSProvider(
            configuration: AliyunConfiguration(
                endpoint: simulatorURL, accessKeyID: Self.aliyunKeyID, accessKeySecret: Self.aliyunSecret,
                signName: "Herald", templateCode: "SMS_000001", ambiguousRetryMillis: 2_000),
            client: providerClient)
    }

    /// Every provider the options name, SMS in the configured order.
    var providers: [any ChannelProvider] {
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

    static func apnsConfiguration(baseURL: String) -> APNsConfiguration {
        APNsConfiguration(
            baseURL: baseURL, teamID: apnsTeamID, keyID: apnsKeyID, privateKeyPEM: apnsKey.pemRepresentation,
            topic: apnsTopic, trustRootsPEM: SimulatorTLS.certificatePEM)
    }

    var apnsProvider: APNsProvider {
        apnsProviderBox.withLock { box in
            if let provider = box { return provider }
            let provider = try! APNsProvider(configuration: Self.apnsConfiguration(baseURL: apnsURL), client: apnsClient)
            box = provider
            return provider
        }
    }

    /// An FCM provider for the simulated project, signing with `key`.
    func fcmProvider(key: _RSA.Signing.PrivateKey = Harness.fcmKey) throws -> FCMProvider {
        let account = FCMServiceAccount(
            projectID: Self.fcmProject, privateKeyID: "key-1", privateKey: key.pkcs8PEMRepresentation,
            clientEmail: Self.fcmClientEmail, tokenURI: simulatorURL + "/token")
        return try FCMProvider(account: account, baseURL: simulatorURL, client: providerClient)
    }

    var wechatProvider: WeChatProvider {
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
    func startDispatcher(consumer: String) -> Task<Void, Never> {
        startStoppableDispatcher(consumer: consumer).task
    }

    /// Starts a dispatcher instance that can also be stopped gracefully
    /// (`dispatcher.stop()`, as SIGTERM does): its task ends once what it has in flight is done.
    func startStoppableDispatcher(consumer: String) -> (dispatcher: Dispatcher, task: Task<Void, Never>) {
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

    func stop() async {
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

    struct Reply {
        let status: UInt
        let body: String
        var headers = HTTPHeaders()
        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        }
    }

    func request(_ method: HTTPMethod, _ url: String, body: String? = nil, headers: [(String, String)] = [])
        async throws -> Reply
    {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await client.execute(request, timeout: .seconds(30))
        let collected = try await response.body.collect(upTo: 4 << 20)
        return Reply(status: response.status.code, body: String(decoding: collected.readableBytesView, as: UTF8.self),
                     headers: response.headers)
    }

    /// An authenticated API call.
    func api(_ method: HTTPMethod, _ path: String, json: String? = nil, headers: [(String, String)] = [])
        async throws -> Reply
    {
        try await request(
            method, apiURL + path, body: json,
            headers: [("Authorization", "Bearer test-key"), ("Content-Type", "application/json")] + headers)
    }

    /// Enqueues an SMS and returns its id.
    func sendSMS(to: String, body: String = "hello", extra: String = "") async throws -> String {
        let reply = try await api(
            .POST, "/v1/messages",
            json: #"{"channel":"sms","to":"\#(to)","content":{"body":"\#(body)"}\#(extra)}"#)
        #expect(reply.status == 202, "enqueue answered \(reply.status): \(reply.body)")
        return try #require(reply.json["id"] as? String)
    }

    /// Enqueues a WeChat template message and returns its id.
    func sendWeChat(to: String, extra: String = "") async throws -> String {
        let reply = try await api(
            .POST, "/v1/messages", json: #"{"channel":"wechat","to":"\#(to)","content":{"body":"您的订单已发货"}\#(extra)}"#)
        #expect(reply.status == 202, "enqueue answered \(reply.status): \(reply.body)")
        return try #require(reply.json["id"] as? String)
    }

    /// Enqueues a push notification and returns its id.
    func sendPush(to: String, extra: String = "") async throws -> String {
        let reply = try await api(
            .POST, "/v1/messages",
            json: #"{"channel":"push","to":"\#(to)","content":{"title":"Order shipped","body":"On its way"}\#(extra)}"#)
        #expect(reply.status == 202, "enqueue answered \(reply.status): \(reply.body)")
        return try #require(reply.json["id"] as? String)
    }

    /// Enqueues an email and returns its id.
    func sendEmail(to: String, extra: String = "") async throws -> String {
        let reply = try await api(
            .POST, "/v1/messages",
            json: #"{"channel":"email","to":"\#(to)","content":{"subject":"Grüße aus Herald","body":"Hello","html":"<p>Hello</p>"}\#(extra)}"#)
        #expect(reply.status == 202, "enqueue answered \(reply.status): \(reply.body)")
        return try #require(reply.json["id"] as? String)
    }

    func message(_ id: String) async throws -> StoredMessage {
        try #require(try await store.message(id: id))
    }

    func status(_ id: String) async throws -> String {
        try await message(id).fields["status"] ?? ""
    }

    struct Event: Decodable, Equatable {
        let at: Int64
        let type: String
        let detail: String
    }

    /// The message's event history, oldest first.
    func events(_ id: String) async throws -> [Event] {
        try await message(id).eventLines.map { try JSONDecoder().decode(Event.self, from: Data($0.utf8)) }
    }

    /// Waits until the message reaches `status`.
    /// On timeout the error names where the message stands and its history.
    func waitForStatus(_ id: String, _ status: String, timeout: Duration = .seconds(30)) async throws {
        do {
            try await eventually("\(id) reaches \(status)", timeout: timeout) {
                (try? await self.status(id)) == status
            }
        } catch let timeout as ConditionTimeout {
            let history = (try? await events(id).map { "\($0.at) \($0.type) \($0.detail)" }.joined(separator: "; ")) ?? "unreadable"
            throw ConditionTimeout(what: timeout.what + " (it is \((try? await self.status(id)) ?? "unreadable"): \(history))")
        }
    }

    /// Every key in Redis (on every master of a cluster), for "nothing changed" assertions.
    func keySnapshot() async throws -> [String] {
        try await keysByNode().values.flatMap { $0 }.sorted()
    }

    /// Every key, by the node that holds it (one node when not on a cluster).
    func keysByNode() async throws -> [String: [String]] {
        guard let client = redis as? RedisClusterClient else {
            return ["redis": try await redis.send(["KEYS", "*"]).orThrow().array.compactMap(\.string)]
        }
        try await client.refreshTopology()
        var keys: [String: [String]] = [:]
        for master in client.masters {
            let node = RedisClient(endpoint: RedisEndpoint(address: .tcp(
                host: "127.0.0.1", port: Int(master.split(separator: ":").last!)!)), connections: 1)
            defer { node.close() }
            keys[master] = try await node.send(["KEYS", "*"]).orThrow().array.compactMap(\.string)
        }
        return keys
    }
}

struct ConditionTimeout: Error, CustomStringConvertible {
    let what: String
    var description: String { "timed out waiting until \(what)" }
}

/// Polls `condition` until it holds or the deadline passes (then fails the test).
func eventually(_ what: String, timeout: Duration = .seconds(15), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    throw ConditionTimeout(what: what)
}

/// Runs `body` with a fresh harness and always tears it down.
@discardableResult
func withHarness<T>(_ options: HarnessOptions = HarnessOptions(), _ body: (Harness) async throws -> T) async throws -> T {
    let harness = try await Harness.start(options)
    let result: T
    do {
        result = try await body(harness)
    } catch {
        await harness.stop()
        throw error
    }
    await harness.stop()
    return result
}

/// Holds the ServiceGroup running the test's HTTP servers, so `stop()` can
/// shut them down gracefully instead of cancelling them mid-connection.
final class ServerGroupBox: Sendable {
    private let group = Mutex<ServiceGroup?>(nil)

    func set(_ value: ServiceGroup) { group.withLock { $0 = value } }

    func triggerGracefulShutdown() async {
        await group.withLock({ $0 })?.triggerGracefulShutdown()
    }
}

/// The error a background task ended with, readable from the test.
final class ErrorBox: Sendable {
    private let error = Mutex<(any Error)?>(nil)

    var value: (any Error)? { error.withLock { $0 } }

    func set(_ value: any Error) { error.withLock { $0 = value } }
}
