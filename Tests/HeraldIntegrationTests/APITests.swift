import Foundation
import HeraldCore
import HeraldRedis
import HeraldTesting
import NIOHTTP1
import Testing
import HeraldAdapters

@Suite("HTTP API")
struct APITests {
    @Test("the same idempotency_key returns the original id with 200, by field or by header", arguments: RedisLayout.allCases)
    func idempotentReplay(layout: RedisLayout) async throws {
        var options = HarnessOptions()
        options.startDispatcher = false
        try await withHarness(options, on: layout) { h in
            let body = #"{"channel":"sms","to":"+14155550120","content":{"body":"hi"},"idempotency_key":"order-1"}"#
            let first = try await h.api(.POST, "/v1/messages", json: body)
            #expect(first.status == 202)
            let second = try await h.api(.POST, "/v1/messages", json: body)
            #expect(second.status == 200)
            #expect(second.json["id"] as? String == first.json["id"] as? String)

            let plain = #"{"channel":"sms","to":"+14155550120","content":{"body":"hi"}}"#
            let byHeader = try await h.api(.POST, "/v1/messages", json: plain, headers: [("Idempotency-Key", "order-2")])
            let again = try await h.api(.POST, "/v1/messages", json: plain, headers: [("Idempotency-Key", "order-2")])
            #expect(byHeader.status == 202)
            #expect(again.status == 200)
            #expect(again.json["id"] as? String == byHeader.json["id"] as? String)
            var queued = 0
            for keys in ChannelKeys.all(.sms, h.store.settings.partitions) {
                queued += try await h.redis.send(["XLEN", keys.stream(.normal)]).integer ?? 0
            }
            #expect(queued == 2)
        }
    }

    @Test("a known path with an undeclared method answers 405 naming what is allowed; an unknown path 404")
    func methodNotAllowed() async throws {
        var options = HarnessOptions()
        options.startDispatcher = false
        try await withHarness(options) { h in
            let put = try await h.api(.PUT, "/v1/messages")
            #expect(put.status == 405)
            #expect(put.json["error"].flatMap { ($0 as? [String: Any])?["code"] as? String } == "method_not_allowed")
            #expect(put.body.contains("allowed: POST"))
            let post = try await h.api(.POST, "/v1/messages/sms_00000000000000000000000000")
            #expect(post.status == 405)
            #expect(post.body.contains("allowed: DELETE, GET"))
            #expect(try await h.api(.PUT, "/v1/nothing-here").status == 404)
            #expect(try await h.api(.GET, "/v1/messages/sms_00000000000000000000000000").status == 404)
        }
    }

    @Test("a queued message can be canceled and is then never sent; a sent one answers 409", arguments: RedisLayout.allCases)
    func cancelBeforeSend(layout: RedisLayout) async throws {
        var options = HarnessOptions()
        options.startDispatcher = false
        try await withHarness(options, on: layout) { h in
            let canceled = try await h.sendSMS(to: "+14155550121")
            let reply = try await h.api(.DELETE, "/v1/messages/\(canceled)")
            #expect(reply.status == 200)
            #expect(try await h.status(canceled) == "canceled")

            let sent = try await h.sendSMS(to: "+14155550122")
            h.startDispatcher(consumer: "worker-after-cancel")
            try await h.waitForStatus(sent, "delivered")
            #expect(try await h.status(canceled) == "canceled")
            #expect(h.ledger(TwilioRegistration.name).requests(to: "+14155550121") == 0)
            try await eventually("the canceled entry is acknowledged") {
                try await h.redis.send(["XLEN", "herald:{sms}:q:normal"]).integer == 0
            }
            let late = try await h.api(.DELETE, "/v1/messages/\(sent)")
            #expect(late.status == 409)
            #expect(late.body.contains("not_cancelable"))
            #expect(try await h.api(.DELETE, "/v1/messages/sms_00000000000000000000000000").status == 404)
        }
    }

