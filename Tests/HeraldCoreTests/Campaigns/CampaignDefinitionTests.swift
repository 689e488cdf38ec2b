import Foundation
import HeraldCore
import Testing

@Suite("Campaign definitions")
struct CampaignDefinitionTests {
    static let now: Int64 = 1_796_000_000_000

    static func validate(_ json: String) throws(APIError) -> CampaignDefinition {
        let request = try RequestDecoder.decode(CampaignRequest.self, from: Data(json.utf8))
        return try CampaignDefinition.validate(request, defaultTimezone: "UTC", nowMillis: now,
                                               enabledChannels: Set(Channel.allCases))
    }

    @Test("a full definition validates, keeps its pacing and reads back from its canonical JSON unchanged")
    func roundTrip() throws {
        let definition = try Self.validate(#"""
            {"id":"spring-2027","channel":"sms","template":"promo@2","pacing":{"rate_per_minute":600,"daily_cap":1000,
             "windows":[{"days":"mon-fri","from":"09:00","to":"20:00"}],
             "batches":[{"at":"2027-01-02T00:00:00Z","percent":70},{"at":"2027-01-01T00:00:00Z","percent":30}]},
             "timezone":"Asia/Shanghai","end_at":"2027-02-01T00:00:00Z"}
            """#)
        #expect(definition.category == .marketing)
        #expect(definition.batches.map(\.percent) == [30, 70], "batches are kept in time order")
        #expect(CampaignDefinition(canonicalJSON: definition.canonicalJSON) == definition)
        #expect(definition.releasableShare(atMillis: definition.batches[0].atMillis) == 3_000)
        #expect(definition.releasableShare(atMillis: definition.batches[0].atMillis - 1) == 0)
        #expect(definition.nextBatch(afterMillis: definition.batches[0].atMillis) == definition.batches[1].atMillis)
    }

    @Test("bad definitions are refused naming the field", arguments: [
        (#"{"channel":"sms","content":{"body":"x"}}"#, "id"),
        (#"{"id":"has space","channel":"sms","content":{"body":"x"}}"#, "id"),
        (#"{"id":"a","channel":"fax","content":{"body":"x"}}"#, "channel"),
        (#"{"id":"a","channel":"sms"}"#, "template"),
        (#"{"id":"a","channel":"sms","template":"t","content":{"body":"x"}}"#, "template"),
        (#"{"id":"a","channel":"sms","content":{"body":"x"},"pacing":{"rate_per_minute":0}}"#, "pacing.rate_per_minute"),
        (#"{"id":"a","channel":"sms","content":{"body":"x"},"pacing":{"windows":[{"days":"mon","from":"09:00","to":"08:00"}]}}"#,
         "pacing.windows[0].to"),
        (#"{"id":"a","channel":"sms","content":{"body":"x"},"pacing":{"batches":[{"at":"2027-01-01T00:00:00Z","percent":40}]}}"#,
         "pacing.batches"),
        (#"{"id":"a","channel":"sms","content":{"body":"x"},"timezone":"Mars/Olympus"}"#, "timezone"),
        (#"{"id":"a","channel":"sms","content":{"body":"x"},"end_at":"2020-01-01T00:00:00Z"}"#, "end_at"),
        (#"{"id":"a","channel":"email","content":{"body":"x"}}"#, "content.subject"),
    ])
    func refused(json: String, field: String) {
        do {
            _ = try Self.validate(json)
            Issue.record("accepted \(json)")
        } catch {
            #expect(error.field == field, "\(error.message)")
            #expect(error.status == 422)
        }
    }
}
