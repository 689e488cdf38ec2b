import Foundation
import HeraldCore
import HeraldProviders
import HeraldRedis
import HeraldTesting
import HeraldAdapters
import NIOHTTP1
import Testing

@Suite("WeChat mini-program subscribe messages")
struct MiniProgramGatewayTests {
    static let openID = "oMiniProgramOpenID000000001"

    static func send(_ h: Harness, to: String = openID, template: String = "TPL-ORDER", keywords: String = #""thing1":"订单已发货","phrase2":"配送中""#)
        async throws -> Harness.Reply
    {
        try await h.api(.POST, "/v1/messages", json: #"""
            {"channel":"miniprogram","to":"\#(to)","content":{"body":"订单已发货"},
             "data":{"template_id":"\#(template)","page":"pages/order?id=1",\#(keywords)}}
            """#)
    }

    static func accepted(_ reply: Harness.Reply) throws -> String {
        #expect(reply.status == 202, "\(reply.body)")
        return try #require(reply.json["id"] as? String)
    }

    @Test("a subscribe message carries template_id, page, state, lang and its keywords, and the sent event delivers it")
    func delivered() async throws {
        try await withHarness { h in
            let id = try Self.accepted(try await Self.send(h))
            try await h.waitForStatus(id, "delivered")
            #expect(try await h.message(id).fields[MessageHash.provider] == MiniProgramRegistration.name)
            let payload = try #require(h.ledger(MiniProgramRegistration.name).lastPayload(to: Self.openID))
            let json = try #require(try JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any])
            #expect(json["template_id"] as? String == "TPL-ORDER")
            #expect(json["page"] as? String == "pages/order?id=1")
            #expect(json["miniprogram_state"] as? String == "formal")
            #expect(json["lang"] as? String == "zh_CN")
            let data = try #require(json["data"] as? [String: [String: String]])
            #expect(data["thing1"]?["value"] == "订单已发货")
            #expect(data["phrase2"]?["value"] == "配送中")
        }
    }

    @Test("43101 ends the message suppressed as not_subscribed and blocks that template only; subscribing again lifts it")
    func notSubscribedBlocksOneTemplate() async throws {
        try await withHarness { h in
            let first = try Self.accepted(try await Self.send(h))
            try await h.waitForStatus(first, "delivered")
            // The one-time subscription is used: WeChat answers 43101.
            let refused = try Self.accepted(try await Self.send(h))
            try await h.waitForStatus(refused, "suppressed")
            #expect(try await h.message(refused).fields[MessageHash.suppressedReason] == "not_subscribed")
            let ledger = h.ledger(MiniProgramRegistration.name)
            #expect(ledger.requests(to: Self.openID) == 2)
            // The same template is held back without a call to WeChat…
            let held = try Self.accepted(try await Self.send(h))
            try await h.waitForStatus(held, "suppressed")
            #expect(ledger.requests(to: Self.openID) == 2)
            // …while another template still goes.
            let other = try Self.accepted(try await Self.send(h, template: "TPL-COUPON"))
            try await h.waitForStatus(other, "delivered")
            // The person accepts the template again in the mini-program: WeChat pushes the popup event.
            let stamp = Int64(Date().timeIntervalSince1970)
            let popup = "<xml><ToUserName><![CDATA[gh_mp]]></ToUserName><FromUserName><![CDATA[\(Self.openID)]]></FromUserName>"
                + "<CreateTime>\(stamp)</CreateTime><MsgType><![CDATA[event]]></MsgType>"
                + "<Event><![CDATA[subscribe_msg_popup_event]]></Event><SubscribeMsgPopupEvent><List>"
                + "<TemplateId><![CDATA[TPL-ORDER]]></TemplateId><SubscribeStatusString><![CDATA[accept]]></SubscribeStatusString>"
                + "<PopupScene>0</PopupScene></List></SubscribeMsgPopupEvent></xml>"
            let pushed = try await Self.push(h, popup)
            #expect(pushed.status == 200, "\(pushed.body)")
            h.simulator(MiniProgramSimulator.self).subscribe(Self.openID, template: "TPL-ORDER")
            let again = try Self.accepted(try await Self.send(h))
            try await h.waitForStatus(again, "delivered")
        }
    }

    static func push(_ h: Harness, _ body: String, token: String = Harness.secret(MiniProgramRegistration.self, "server_token"))
        async throws -> Harness.Reply
    {
        let stamp = String(Int64(Date().timeIntervalSince1970))
        let signature = WeChatSignature.compute(token: token, timestamp: stamp, nonce: "77")
        return try await h.request(
            .POST, h.apiURL + "/v1/receipts/miniprogram?signature=\(signature)&timestamp=\(stamp)&nonce=77", body: body,
            headers: [("Content-Type", "text/xml")])
    }

    @Test("a keyword that breaks WeChat's rule for its type is a 422 naming it, and nothing is queued",
          arguments: [#""thing1":"一二三四五六七八九十一二三四五六七八九十一""#, #""phrase2":"六个汉字不行""#,
                      #""number3":"12a""#, #""amount4":"¥12345678901""#, #""letter5":"abc1""#, #""bogus6":"x""#])
    func keywordRules(keyword: String) async throws {
        try await withHarness(HarnessOptions(startDispatcher: false)) { h in
            let reply = try await Self.send(h, keywords: keyword)
            #expect(reply.status == 422, "\(reply.body)")
            let field = (reply.json["error"] as? [String: Any])?["field"] as? String
            let name = String(keyword.dropFirst().prefix { $0 != "\"" })
            #expect(field == "data." + name)
        }
    }

    @Test("a message without data.template_id is a 422 naming it")
    func templateRequired() async throws {
        try await withHarness(HarnessOptions(startDispatcher: false)) { h in
            let reply = try await h.api(.POST, "/v1/messages", json: #"{"channel":"miniprogram","to":"\#(Self.openID)","content":{"body":"x"}}"#)
            #expect(reply.status == 422)
            #expect((reply.json["error"] as? [String: Any])?["field"] as? String == "data.template_id")
        }
    }

    @Test("a push signed with another token is refused (403), and an unsigned one (401)")
    func forgedPushRefused() async throws {
        try await withHarness(HarnessOptions(startDispatcher: false)) { h in
            let body = MiniProgramEvent.sentXML(account: "gh", openID: Self.openID, createTime: 1,
                                                results: [.init(templateID: "T", msgID: "1", errorCode: "0", errorStatus: "success")])
            let forged = try await Self.push(h, body, token: "not-the-token")
            let unsigned = try await h.request(.POST, h.apiURL + "/v1/receipts/miniprogram", body: body)
            #expect(forged.status == 403)
            #expect(unsigned.status == 401)
        }
    }

    @Test("a second instance uses the mini-program token the first minted, through Redis; 42001 refreshes it once")
    func tokenShared() async throws {
        try await withHarness(HarnessOptions(startDispatcher: false)) { h in
            let message = OutboundMessage(
                id: "miniprogram_01M8KG1N9F9EP3F1R4EMJJD91G", channel: .miniprogram, to: Self.openID, body: "x",
                dataJSON: #"{"template_id":"T1","thing1":"x"}"#)
            let first = try h.provider(MiniProgramProvider.self)
            let context = h.providerContext(for: MiniProgramRegistration.self)
            let second = try #require(try MiniProgramRegistration.makeProvider(context) as? MiniProgramProvider)
            guard case .accepted = await first.send(message) else { Issue.record("first send not accepted"); return }
            var other = message
            other.dataJSON = #"{"template_id":"T2","thing1":"x"}"#
            guard case .accepted = await second.send(other) else { Issue.record("second send not accepted"); return }
            let simulator = h.simulator(MiniProgramSimulator.self)
            #expect(simulator.tokensIssued == 1)
            simulator.expireTokens()
            other.dataJSON = #"{"template_id":"T3","thing1":"x"}"#
            guard case .accepted = await second.send(other) else { Issue.record("send after expiry not accepted"); return }
            #expect(simulator.tokensIssued == 2)
        }
    }
}
