import AsyncHTTPClient
import Crypto
import Foundation
import HeraldCore
import HeraldProviders
import HeraldRedis
import HeraldSimulators
import HeraldTesting
import NIOCore
import Testing
import HeraldAdapters

/// Where webhooks may connect, with API keys configured (not the sandbox):
/// loopback, link-local, private and other non-public targets are refused at
/// acceptance (422 naming `to`, nothing stored) and again at connect time,
/// unless `HERALD_WEBHOOK_ALLOWED_NETWORKS` (here `outsideSandbox(allowing:)`)
/// lists their network. Redirects are not followed and answers are read only
/// so far.
@Suite("Webhook egress")
struct WebhookEgressTests {
    static func webhook(_ url: String) -> String {
        #"{"channel":"webhook","to":"\#(url)","content":{"body":"probe"}}"#
    }

    static func error(_ reply: Harness.Reply) -> [String: Any] {
        reply.json["error"] as? [String: Any] ?? [:]
    }

    /// A harness whose webhook provider is configured as outside the sandbox
    /// (no loopback allowance), allowing only `networks`.
    static func outsideSandbox(allowing networks: String?) -> HarnessOptions {
        var options = HarnessOptions()
        options.outsideSandbox = [WebhookRegistration.name]
        options.settings["HERALD_WEBHOOK_SECRET"] = Harness.secret(WebhookRegistration.self, "secret")
        if let networks { options.settings[WebhookEgress.allowedNetworksKey] = networks }
        return options
    }

    static func redisPort(_ h: Harness) -> Int {
        guard case .tcp(_, let port) = h.redisServer.endpoint.address else { return 0 }
        return port
    }

