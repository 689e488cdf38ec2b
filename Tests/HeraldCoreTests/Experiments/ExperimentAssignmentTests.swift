import Foundation
import HeraldCore
import Testing

@Suite("Experiment assignment")
struct ExperimentAssignmentTests {
    static func definition(_ json: String) throws -> CampaignDefinition {
        let request = try RequestDecoder.decode(CampaignRequest.self, from: Data(json.utf8))
        return try CampaignDefinition.validate(request, defaultTimezone: "UTC", nowMillis: 0, enabledChannels: Set(Channel.allCases))
    }

    @Test("at 100,000 people every group's share is within one point of its weight, and a person always gets the same group")
    func shares() throws {
        let campaign = try Self.definition(#"""
            {"id":"ab","channel":"sms","holdout_percent":10,"variants":[
             {"name":"A","content":{"body":"a"},"weight":50},{"name":"B","content":{"body":"b"},"weight":30},
             {"name":"C","content":{"body":"c"},"weight":20}]}
            """#)
        let fingerprints = RecipientFingerprint(key: Data(repeating: 9, count: 32))
        var counts: [ExperimentGroup: Int] = [:]
        for index in 0..<100_000 {
            let person = fingerprints.person("u:user-\(index)", scope: "campaign:ab")
            let group = campaign.group(of: person)
            counts[group, default: 0] += 1
            if index % 1_000 == 0 {
                #expect(campaign.group(of: fingerprints.person("u:user-\(index)", scope: "campaign:ab")) == group)
            }
        }
        let expected: [(ExperimentGroup, Double)] = [(.holdout, 0.10), (.variant(0), 0.45), (.variant(1), 0.27), (.variant(2), 0.18)]
        for (group, share) in expected {
            let observed = Double(counts[group] ?? 0) / 100_000
            #expect(abs(observed - share) <= 0.01, "\(group): \(observed) against \(share)")
        }
    }

    @Test("bad experiments are refused naming the field", arguments: [
        (#"{"id":"a","channel":"sms","variants":[{"name":"A","content":{"body":"x"},"weight":0}]}"#, "variants"),
        (#"{"id":"a","channel":"sms","variants":[]}"#, "variants"),
        (#"{"id":"a","channel":"sms","holdout_percent":51,"content":{"body":"x"}}"#, "holdout_percent"),
        (#"{"id":"a","channel":"sms","content":{"body":"x"},"variants":[{"name":"A","content":{"body":"x"},"weight":1}]}"#, "variants"),
        (#"{"id":"a","channel":"sms","variants":[{"name":"A","content":{"body":"x"},"weight":1},{"name":"A","content":{"body":"y"},"weight":1}]}"#,
         "variants[1].name"),
        (#"{"id":"a","channel":"sms","variants":[{"name":"holdout","content":{"body":"x"},"weight":1}]}"#, "variants[0].name"),
        (#"{"id":"a","channel":"sms","variants":[{"name":"A","weight":1}]}"#, "variants[0].template"),
        (#"{"id":"a","channel":"sms","variants":[{"name":"A","content":{"body":"x"},"weight":-1}]}"#, "variants[0].weight"),
        (#"{"id":"a","channel":"sms","variants":[{"name":"rest","content":{"body":"x"},"weight":1}]}"#, "variants[0].name"),
        (#"{"id":"a","channel":"sms","content":{"body":"x"},"winner":{"metric":"click_rate"}}"#, "winner"),
        (Self.twoVariants + #","winner":{"metric":"open_rate"}}"#, "winner.metric"),
        (Self.twoVariants + #","winner":{"test_percent":0}}"#, "winner.test_percent"),
        (Self.twoVariants + #","winner":{"test_percent":100}}"#, "winner.test_percent"),
        (Self.twoVariants + #","winner":{"decide_after":"4 hours"}}"#, "winner.decide_after"),
        (Self.twoVariants + #","winner":{"decide_after":"P31D"}}"#, "winner.decide_after"),
        (Self.twoVariants + #","winner":{"fallback":"coin"}}"#, "winner.fallback"),
        (Self.twoVariants + #","conversion":{"window":"P1M"}}"#, "conversion.window"),
        (Self.twoVariants + #","conversion":{"window":"P91D"}}"#, "conversion.window"),
        (Self.twoVariants + #","conversion":{"window":"PT30S"}}"#, "conversion.window"),
        (Self.twoVariants + #","conversion":{"events":[]}}"#, "conversion.events"),
        (Self.twoVariants + #","conversion":{"events":["ok","not ok"]}}"#, "conversion.events[1]"),
        (Self.twoVariants + #","conversion":{"from":"sent"}}"#, "conversion.from"),
    ])
    func refused(json: String, field: String) {
        do {
            _ = try Self.definition(json)
            Issue.record("accepted \(json)")
        } catch let error as APIError {
            #expect(error.field == field, "\(error.message)")
        } catch {
            Issue.record("\(error)")
        }
    }

    static let twoVariants = #"{"id":"a","channel":"sms","variants":[{"name":"A","content":{"body":"x"},"weight":1},"#
        + #"{"name":"B","content":{"body":"y"},"weight":1}]"#

    @Test("a conversion window must fit in how long the gateway keeps a message, less a day")
    func windowWithinRetention() throws {
        let request = try RequestDecoder.decode(CampaignRequest.self, from: Data(
            (Self.twoVariants + #","conversion":{"window":"P7D"}}"#).utf8))
        let week: Int64 = 7 * 86_400_000
        #expect(throws: APIError.self) {
            try CampaignDefinition.validate(request, defaultTimezone: "UTC", nowMillis: 0, enabledChannels: Set(Channel.allCases),
                                            messageRetentionMillis: week)
        }
        let kept = try CampaignDefinition.validate(request, defaultTimezone: "UTC", nowMillis: 0,
                                                   enabledChannels: Set(Channel.allCases), messageRetentionMillis: week + 86_400_000)
        #expect(kept.conversion?.windowMillis == week)
    }

    @Test("the winner and conversion blocks take their defaults and survive the stored form")
    func defaults() throws {
        let campaign = try Self.definition(Self.twoVariants + #","winner":{},"conversion":{"events":["buy","buy","add"]}}"#)
        #expect(campaign.winnerTest == CampaignWinnerTest(metric: .clickRate, testPercent: 20, decideAfterMillis: 4 * 3_600_000,
                                                          fallback: .manual))
        #expect(campaign.conversion == CampaignConversion(events: ["add", "buy"], windowMillis: 3 * 86_400_000, from: .delivered))
        #expect(CampaignDefinition(canonicalJSON: campaign.canonicalJSON) == campaign)
        let plain = try Self.definition(#"{"id":"a","channel":"sms","content":{"body":"x"}}"#)
        #expect(!plain.canonicalJSON.contains("winner") && !plain.canonicalJSON.contains("conversion"))
        #expect(plain.conversionRules == .standard)
    }

    @Test("more than eight variants are refused")
    func tooMany() {
        let variants = (0..<9).map { #"{"name":"V\#($0)","content":{"body":"x"},"weight":1}"# }.joined(separator: ",")
        #expect(throws: APIError.self) { try Self.definition(#"{"id":"a","channel":"sms","variants":[\#(variants)]}"#) }
    }

    @Test("a definition stored before variants existed reads back, and encodes as it did")
    func storedBefore() throws {
        let old = #"{"batches":[],"category":"marketing","channel":"sms","content":{"body":"x"},"id":"old","timezone":"UTC","windows":[]}"#
        let definition = try #require(CampaignDefinition(canonicalJSON: old))
        #expect(definition.variants.isEmpty && definition.holdoutPercent == 0)
        #expect(definition.canonicalJSON == old)
    }
}
