import Foundation
import HeraldCore
import HeraldDispatch
import HeraldProviders
import HeraldSimulators
import HeraldTesting
import Testing
import HeraldAdapters

extension Harness {
    /// Enqueues a WeCom app message (`content` and `data` are JSON object texts) and returns its id.
    func sendWeCom(to userID: String, content: String = #"{"body":"您的审批已通过"}"#, data: String? = nil) async throws -> String {
        let reply = try await postWeCom(to: userID, content: content, data: data)
        guard reply.status == 202, let id = reply.json["id"] as? String else {
            throw HarnessError("enqueue answered \(reply.status): \(reply.body)")
        }
        return id
    }

    /// POSTs a WeCom app message and returns the reply as it is.
    func postWeCom(to userID: String, content: String, data: String? = nil) async throws -> Reply {
        try await api(.POST, "/v1/messages", json: #"{"channel":"wecom","to":"\#(userID)","content":\#(content)"#
            + (data.map { #","data":\#($0)"# } ?? "") + "}")
    }

    /// The last request body the WeCom simulator took for `userID`, decoded.
    func weComPayload(to userID: String) throws -> [String: Any] {
        let payload = try #require(ledger(WeComRegistration.name).lastPayload(to: userID))
        return try #require(try JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any])
    }

    /// The token every instance shares for the sandbox's app.
    func sharedWeComToken() async throws -> String? {
        let key = "herald:{wecom}:token:" + WeComRegistration.sandboxCorpID + ":" + String(WeComRegistration.sandboxAgentID)
        return try await redis.send(["GET", key]).string
    }
}

@Suite("WeCom app messages through the gateway")
struct WeComGatewayTests {
    @Test("text and textcard messages are sent to the userid with agentid, duplicate check and Herald's id", arguments: RedisLayout.allCases)
    func delivered(layout: RedisLayout) async throws {
        try await withHarness(on: layout) { h in
            let text = try await h.sendWeCom(to: "ZhangSan")
            try await h.waitForStatus(text, "delivered")
            let stored = try await h.message(text)
            #expect(stored.fields["provider"] == "wecom")
            #expect(stored.fields["provider_message_id"]?.isEmpty == false)
            let json = try h.weComPayload(to: "ZhangSan")
            #expect(json["touser"] as? String == "ZhangSan")
            #expect(json["agentid"] as? Int == WeComRegistration.sandboxAgentID)
            #expect(json["msgtype"] as? String == "text")
            #expect((json["text"] as? [String: String])?["content"] == "您的审批已通过")
            #expect(json["safe"] as? Int == 0)
            #expect(json["enable_duplicate_check"] as? Int == 1)
            #expect(json["duplicate_check_interval"] as? Int == WeComConfiguration.duplicateCheckSeconds)
            #expect(json["herald_message_id"] as? String == text)

            let card = try await h.sendWeCom(
                to: "li.si@corp", content: #"{"title":"报销审批","body":"<div class=\"gray\">2026年12月7日</div>已通过"}"#,
                data: #"{"msgtype":"textcard","url":"https://oa.example.com/r/7","btntxt":"查看"}"#)
            try await h.waitForStatus(card, "delivered")
            let cardJSON = try h.weComPayload(to: "li.si@corp")
            #expect(cardJSON["msgtype"] as? String == "textcard")
            #expect(cardJSON["safe"] == nil, "safe is for text only")
            let textcard = try #require(cardJSON["textcard"] as? [String: String])
            #expect(textcard == [
                "title": "报销审批", "description": #"<div class="gray">2026年12月7日</div>已通过"#,
                "url": "https://oa.example.com/r/7", "btntxt": "查看",
            ])

            let markdown = try await h.sendWeCom(to: "wangwu", content: #"{"body":"**构建失败** [日志](https://ci.example.com/1)"}"#,
                                                 data: #"{"msgtype":"markdown"}"#)
            try await h.waitForStatus(markdown, "delivered")
            #expect((try h.weComPayload(to: "wangwu")["markdown"] as? [String: String])?["content"]?.hasPrefix("**构建失败**") == true)
            #expect(!(try await h.events(text).contains { $0.type.hasPrefix("receipt") }), "WeCom posts no receipts")
        }
    }

    @Test("HERALD_WECOM_SAFE=1 marks text messages not shareable")
    func safe() async throws {
        var options = HarnessOptions()
        options.settings["HERALD_WECOM_SAFE"] = "1"
        try await withHarness(options) { h in
            let id = try await h.sendWeCom(to: "safe-user")
            try await h.waitForStatus(id, "delivered")
            #expect(try h.weComPayload(to: "safe-user")["safe"] as? Int == 1)
        }
    }

    @Test("a field over WeCom's byte limit, a textcard without title or url, or an unknown msgtype is refused with 422 naming it")
    func refusedAtAcceptance() async throws {
        try await withHarness(HarnessOptions(startDispatcher: false)) { h in
            let card = #","msgtype":"textcard"}"#
            let cases: [(content: String, data: String?, field: String)] = [
                (#"{"body":"\#(String(repeating: "a", count: 2_049))"}"#, nil, "content.body"),
                // 683 three-byte characters: 2,049 bytes in 683 characters.
                (#"{"body":"\#(String(repeating: "审", count: 683))"}"#, #"{"msgtype":"markdown"}"#, "content.body"),
                (#"{"title":"\#(String(repeating: "标", count: 43))","body":"ok"}"#, #"{"url":"https://a.example"\#(card)"#, "content.title"),
                (#"{"title":"t","body":"\#(String(repeating: "x", count: 513))"}"#, #"{"url":"https://a.example"\#(card)"#, "content.body"),
                (#"{"title":"t","body":"b"}"#, #"{"url":"https://a.example/\#(String(repeating: "p", count: 2_031))"\#(card)"#, "data.url"),
                (#"{"title":"t","body":"b"}"#, #"{"url":"ftp://a.example"\#(card)"#, "data.url"),
                (#"{"title":"t","body":"b"}"#, #"{"msgtype":"textcard"}"#, "data.url"),
                (#"{"body":"b"}"#, #"{"url":"https://a.example"\#(card)"#, "content.title"),
                (#"{"title":"t","body":"b"}"#, #"{"url":"https://a.example","btntxt":"查看详情页"\#(card)"#, "data.btntxt"),
                (#"{"body":"b"}"#, #"{"msgtype":"news"}"#, "data.msgtype"),
            ]
            let before = try await h.keySnapshot()
            for item in cases {
                let reply = try await h.postWeCom(to: "long-user", content: item.content, data: item.data)
                #expect(reply.status == 422, "\(item.field): \(reply.body)")
                let error = reply.json["error"] as? [String: Any]
                #expect(error?["field"] as? String == item.field, "\(reply.body)")
            }
            #expect(try await h.keySnapshot() == before, "a refused message leaves nothing in Redis")
            // Exactly at the limits is accepted: 2,048 bytes of text, a 128-byte title, 512-byte description.
            _ = try await h.sendWeCom(to: "long-user", content: #"{"body":"\#(String(repeating: "a", count: 2_048))"}"#)
            _ = try await h.sendWeCom(
                to: "long-user", content: #"{"title":"\#(String(repeating: "a", count: 128))","body":"\#(String(repeating: "b", count: 512))"}"#,
                data: #"{"url":"https://a.example","btntxt":"查看详情"\#(card)"#)
        }
    }

    @Test("a wecom template renders title, body and url into a textcard")
    func template() async throws {
        try await withHarness { h in
            let put = try await h.api(.PUT, "/v1/templates/approval", json: #"""
                {"channel":"wecom","title":"{{kind}}审批","body":"{{name}} 的申请已通过","url":"https://oa.example.com/a/{{id}}",
                 "data":{"msgtype":"textcard"}}
                """#)
            #expect(put.status == 200 || put.status == 201, "\(put.body)")
            let reply = try await h.api(.POST, "/v1/messages", json: #"""
                {"channel":"wecom","to":"tpl-user","template":"approval","data":{"kind":"报销","name":"李雷","id":"42"}}
                """#)
            let id = try #require(reply.json["id"] as? String, "\(reply.body)")
            try await h.waitForStatus(id, "delivered")
            let textcard = try #require(try h.weComPayload(to: "tpl-user")["textcard"] as? [String: String])
            #expect(textcard["title"] == "报销审批")
            #expect(textcard["description"] == "李雷 的申请已通过")
            #expect(textcard["url"] == "https://oa.example.com/a/42")
        }
    }

    @Test("-1 and 45009 are retried; 81013, or errcode 0 listing the userid in invaliduser, fail and suppress", arguments: RedisLayout.allCases)
    func errors(layout: RedisLayout) async throws {
        var options = HarnessOptions()
        options.faults[WeComRegistration.name] = { userID, attempt in
            switch userID {
            case "gone-user": .invalidRecipient
            case "hidden-user": .optedOut
            case "busy-user": attempt == 1 ? .serverError : nil
            case "flood-user": attempt == 1 ? .throttled(retryAfterSeconds: 1) : nil
            default: nil
            }
        }
        try await withHarness(options, on: layout) { h in
            for userID in ["busy-user", "flood-user"] {
                let id = try await h.sendWeCom(to: userID)
                try await h.waitForStatus(id, "delivered")
                #expect(try await h.message(id).attempts == 2)
            }
            h.simulator(WeComSimulator.self).answer("NoLicense", with: .listed(unlicensed: true))
            for userID in ["gone-user", "hidden-user", "NoLicense"] {
                let id = try await h.sendWeCom(to: userID)
                try await h.waitForStatus(id, "failed")
                #expect(try await h.message(id).attempts == 1)
                #expect(try await h.api(.GET, "/v1/suppressions/wecom/\(userID)").status == 200, "\(userID) is suppressed")
                let again = try await h.sendWeCom(to: userID)
                try await h.waitForStatus(again, "suppressed")
                #expect(h.ledger(WeComRegistration.name).requests(to: userID) == 1)
            }
        }
    }

    @Test("an expired token is refreshed once for many concurrent sends, and shared through Redis", arguments: RedisLayout.allCases)
    func tokenRefresh(layout: RedisLayout) async throws {
        try await withHarness(on: layout) { h in
            let first = try await h.sendWeCom(to: "token-user-0")
            try await h.waitForStatus(first, "delivered")
            let simulator = h.simulator(WeComSimulator.self)
            #expect(simulator.tokensIssued == 1)
            let shared = try await h.sharedWeComToken()
            #expect(shared?.hasPrefix("sim-") == true)

            simulator.expireTokens()
            var ids: [String] = []
            for index in 1...8 { ids.append(try await h.sendWeCom(to: "token-user-\(index)")) }
            for id in ids { try await h.waitForStatus(id, "delivered") }
            #expect(simulator.tokensIssued == 2, "one refresh for every sender that saw 42001")
            for id in ids { #expect(try await h.message(id).attempts == 1, "the refresh retried within the attempt") }
            let refreshed = try await h.sharedWeComToken()
            #expect(refreshed != shared && refreshed?.hasPrefix("sim-") == true)
        }
    }
}