    @Test("bad bodies get a 4xx naming the problem and leave Redis unchanged",
          arguments: [
            (#"{"channel":"sms","to":12345,"content":{"body":"x"}}"#, 422, "invalid_type", "to"),
            (#"{"channel":"pigeon","to":"+14155550123","content":{"body":"x"}}"#, 422, "unknown_channel", "channel"),
            (#"{"channel":"sms","to":"0044 20 7946 0000","content":{"body":"x"}}"#, 422, "invalid_recipient", "to"),
            (#"{"channel":"sms","to":"+14155550123"}"#, 422, "missing_field", "content"),
            (#"{"channel":"email","to":"not-an-address","content":{"body":"x","subject":"s"}}"#, 422, "invalid_recipient", "to"),
            (#"{"channel":"sms","to":"+14155550123","template":"nope"}"#, 422, "unknown_template", "template"),
            (#"{"channel":"sms","to":"+14155550123","content":{"body":"x"},"send_at":"tomorrow"}"#, 422, "invalid_field", "send_at"),
            (#"{"channel":"sms","to":"+14155550123","content":{"body":"x"},"priority":7}"#, 422, "invalid_type", "priority"),
            (#"{"channel":"sms","to":"+14155550123","content":{"body":"x"},"to_encryption":"md5"}"#, 422, "invalid_field", "to_encryption"),
            (#"{"channel":"sms","#, 400, "invalid_json", ""),
            (#"[1,2,3]"#, 422, "invalid_type", "body"),
          ])
    func badBodies(body: String, status: Int, code: String, field: String) async throws {
        var options = HarnessOptions()
        options.startDispatcher = false
        try await withHarness(options) { h in
            let before = try await h.keySnapshot()
            let reply = try await h.api(.POST, "/v1/messages", json: body)
            #expect(Int(reply.status) == status, "\(reply.body)")
            let error = reply.json["error"] as? [String: Any]
            #expect(error?["code"] as? String == code, "\(reply.body)")
            if !field.isEmpty { #expect(error?["field"] as? String == field, "\(reply.body)") }
            #expect((error?["message"] as? String)?.isEmpty == false)
            #expect(try await h.keySnapshot() == before)
            #expect(try await h.api(.GET, "/health").status == 200)
        }
    }

    @Test("a 2 MB body is refused with 413 and the server keeps serving")
    func oversizedBody() async throws {
        var options = HarnessOptions()
        options.startDispatcher = false
        try await withHarness(options) { h in
            let before = try await h.keySnapshot()
            let huge = #"{"channel":"sms","to":"+14155550124","content":{"body":""# + String(repeating: "a", count: 2 << 20) + #""}}"#
            let reply = try await h.api(.POST, "/v1/messages", json: huge)
            #expect(reply.status == 413)
            #expect(try await h.keySnapshot() == before)
            let next = try await h.api(.POST, "/v1/messages", json: #"{"channel":"sms","to":"+14155550124","content":{"body":"ok"}}"#)
            #expect(next.status == 202)
        }
    }

    @Test("requests without a valid bearer key get 401")
    func unauthorized() async throws {
        var options = HarnessOptions()
        options.startDispatcher = false
        try await withHarness(options) { h in
            let body = #"{"channel":"sms","to":"+14155550125","content":{"body":"x"}}"#
            let none = try await h.request(.POST, h.apiURL + "/v1/messages", body: body)
            #expect(none.status == 401)
            let wrong = try await h.request(.POST, h.apiURL + "/v1/messages", body: body, headers: [("Authorization", "Bearer nope")])
            #expect(wrong.status == 401)
            #expect((wrong.json["error"] as? [String: Any])?["code"] as? String == "unauthorized")
            #expect(try await h.keySnapshot().isEmpty)
        }
    }

    @Test("a batch stores valid items, reports invalid ones in place, and refuses more than 1000", arguments: RedisLayout.allCases)
    func batch(layout: RedisLayout) async throws {
        var options = HarnessOptions()
        options.startDispatcher = false
        try await withHarness(options, on: layout) { h in
            let items = [
                #"{"channel":"sms","to":"+14155550126","content":{"body":"a"}}"#,
                #"{"channel":"sms","to":"bad","content":{"body":"b"}}"#,
                #"{"channel":"sms","to":5,"content":{"body":"c"}}"#,
                // A public address: webhook hosts are resolved at acceptance, and tests have no DNS.
                #"{"channel":"webhook","to":"https://93.184.215.14/hook","content":{"body":"d"}}"#,
            ]
            let reply = try await h.api(.POST, "/v1/messages/batch", json: #"{"messages":[\#(items.joined(separator: ","))]}"#)
            #expect(reply.status == 202)
            #expect(reply.json["accepted"] as? Int == 2)
            #expect(reply.json["rejected"] as? Int == 2)
            let results = try #require(reply.json["results"] as? [[String: Any]])
            #expect(results.map { $0["index"] as? Int } == [0, 1, 2, 3])
            #expect(results[0]["id"] as? String != nil)
            #expect((results[1]["error"] as? [String: Any])?["field"] as? String == "messages[1].to")
            #expect((results[2]["error"] as? [String: Any])?["field"] as? String == "messages[2].to")
            #expect((results[3]["id"] as? String).flatMap(MessageID.channel(of:)) == .webhook)

            let twice = #"{"channel":"sms","to":"+14155550127","content":{"body":"e"},"idempotency_key":"batch-dup"}"#
            let duplicate = try await h.api(.POST, "/v1/messages/batch", json: #"{"messages":[\#(twice),\#(twice)]}"#)
            let pair = try #require(duplicate.json["results"] as? [[String: Any]])
            #expect(pair.count == 2)
            #expect(pair[1]["replayed"] as? Bool == true)
            #expect(pair[0]["id"] as? String == pair[1]["id"] as? String)

            let many = (0..<250).map { #"{"channel":"sms","to":"+1415556\#(String(format: "%04d", $0))","content":{"body":"m"}}"# }
            let big = try await h.api(.POST, "/v1/messages/batch", json: #"{"messages":[\#(many.joined(separator: ","))]}"#)
            #expect(big.json["accepted"] as? Int == 250)
            let bigResults = try #require(big.json["results"] as? [[String: Any]])
            #expect(bigResults.map { $0["index"] as? Int } == Array(0..<250))
            #expect(Set(bigResults.compactMap { $0["id"] as? String }).count == 250)

            let tooMany = "{\"messages\":[" + Array(repeating: items[0], count: 1001).joined(separator: ",") + "]}"
            let before = try await h.keySnapshot()
            let refused = try await h.api(.POST, "/v1/messages/batch", json: tooMany)
            #expect(refused.status == 413)
            #expect(try await h.keySnapshot() == before)
        }
    }
}

@Suite("Redis outage")
struct OutageTests {
    @Test("with Redis down, /ready and enqueue answer 503 with the error shape, and the API recovers when Redis is back")
    func redisDown() async throws {
        var options = HarnessOptions()
        options.startDispatcher = false
        try await withHarness(options) { h in
            #expect(try await h.request(.GET, h.apiURL + "/ready").status == 200)
            h.redisServer.kill()
            let ready = try await h.request(.GET, h.apiURL + "/ready")
            #expect(ready.status == 503)
            let body = #"{"channel":"sms","to":"+14155550140","content":{"body":"x"}}"#
            let refused = try await h.api(.POST, "/v1/messages", json: body)
            #expect(refused.status == 503)
            #expect((refused.json["error"] as? [String: Any])?["code"] as? String == "unavailable")
            #expect(try await h.request(.GET, h.apiURL + "/health").status == 200)

            // A new, empty Redis on the same port: the client reconnects and reloads its scripts.
            guard case .tcp(_, let port) = h.redisServer.endpoint.address else { return }
            let directory = NSTemporaryDirectory() + "herald-outage-" + UUID().uuidString
            let replacement = try LocalRedisServer(directory: directory, port: port, appendOnly: false)
            defer { replacement.stop() }
            try await eventually("/ready answers 200 again") {
                (try? await h.request(.GET, h.apiURL + "/ready").status) == 200
            }
            let accepted = try await h.api(.POST, "/v1/messages", json: body)
            #expect(accepted.status == 202, "\(accepted.body)")
        }
    }
}

@Suite("SMS segments through the API")
struct SMSSegmentsAPITests {
    @Test("an SMS stores and shows its parts; one needing more than the maximum is refused with nothing stored")
    func segments() async throws {
        var options = HarnessOptions()
        options.startDispatcher = false
        try await withHarness(options) { h in
            let short = try await h.sendSMS(to: "+14155550400")
            let long = try await h.sendSMS(to: "+14155550401", body: String(repeating: "a", count: 161))
            #expect(try await h.api(.GET, "/v1/messages/\(short)").json["segments"] as? Int == 1)
            #expect(try await h.api(.GET, "/v1/messages/\(long)").json["segments"] as? Int == 2)
            let before = try await h.keySnapshot()
            let tooLong = try await h.api(.POST, "/v1/messages", json: #"{"channel":"sms","to":"+14155550402","content":{"body":"\#(String(repeating: "订", count: 700))"}}"#)
            #expect(tooLong.status == 422)
            #expect(tooLong.body.contains("too_many_segments") && tooLong.body.contains("11 UCS-2 parts"), "\(tooLong.body)")
            #expect(try await h.keySnapshot() == before)
        }
    }
}
