import HeraldCore
import Testing

@testable import HeraldLoadGenerator

@Suite("Load generator")
struct LoadPlanTests {
    @Test("ids are read from single and batch replies")
    func ids() {
        let single = Array(#"{"id":"sms_01M82S1FYEMAZGXNVJDP6G49GZ","status":"queued"}"#.utf8)
        #expect(LoadConnectionHandler.ids(in: single) == ["sms_01M82S1FYEMAZGXNVJDP6G49GZ"])
        let batch = Array(#"{"accepted":2,"rejected":1,"results":[{"index":0,"id":"sms_A","status":"queued"},{"index":1,"error":{"code":"x","message":"m"}},{"index":2,"id":"sms_B","status":"queued"}]}"#.utf8)
        #expect(LoadConnectionHandler.ids(in: batch) == ["sms_A", "sms_B"])
        #expect(LoadConnectionHandler.ids(in: Array("{}".utf8)).isEmpty)
    }

    @Test("requests split messages into batches and recipients are valid E.164")
    func plan() {
        let plan = LoadPlan(mode: .batch, messages: 2_500, batchSize: 1_000)
        #expect(plan.requests == 3)
        #expect(plan.messages(inRequest: 2) == 2_000..<2_500)
        #expect(plan.recipient(42) == "+15550000042")
        let request = plan.httpRequest(2)
        #expect(request.hasPrefix("POST /v1/messages/batch HTTP/1.1\r\n"))
        let body = request.split(separator: "\r\n\r\n", maxSplits: 1).last.map(String.init) ?? ""
        #expect(request.contains("Content-Length: \(body.utf8.count)\r\n"))
        #expect(LoadPlan(mode: .single, messages: 10).requests == 10)
    }

    @Test("a channel mix spreads its weights evenly and addresses each channel in its own shape")
    func mix() throws {
        let mix = try #require(ChannelMix(parsing: "sms:40,email:30,push:20,wechat:10"))
        let first = (0..<100).map(mix.channel)
        #expect(first.filter { $0 == .sms }.count == 40)
        #expect(first.filter { $0 == .email }.count == 30)
        #expect(first.filter { $0 == .push }.count == 20)
        #expect(first.filter { $0 == .wechat }.count == 10)
        #expect(Set(first.prefix(10)).count == 4, "interleaved, not in blocks")
        #expect(ChannelMix(parsing: "sms:40,fax:1") == nil)
        #expect(ChannelMix(parsing: "sms:-1") == nil)
        let plan = LoadPlan(mix: mix)
        let push = (0..<20).map { plan.messageJSON($0) }.filter { $0.contains(#""channel":"push""#) }
        #expect(push.contains { $0.contains("fcm-load-") })
        #expect(push.contains { $0.contains(#""to":"aaaa"#) })
        #expect(LoadPlan.hexToken(255).count == 64)
    }
}
