import Foundation
import HeraldCore
import HeraldDispatch
import HeraldProviders
import HeraldSimulators
import HeraldTesting
import NIOHTTP1
import Testing
import HeraldAdapters

@Suite("WeChat template messages")
struct WeChatTests {
    @Test("a template message carries template_id, url, keywords and client_msg_id, and the job-finish event delivers it", arguments: RedisLayout.allCases)
    func delivered(layout: RedisLayout) async throws {
        try await withHarness(on: layout) { h in
            let id = try await h.sendWeChat(
                to: "oia2TjuEGTNoeX76QEjQNrcURxG8",
                extra: #","data":{"template_id":"TM00099","url":"https://shop.example.com/o/1","name":"李雷","count":3}"#)
            try await h.waitForStatus(id, "delivered")
            let message = try await h.message(id)
            #expect(message.fields["provider"] == "wechat")
            #expect(message.fields["provider_message_id"]?.allSatisfy(\.isNumber) == true)
            let payload = try #require(h.ledger(WeChatRegistration.name).lastPayload(to: "oia2TjuEGTNoeX76QEjQNrcURxG8"))
            let json = try #require(try JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any])
            #expect(json["template_id"] as? String == "TM00099")
            #expect(json["client_msg_id"] as? String == id)
            #expect(json["url"] as? String == "https://shop.example.com/o/1")
            let data = try #require(json["data"] as? [String: [String: String]])
            #expect(data["name"]?["value"] == "李雷")
            #expect(data["count"]?["value"] == "3")
            #expect(try await h.events(id).contains { $0.type == "receipt:delivered" })
        }
    }

    @Test("errcode -1 is retried; 40003 fails and suppresses; 43004 (not following) ends suppressed", arguments: RedisLayout.allCases)
    func errors(layout: RedisLayout) async throws {
        var options = HarnessOptions()
        options.faults[WeChatRegistration.name] = { openID, attempt in
            switch openID {
            case "invalid-openid-1": .invalidRecipient
            case "unfollowed-openid": .optedOut
            default: attempt == 1 ? .serverError : nil
            }
        }
        try await withHarness(options, on: layout) { h in
            let retried = try await h.sendWeChat(to: "busy-openid-1")
            try await h.waitForStatus(retried, "delivered")
            #expect(try await h.message(retried).attempts == 2)

            let invalid = try await h.sendWeChat(to: "invalid-openid-1")
            try await h.waitForStatus(invalid, "failed")
            #expect(try await h.api(.GET, "/v1/suppressions/wechat/invalid-openid-1").status == 200)

            let unfollowed = try await h.sendWeChat(to: "unfollowed-openid")
            try await h.waitForStatus(unfollowed, "suppressed")
            #expect(try await h.message(unfollowed).fields["error"]?.contains("43004") == true)
            let again = try await h.sendWeChat(to: "unfollowed-openid")
            try await h.waitForStatus(again, "suppressed")
            #expect(h.ledger(WeChatRegistration.name).requests(to: "unfollowed-openid") == 1)
        }
    }

    @Test("a blocked follower's failed:user block receipt marks the message undelivered and suppresses them")
    func userBlock() async throws {
        try await withHarness { h in
            let id = try await h.sendWeChat(to: "blocked-openid-1")
            try await h.waitForStatus(id, "undelivered")
            #expect(try await h.events(id).contains { $0.detail.contains("user block") })
            // The suppression lives in the channel's slot, written just after the receipt's transition.
            try await eventually("the block suppresses the follower") {
                try await h.api(.GET, "/v1/suppressions/wechat/blocked-openid-1").status == 200
            }
        }
    }

    @Test("an expired token is refreshed once for many concurrent sends, and shared through Redis", arguments: RedisLayout.allCases)
    func tokenRefresh(layout: RedisLayout) async throws {
        try await withHarness(on: layout) { h in
            let first = try await h.sendWeChat(to: "token-openid-0")
            try await h.waitForStatus(first, "delivered")
            #expect(h.simulator(WeChatSimulator.self).tokensIssued == 1)
            let shared = try await h.redis.send(["GET", "herald:{wechat}:token:" + WeChatRegistration.sandboxAppID]).string
            #expect(shared?.hasPrefix("sim-") == true)

            h.simulator(WeChatSimulator.self).expireTokens()
            var ids: [String] = []
            for index in 1...8 { ids.append(try await h.sendWeChat(to: "token-openid-\(index)")) }
            for id in ids { try await h.waitForStatus(id, "delivered") }
            #expect(h.simulator(WeChatSimulator.self).tokensIssued == 2, "one refresh for all senders that saw 42001")
            for id in ids { #expect(try await h.message(id).attempts == 1, "the refresh retried within the attempt") }
            let refreshed = try await h.redis.send(["GET", "herald:{wechat}:token:" + WeChatRegistration.sandboxAppID]).string
            #expect(refreshed != shared)
        }
    }

    @Test("a second instance uses the token the first minted, through Redis, instead of minting its own")
    func tokenSharedAcrossInstances() async throws {
        try await withHarness(HarnessOptions(startDispatcher: false)) { h in
            let first = try await h.provider(WeChatProvider.self).send(
                OutboundMessage(id: "wechat_00000000000000000000000002", channel: .wechat, to: "shared-openid-1", body: "hi"))
            guard case .accepted = first else {
                Issue.record("expected accepted, got \(first)")
                return
            }
            let otherInstance = WeChatProvider(
                configuration: WeChatConfiguration(
                    baseURL: h.simulatorURL, appID: WeChatRegistration.sandboxAppID, appSecret: Harness.secret(WeChatRegistration.self, "app_secret"),
                    defaultTemplateID: "TM00015"),
                client: h.providerClient, sharedTokens: RedisTokenStore(redis: h.redis))
            let second = await otherInstance.send(
                OutboundMessage(id: "wechat_00000000000000000000000003", channel: .wechat, to: "shared-openid-2", body: "hi"))
            guard case .accepted = second else {
                Issue.record("expected accepted, got \(second)")
                return
            }
            #expect(h.simulator(WeChatSimulator.self).tokensIssued == 1)
            #expect(await otherInstance.tokens.refreshes == 0)
        }
    }

    @Test("client_msg_id makes a repeated send return the first msgid without a second message")
    func clientMessageID() async throws {
        try await withHarness(HarnessOptions(startDispatcher: false)) { h in
            let message = OutboundMessage(id: "wechat_00000000000000000000000001", channel: .wechat, to: "repeat-openid", body: "hi")
            let first = try await h.provider(WeChatProvider.self).send(message)
            let second = try await h.provider(WeChatProvider.self).send(message)
            guard case .accepted(let one, _) = first, case .accepted(let two, _) = second else {
                Issue.record("expected both accepted: \(first), \(second)")
                return
            }
            #expect(one == two)
            #expect(h.ledger(WeChatRegistration.name).accepted(to: "repeat-openid") == 1)
        }
    }

    @Test("pushes with a forged, missing or stale signature, or malformed XML, are refused; redeliveries count once")
    func forgedPushes() async throws {
        var options = HarnessOptions()
        options.callbackDelay = .seconds(3_600)
        try await withHarness(options) { h in
            let id = try await h.sendWeChat(to: "forge-openid-1")
            try await h.waitForStatus(id, "sent")
            let msgID = try #require(try await h.message(id).fields["provider_message_id"])
            let xml = WeChatEvent.templateSendFinishedXML(
                account: "gh_test", openID: "forge-openid-1", createTime: Int64(Date().timeIntervalSince1970),
                msgID: msgID, status: "success")
            #expect(try await h.pushWeChat(xml: xml, token: "not-the-token").status == 403)
            #expect(try await h.pushWeChat(xml: xml, timestamp: Int64(Date().timeIntervalSince1970) - 3_600).status == 403)
            #expect(try await h.request(.POST, h.apiURL + "/v1/receipts/wechat", body: xml).status == 401)
            #expect(try await h.pushWeChat(xml: "<xml><MsgType>event</MsgType>").status == 400)
            #expect(try await h.pushWeChat(xml: "<xml><A><B>1</B></A></xml>").status == 400)
            #expect(try await h.status(id) == "sent")

            #expect(try await h.pushWeChat(xml: xml).status == 200)
            #expect(try await h.pushWeChat(xml: xml).status == 200)
            #expect(try await h.status(id) == "delivered")
            let metrics = String(decoding: h.metrics.render(), as: UTF8.self)
            #expect(metrics.contains(#"herald_receipts_total{provider="wechat",result="applied"} 1"#))
            #expect(metrics.contains(#"herald_receipts_total{provider="wechat",result="duplicate"} 1"#))
        }
    }

    @Test("the echostr handshake answers only a correctly signed request")
    func handshake() async throws {
        try await withHarness(HarnessOptions(startDispatcher: false)) { h in
            let stamp = String(Int64(Date().timeIntervalSince1970))
            let signature = WeChatSignature.compute(token: Harness.secret(WeChatRegistration.self, "server_token"), timestamp: stamp, nonce: "42")
            let good = try await h.request(
                .GET, h.apiURL + "/v1/receipts/wechat?signature=\(signature)&timestamp=\(stamp)&nonce=42&echostr=hello123")
            #expect(good.status == 200)
            #expect(good.body == "hello123")
            let bad = try await h.request(
                .GET, h.apiURL + "/v1/receipts/wechat?signature=deadbeef&timestamp=\(stamp)&nonce=42&echostr=hello123")
            #expect(bad.status == 403)
        }
    }

    @Test("an unfollow event suppresses the openid")
    func unfollow() async throws {
        try await withHarness(HarnessOptions(startDispatcher: false)) { h in
            let xml = "<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[gone-openid-1]]></FromUserName><CreateTime>\(Int(Date().timeIntervalSince1970))</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[unsubscribe]]></Event></xml>"
            #expect(try await h.pushWeChat(xml: xml).status == 200)
            let entry = try await h.api(.GET, "/v1/suppressions/wechat/gone-openid-1")
            #expect(entry.json["reason"] as? String == "unsubscribed")
        }
    }
}
