import Foundation
import HeraldCore
import HeraldDispatch
import HeraldProviders
import HeraldSimulators
import HeraldTesting
import Testing
import HeraldAdapters

/// The sender called directly against the simulator: how each of WeCom's
/// answers ends a send, the shared token, the duplicate check and the
/// doctor's check. No dispatcher runs.
@Suite("WeCom sender against the simulator")
struct WeComProviderTests {
    static func message(_ userID: String, id: String = "wecom_00000000000000000000000001", data: String? = nil) -> OutboundMessage {
        OutboundMessage(id: id, channel: .wecom, to: userID, body: "服务器已恢复", dataJSON: data)
    }

    /// A second instance of the sandbox's sender, as another Herald process would build it.
    static func otherInstance(_ h: Harness, corpID: String = WeComRegistration.sandboxCorpID,
                              secret: String = Harness.secret(WeComRegistration.self, "corp_secret"),
                              agentID: Int = WeComRegistration.sandboxAgentID) -> WeComProvider
    {
        WeComProvider(
            configuration: WeComConfiguration(baseURL: h.simulatorURL, corpID: corpID, corpSecret: secret, agentID: agentID),
            client: h.providerClient, sharedTokens: RedisTokenStore(redis: h.redis))
    }

    @Test("each errcode ends the send as WeCom means it; configuration errors name the setting to fix")
    func errcodes() async throws {
        try await withHarness(HarnessOptions(startDispatcher: false)) { h in
            let provider = try h.provider(WeComProvider.self)
            let simulator = h.simulator(WeComSimulator.self)
            let expected: [(code: Int, outcome: String, mentions: String)] = [
                (81013, "invalidRecipient", "not a member"), (40003, "invalidRecipient", "not a member"),
                (45009, "throttled", "freq out of limit"), (45033, "throttled", "concurrent"), (-1, "retryable", "busy"),
                (60020, "permanent", "企业可信IP"), (40056, "permanent", "HERALD_WECOM_AGENT_ID"),
                (301002, "permanent", "HERALD_WECOM_AGENT_ID and HERALD_WECOM_CORP_SECRET"),
                (48002, "permanent", "permissions"), (40001, "permanent", "HERALD_WECOM_CORP_SECRET"),
                (40013, "permanent", "HERALD_WECOM_CORP_ID"), (40091, "permanent", "HERALD_WECOM_CORP_SECRET"),
                (82004, "permanent", "invalid"), (44004, "permanent", "empty"), (41033, "permanent", "description"),
                (45002, "permanent", "size limit"), (99999, "permanent", "WeCom"),
            ]
            for item in expected {
                let userID = "errcode-\(item.code)"
                simulator.answer(userID, with: .errcode(item.code))
                let outcome = await provider.send(Self.message(userID))
                let (kind, code, text) = Self.describe(outcome)
                #expect(kind == item.outcome, "\(item.code): \(outcome)")
                #expect(code == String(item.code), "\(item.code): \(outcome)")
                #expect(text.contains(item.mentions), "\(item.code): \(outcome)")
            }
        }
    }

    @Test("errcode 0 listing the userid in invaliduser or unlicenseduser (lower-cased) is an invalid recipient; another userid listed is not")
    func listedUsers() async throws {
        try await withHarness(HarnessOptions(startDispatcher: false)) { h in
            let provider = try h.provider(WeComProvider.self)
            let simulator = h.simulator(WeComSimulator.self)
            simulator.answer("Outside.Range", with: .listed(unlicensed: false))
            simulator.answer("NoLicense", with: .listed(unlicensed: true))
            #expect(Self.describe(await provider.send(Self.message("Outside.Range"))).code == "invaliduser")
            #expect(Self.describe(await provider.send(Self.message("NoLicense"))).code == "unlicenseduser")
            #expect(h.ledger(WeComRegistration.name).accepted(to: "NoLicense") == 0)
            guard case .accepted(let msgID, .delivered) = await provider.send(Self.message("listed-nobody")), !msgID.isEmpty else {
                Issue.record("a reply with empty invaliduser is a send")
                return
            }
        }
    }

    @Test("token refusals: a wrong corpid or secret ends the send naming the setting; a busy gettoken is retried")
    func tokenRefusals() async throws {
        try await withHarness(HarnessOptions(startDispatcher: false)) { h in
            let wrongCorp = await Self.otherInstance(h, corpID: "wwnotthecorp00001").send(Self.message("u1"))
            #expect(Self.describe(wrongCorp).kind == "permanent" && Self.describe(wrongCorp).text.contains("HERALD_WECOM_CORP_ID"))
            let wrongSecret = await Self.otherInstance(h, secret: "not-the-secret", agentID: 5).send(Self.message("u1"))
            #expect(Self.describe(wrongSecret).code == "40001" && Self.describe(wrongSecret).text.contains("HERALD_WECOM_CORP_SECRET"))

            let simulator = h.simulator(WeComSimulator.self)
            simulator.refuseTokens(errcode: -1)
            #expect(Self.describe(await Self.otherInstance(h, agentID: 7).send(Self.message("u1"))).kind == "retryable")
            simulator.refuseTokens(errcode: nil)
        }
    }