    @Test("with no network allowed, webhooks to loopback (Redis's own port too), link-local and private addresses are refused with 422 naming `to`, and nothing is stored")
    func refusedAtAcceptance() async throws {
        var options = Self.outsideSandbox(allowing: nil)
        // No dispatcher: its consumer groups would appear in Redis while the test compares snapshots.
        options.startDispatcher = false
        try await withHarness(options) { h in
            let before = try await h.keySnapshot()
            let redis = Self.redisPort(h)
            let targets = [
                h.simulatorURL + "/hooks/internal", "http://127.0.0.1:\(redis)/", "http://localhost:\(redis)/x",
                "http://[::1]:\(redis)/", "http://[::ffff:127.0.0.1]:\(redis)/", "http://2130706433:\(redis)/",
                "http://0.0.0.0:\(redis)/", "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/hook",
                "http://[fd00::1]/hook", "https://192.168.1.1/hook?token=abc",
            ]
            for target in targets {
                let reply = try await h.api(.POST, "/v1/messages", json: Self.webhook(target))
                #expect(reply.status == 422, "\(target): \(reply.body)")
                #expect(Self.error(reply)["field"] as? String == "to", "\(target): \(reply.body)")
                #expect(Self.error(reply)["code"] as? String == "address_not_allowed", "\(target): \(reply.body)")
            }
            // The reply says the target is refused, not what the name resolves to.
            let named = try await h.api(.POST, "/v1/messages", json: Self.webhook("http://localhost:\(redis)/"))
            #expect(!named.body.contains("127.0.0.1"), "\(named.body)")

            let unknown = try await h.api(.POST, "/v1/messages", json: Self.webhook("https://no-such-host.invalid/hook"))
            #expect(unknown.status == 422)
            #expect(Self.error(unknown)["field"] as? String == "to")
            #expect(Self.error(unknown)["code"] as? String == "unresolvable_host")

            let items = [Self.webhook("http://127.0.0.1:\(redis)/"), Self.webhook("http://169.254.169.254/")]
            let batch = try await h.api(.POST, "/v1/messages/batch", json: #"{"messages":[\#(items.joined(separator: ","))]}"#)
            #expect(batch.status == 422, "\(batch.body)")
            #expect(batch.json["rejected"] as? Int == 2)
            let results = try #require(batch.json["results"] as? [[String: Any]])
            #expect(results.map { ($0["error"] as? [String: Any])?["field"] as? String } == ["messages[0].to", "messages[1].to"])
            #expect(results.allSatisfy { ($0["error"] as? [String: Any])?["code"] as? String == "address_not_allowed" })

            #expect(try await h.keySnapshot() == before)

            // In a mixed batch the refused item gets its error in place and the others are stored.
            let mixed = try await h.api(.POST, "/v1/messages/batch", json: #"{"messages":[{"channel":"sms","to":"+14155550190","content":{"body":"ok"}},\#(Self.webhook(h.simulatorURL + "/hooks/internal"))]}"#)
            #expect(mixed.status == 202)
            let outcomes = try #require(mixed.json["results"] as? [[String: Any]])
            #expect(outcomes.first?["id"] as? String != nil)
            #expect((outcomes.last?["error"] as? [String: Any])?["field"] as? String == "messages[1].to")
        }
    }

    @Test("with 127.0.0.0/8 allowed, the same webhooks are accepted and delivered to the loopback receiver, by address and by name")
    func allowedNetwork() async throws {
        let options = Self.outsideSandbox(allowing: "127.0.0.0/8")
        try await withHarness(options) { h in
            let port = h.simulatorURL.split(separator: ":").last!
            var ids: [String] = []
            for url in [h.simulatorURL + "/hooks/by-address", "http://localhost:\(port)/hooks/by-name"] {
                let reply = try await h.api(.POST, "/v1/messages", json: Self.webhook(url))
                #expect(reply.status == 202, "\(reply.body)")
                ids.append(try #require(reply.json["id"] as? String))
            }
            for id in ids { try await h.waitForStatus(id, "delivered") }
            #expect(h.ledger(WebhookRegistration.name).accepted(to: "hooks/by-address") == 1)
            #expect(h.ledger(WebhookRegistration.name).accepted(to: "hooks/by-name") == 1)
            // ::1 is not in 127.0.0.0/8.
            let v6 = try await h.api(.POST, "/v1/messages", json: Self.webhook("http://[::1]:\(port)/hooks/v6"))
            #expect(v6.status == 422)
        }
    }

    @Test("an encrypted webhook URL, which acceptance cannot read, is refused at connect time: the message fails after one attempt as address_not_allowed and the receiver sees nothing")
    func refusedAtConnect() async throws {
        let keyring = RecipientKeyring(keys: [("k1", SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) })])
        var options = Self.outsideSandbox(allowing: nil)
        options.recipientKeys = keyring
        try await withHarness(options) { h in
            let sealed = try keyring.encrypt(h.simulatorURL + "/hooks/sealed", mode: .aes256GCM)
            let reply = try await h.api(.POST, "/v1/messages", json: #"{"channel":"webhook","to":"\#(sealed)","to_encryption":"aes","content":{"body":"x"}}"#)
            #expect(reply.status == 202, "\(reply.body)")
            let id = try #require(reply.json["id"] as? String)
            try await h.waitForStatus(id, "failed")
            let message = try await h.message(id)
            #expect(message.fields["error"]?.hasPrefix("address_not_allowed") == true, "\(message.fields)")
            #expect(message.fields["attempts"] == "1")
            #expect(h.ledger(WebhookRegistration.name).requests == 0)
        }
    }

    @Test("the webhook client resolves, checks, then connects to that address: a name for loopback is refused before any connection unless allowed, and allowed it keeps the name in Host and TLS")
    func connectTime() async throws {
        let server = try await ScriptedHTTPServer.start(tls: try SimulatorTLS.serverConfiguration())
        let message = OutboundMessage(id: "webhook_01", channel: .webhook, to: "https://localhost:\(server.port)/echo", body: "hi")
        let strict = try WebhookEgress.client(
            policy: EgressPolicy(), maxConnectionsPerHost: 2, readTimeout: .seconds(10), trustRootsPEM: SimulatorTLS.certificatePEM)
        let refused = await WebhookProvider(secret: "s", client: strict).send(message)
        guard case .permanent(let code, _) = refused else {
            Issue.record("a refused target is a permanent failure, got \(refused)")
            return
        }
        #expect(code == "address_not_allowed")
        #expect(server.connections == 0)
        await #expect(throws: ProviderHTTPError.self) {
            _ = try await strict.execute(ProviderRequest(url: "http://127.0.0.1:\(server.port)/echo"))
        }
        #expect(server.connections == 0)

        let allowed = try WebhookEgress.client(
            policy: EgressPolicy(allowedNetworks: [try IPNetwork(parsing: "127.0.0.0/8")]), maxConnectionsPerHost: 2,
            readTimeout: .seconds(10), trustRootsPEM: SimulatorTLS.certificatePEM)
        let echoed = try await allowed.execute(ProviderHTTPClientTests.post("https://localhost:\(server.port)/echo", "x"))
        #expect(String(buffer: echoed.body) == "POST localhost:\(server.port) x")
        #expect(await WebhookProvider(secret: "s", client: allowed).send(message) == .accepted(providerMessageID: "webhook_01", status: .delivered))
        await strict.shutdown()
        await allowed.shutdown()
    }

    @Test("a redirect is not followed but fails the message, and a long answer is read only up to 64 KiB")
    func redirectsAndLongAnswers() async throws {
        let server = try await ScriptedHTTPServer.start()
        let client = try WebhookEgress.client(
            policy: EgressPolicy(allowedNetworks: EgressPolicy.loopback), maxConnectionsPerHost: 2, readTimeout: .seconds(10))
        let provider = WebhookProvider(secret: "s", client: client)
        let redirected = await provider.send(OutboundMessage(id: "webhook_02", channel: .webhook, to: server.url("/redirect"), body: "x"))
        guard case .permanent(let code, _) = redirected else {
            Issue.record("a 3xx is a permanent failure, got \(redirected)")
            return
        }
        #expect(code == "http_302")
        let big = try await client.execute(ProviderRequest(url: server.url("/big")))
        #expect(big.status == 200)
        #expect(big.body.readableBytes == WebhookEgress.maxResponseBytes)
        let delivered = await provider.send(OutboundMessage(id: "webhook_03", channel: .webhook, to: server.url("/big"), body: "x"))
        #expect(delivered == .accepted(providerMessageID: "webhook_03", status: .delivered))
        await client.shutdown()
    }

    @Test("herald serve: with API keys a webhook to its own Redis is refused, a malformed HERALD_WEBHOOK_ALLOWED_NETWORKS stops it, and the sandbox keeps loopback only")
    func served() async throws {
        let directory = NSTemporaryDirectory() + "herald-egress-" + UUID().uuidString
        let redisPort = try LocalRedisServer.freePort()
        let server = try LocalRedisServer(directory: directory, port: redisPort, appendOnly: false)
        defer {
            server.stop()
            try? FileManager.default.removeItem(atPath: directory)
        }
        let port = try LocalRedisServer.freePort()
        let environment = ["HERALD_API_KEYS": "k", "HERALD_WEBHOOK_SECRET": "s", "HERALD_REDIS_URL": server.endpoint.description,
                           "HERALD_HTTP_PORT": String(port)]
        let malformed = try await HeraldProcess.run(
            ["serve"], environment: environment.merging(["HERALD_WEBHOOK_ALLOWED_NETWORKS": "10.0.0.0/33"]) { _, new in new })
        #expect(malformed.status == 1, "\(malformed.output)")
        #expect(malformed.output.contains("HERALD_WEBHOOK_ALLOWED_NETWORKS: '10.0.0.0/33'"), "\(malformed.output)")

        let keyed = try HeraldProcess.start(["serve"], environment: environment)
        let base = "http://127.0.0.1:\(port)"
        do {
            try await eventually("herald answers", timeout: .seconds(60)) {
                guard keyed.process.isRunning else { throw ConditionTimeout(what: "herald keeps running: \(keyed.printed)") }
                return (try? await HTTPClient.shared.execute(HTTPClientRequest(url: base + "/ready"), timeout: .seconds(1)))?
                    .status == .ok
            }
            var request = HTTPClientRequest(url: base + "/v1/messages")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer k")
            request.body = .bytes(ByteBuffer(string: Self.webhook("http://127.0.0.1:\(redisPort)/")))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            let body = String(buffer: try await response.body.collect(upTo: 1 << 20))
            #expect(response.status.code == 422, "\(body)")
            #expect(body.contains(#""field":"to""#) && body.contains("address_not_allowed"), "\(body)")
        } catch {
            _ = try? await keyed.stop()
            throw error
        }
        _ = try await keyed.stop()

        let sandbox = try await ServedHerald.start(["HERALD_REDIS_URL": server.endpoint.description])
        do {
            #expect(try await sandbox.post("/v1/messages", Self.webhook("http://127.0.0.1:1/hook")).status == 202)
            let privateTarget = try await sandbox.post("/v1/messages", Self.webhook("http://10.0.0.1/hook"))
            #expect(privateTarget.status == 422)
            #expect((privateTarget.json["error"] as? [String: Any])?["code"] as? String == "address_not_allowed")
        } catch {
            _ = try? await sandbox.stop()
            throw error
        }
        try await sandbox.stop()
    }
}
