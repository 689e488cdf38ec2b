import Foundation
import HeraldCore
import HeraldTesting
import Testing
import HeraldAdapters

@Suite("Templates over the API")
struct TemplateAPITests {
    @Test("every PUT makes a new version; a message records name@version and an older version reads back", arguments: RedisLayout.allCases)
    func versions(layout: RedisLayout) async throws {
        try await withHarness(on: layout) { h in
            let first = try await h.api(.PUT, "/v1/templates/order_shipped",
                                        json: #"{"channel":"sms","body":"Order {{id}} shipped","signature":"【Shop】","required":["id"]}"#)
            #expect(first.status == 201, "\(first.body)")
            #expect(first.json["version"] as? Int == 1)
            let second = try await h.api(.PUT, "/v1/templates/order_shipped",
                                         json: #"{"channel":"sms","locale":"zh-Hant","body":"訂單 {{id}} 已發貨"}"#)
            #expect(second.status == 200 && second.json["version"] as? Int == 2, "\(second.body)")
            let locales = try #require(second.json["locales"] as? [String: Any])
            #expect(Set(locales.keys) == ["default", "zh-Hant"])

            let reply = try await h.api(.POST, "/v1/messages", json:
                #"{"channel":"sms","to":"+14155550102","template":"order_shipped","locale":"zh-Hant-TW","data":{"id":"A-7"}}"#)
            #expect(reply.status == 202, "\(reply.body)")
            let messageID = try #require(reply.json["id"] as? String)
            let stored = try await h.message(messageID)
            #expect(stored.fields["template"] == "order_shipped@2")
            #expect(stored.fields["body"] == "訂單 A-7 已發貨")
            try await h.waitForStatus(messageID, "delivered")
            #expect(h.ledger(TwilioRegistration.name).lastPayload(to: "+14155550102") == "訂單 A-7 已發貨")

            let english = try await h.api(.POST, "/v1/messages", json:
                #"{"channel":"sms","to":"+14155550103","template":"order_shipped@1","data":{"id":"B-1"}}"#)
            #expect(english.status == 202, "\(english.body)")
            let englishID = try #require(english.json["id"] as? String)
            #expect(try await h.message(englishID).fields["body"] == "【Shop】Order B-1 shipped")

            let old = try await h.api(.GET, "/v1/templates/order_shipped?version=1")
            #expect(old.status == 200 && old.json["version"] as? Int == 1)
            #expect((old.json["locales"] as? [String: Any])?.keys.sorted() == ["default"])
            let list = try await h.api(.GET, "/v1/templates")
            #expect(list.body.contains(#"{"name":"order_shipped","version":2}"#), "\(list.body)")
            #expect(try await h.api(.DELETE, "/v1/templates/order_shipped").status == 200)
            #expect(try await h.api(.GET, "/v1/templates/order_shipped").status == 404)
        }
    }

    @Test("template errors come back in the reply and store nothing",
          arguments: [
            (#"{"channel":"sms","to":"+14155550123","template":"welcome","data":{}}"#, "missing_variable", "data.name"),
            (#"{"channel":"sms","to":"+14155550123","template":"nope"}"#, "unknown_template", "template"),
            (#"{"channel":"sms","to":"+14155550123","template":"welcome@9","data":{"name":"x"}}"#, "unknown_template", "template"),
            (#"{"channel":"email","to":"a@example.com","template":"welcome","data":{"name":"x"}}"#, "template_channel_mismatch", "template"),
            (#"{"channel":"sms","to":"+14155550123","template":"welcome","content":{"body":"x"}}"#, "invalid_field", "template"),
          ])
    func refusedMessages(body: String, code: String, field: String) async throws {
        var options = HarnessOptions()
        options.startDispatcher = false
        try await withHarness(options) { h in
            let put = try await h.api(.PUT, "/v1/templates/welcome",
                                      json: #"{"channel":"sms","body":"Welcome {{name}}","required":["name"]}"#)
            #expect(put.status == 201, "\(put.body)")
            let before = try await h.keySnapshot()
            let reply = try await h.api(.POST, "/v1/messages", json: body)
            #expect(reply.status == 422, "\(reply.body)")
            let error = try #require(reply.json["error"] as? [String: Any])
            #expect(error["code"] as? String == code, "\(reply.body)")
            #expect(error["field"] as? String == field, "\(reply.body)")
            #expect(try await h.keySnapshot() == before)
        }
    }

    @Test("a PUT with broken syntax, a wrong field or a changed channel is refused and stores no version",
          arguments: [
            (#"{"channel":"sms","body":"Hi {{#x}}"}"#, 422, "template_syntax"),
            (#"{"channel":"sms","body":"Hi","subject":"s"}"#, 422, "unknown_field"),
            (#"{"channel":"sms","body":"Hi","colour":"red"}"#, 422, "unknown_field"),
            (#"{"channel":"email","subject":"s","text":"t"}"#, 409, "template_channel_mismatch"),
            (#"{"channel":"sms"}"#, 422, "missing_field"),
            (#"{"channel":"sms","body":5}"#, 422, "invalid_type"),
          ])
    func refusedPuts(body: String, status: Int, code: String) async throws {
        var options = HarnessOptions()
        options.startDispatcher = false
        try await withHarness(options) { h in
            #expect(try await h.api(.PUT, "/v1/templates/greeting", json: #"{"channel":"sms","body":"Hello"}"#).status == 201)
            let reply = try await h.api(.PUT, "/v1/templates/greeting", json: body)
            #expect(Int(reply.status) == status, "\(reply.body)")
            #expect((reply.json["error"] as? [String: Any])?["code"] as? String == code, "\(reply.body)")
            #expect(try await h.api(.GET, "/v1/templates/greeting").json["version"] as? Int == 1)
        }
    }

    @Test("an email template escapes HTML only in html, and the mail carries both parts")
    func emailTemplate() async throws {
        try await withHarness { h in
            let put = try await h.api(.PUT, "/v1/templates/receipt", json:
                #"{"channel":"email","subject":"Receipt for {{item}}","text":"You bought {{item}}","html":"<p>You bought <b>{{item}}</b></p>"}"#)
            #expect(put.status == 201, "\(put.body)")
            let reply = try await h.api(.POST, "/v1/messages", json:
                #"{"channel":"email","to":"li@example.com","template":"receipt","data":{"item":"Fish & Chips <2>"}}"#)
            #expect(reply.status == 202, "\(reply.body)")
            let stored = try await h.message(try #require(reply.json["id"] as? String))
            #expect(stored.fields["subject"] == "Receipt for Fish & Chips <2>")
            #expect(stored.fields["body"] == "You bought Fish & Chips <2>")
            #expect(stored.fields["html"] == "<p>You bought <b>Fish &amp; Chips &lt;2&gt;</b></p>")
        }
    }
}