    @Test("42001 refreshes the token once, and a second instance over the same Redis uses it instead of minting its own")
    func tokenSharedAcrossInstances() async throws {
        try await withHarness(HarnessOptions(startDispatcher: false)) { h in
            let simulator = h.simulator(WeComSimulator.self)
            let first = try h.provider(WeComProvider.self)
            let second = Self.otherInstance(h)
            guard case .accepted = await first.send(Self.message("shared-1")),
                  case .accepted = await second.send(Self.message("shared-2", id: "wecom_00000000000000000000000002"))
            else {
                Issue.record("both instances send")
                return
            }
            #expect(simulator.tokensIssued == 1, "the second instance used the first one's token")
            #expect(await second.tokens.refreshes == 0)

            simulator.expireTokens()
            guard case .accepted = await first.send(Self.message("shared-3", id: "wecom_00000000000000000000000003")) else {
                Issue.record("the first instance refreshes and sends")
                return
            }
            #expect(simulator.tokensIssued == 2)
            // The second still holds the expired token: its 42001 finds the refreshed one in Redis.
            guard case .accepted = await second.send(Self.message("shared-4", id: "wecom_00000000000000000000000004")) else {
                Issue.record("the second instance adopts the refreshed token")
                return
            }
            #expect(simulator.tokensIssued == 2, "one token minted for both instances")
            #expect(await first.tokens.refreshes == 2)
            #expect(await second.tokens.refreshes == 0)
        }
    }

    @Test("a retried send's JSON is identical, so WeCom's duplicate check answers ok without a second message")
    func duplicateCheck() async throws {
        try await withHarness(HarnessOptions(startDispatcher: false)) { h in
            let provider = try h.provider(WeComProvider.self)
            let simulator = h.simulator(WeComSimulator.self)
            let message = Self.message("repeat-user", data: #"{"msgtype":"textcard","url":"https://a.example/1"}"#)
            var card = message
            card.title = "告警"
            guard case .accepted(let one, _) = await provider.send(card), case .accepted(let two, _) = await provider.send(card) else {
                Issue.record("both sends are accepted")
                return
            }
            #expect(one == two)
            #expect(h.ledger(WeComRegistration.name).accepted(to: "repeat-user") == 1)
            #expect(simulator.duplicatesDropped == 1)
            // Another Herald message with the same content carries another id, so it is not a repeat.
            var other = card
            other.id = "wecom_00000000000000000000000009"
            guard case .accepted(let three, _) = await provider.send(other) else {
                Issue.record("the second message is accepted")
                return
            }
            #expect(three != one)
            #expect(h.ledger(WeComRegistration.name).accepted(to: "repeat-user") == 2)
        }
    }

    @Test("a message over a limit that reaches the sender (queued by an older Herald) fails before any request")
    func limitAtSend() async throws {
        try await withHarness(HarnessOptions(startDispatcher: false)) { h in
            let provider = try h.provider(WeComProvider.self)
            var message = Self.message("late-user")
            message.body = String(repeating: "长", count: 700)
            let outcome = Self.describe(await provider.send(message))
            #expect(outcome.kind == "permanent" && outcome.code == "too_long" && outcome.text.contains("content.body"))
            #expect(h.ledger(WeComRegistration.name).requests(to: "late-user") == 0)
        }
    }

    @Test("the doctor's check: a token and agent/get; a disabled app, an untrusted IP or a wrong agentid fail with the fix")
    func credentials() async throws {
        try await withHarness(HarnessOptions(startDispatcher: false)) { h in
            let provider = try h.provider(WeComProvider.self)
            let simulator = h.simulator(WeComSimulator.self)
            guard case .valid(let text) = await provider.checkCredentials() else {
                Issue.record("the sandbox's app checks out")
                return
            }
            #expect(text.contains("enabled"))
            simulator.closeApp()
            #expect(await Self.verdict(provider).contains("close=1"))
            simulator.closeApp(false)
            #expect(await Self.verdict(Self.otherInstance(h, agentID: 1_000_099)).contains("HERALD_WECOM_AGENT_ID"))
            simulator.refuseTokens(errcode: 60020)
            #expect(await Self.verdict(Self.otherInstance(h, agentID: 1_000_098)).contains("企业可信IP"))
            simulator.refuseTokens(errcode: nil)
            let sends = h.ledger(WeComRegistration.name).requests
            #expect(sends == 0, "the check sends nothing")
        }
    }

    /// The text of an invalid verdict; "valid" when it is valid.
    static func verdict(_ provider: WeComProvider) async -> String {
        switch await provider.checkCredentials() {
        case .valid: "valid"
        case .invalid(let text): text
        }
    }

    /// An outcome as (kind, code, message) for compact expectations.
    static func describe(_ outcome: SendOutcome) -> (kind: String, code: String, text: String) {
        switch outcome {
        case .accepted(let id, _): ("accepted", id, "")
        case .retryable(let code, let message, _): ("retryable", code, message)
        case .throttled(let code, let message, _): ("throttled", code, message)
        case .permanent(let code, let message): ("permanent", code, message)
        case .invalidRecipient(let code, let message): ("invalidRecipient", code, message)
        case .optedOut(let code, let message): ("optedOut", code, message)
        case .declined(let code, let message, _): ("declined", code, message)
        }
    }
}
