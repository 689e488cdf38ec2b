import Foundation
import HeraldCore
import HeraldTesting
import Testing
import HeraldAdapters

@Suite("Campaign stats")
struct StatsTests {
    @Test("after a 10,000-message campaign with receipts and clicks, the stats equal what the simulator saw")
    func campaignMatchesSimulator() async throws {
        var options = HarnessOptions()
        // 1 recipient in 100 is refused by the provider as invalid: those end `failed`.
        options.faults[TwilioRegistration.name] = { to, _ in to.hasSuffix("13") ? .invalidRecipient : nil }
        try await withHarness(options) { h in
            let total = 10_000
            let body = "Spring sale: https://shop.example.com/spring?c=42 ends Sunday"
            for batch in 0..<(total / 1_000) {
                let items = (0..<1_000).map { index in
                    let n = batch * 1_000 + index
                    return #"{"channel":"sms","to":"+1415600\#(String(format: "%04d", n))","content":{"body":"\#(body)"},"campaign":"c-42","shorten_links":true}"#
                }
                let reply = try await h.api(.POST, "/v1/messages/batch", json: #"{"messages":["# + items.joined(separator: ",") + "]}")
                #expect(reply.status == 202 && reply.json["accepted"] as? Int == 1_000, "\(reply.body.prefix(300))")
            }
            let expectedFailed = (0..<total).filter { String(format: "%04d", $0).hasSuffix("13") }.count
            try await eventually("every message is final", timeout: .seconds(240)) {
                let totals = try await h.api(.GET, "/v1/stats?campaign=c-42").json["totals"] as? [String: Any]
                return (totals?["delivered"] as? Int ?? 0) + (totals?["failed"] as? Int ?? 0) == total
            }
            #expect(h.ledger(TwilioRegistration.name).accepted == total - expectedFailed)
            try await eventually("every delivery callback has been sent", timeout: .seconds(30)) {
                h.ledger(TwilioRegistration.name).callbacksSent == 2 * h.ledger(TwilioRegistration.name).accepted
            }

            // 100 people click their link (some twice), and 50 links are unfurled by a chat app.
            let clickers = (0..<total).map { "+1415600" + String(format: "%04d", $0) }.filter { !$0.hasSuffix("13") }
                .enumerated().filter { $0.offset % 97 == 0 }.prefix(100).map(\.element)
            for (index, number) in clickers.enumerated() {
                let text = try #require(h.ledger(TwilioRegistration.name).lastPayload(to: number))
                let short = try LinkTests.shortURL(in: text, base: h.apiURL)
                if index < 50 { _ = try await h.request(.GET, short, headers: [("User-Agent", "WhatsApp/2.23.20.0 A")]) }
                _ = try await h.request(.GET, short, headers: [("User-Agent", LinkTests.iphone)])
                if index % 10 == 0 { _ = try await h.request(.GET, short, headers: [("User-Agent", LinkTests.iphone)]) }
            }
            try await eventually("the clicks are counted") {
                let totals = try await h.api(.GET, "/v1/stats?campaign=c-42").json["totals"] as? [String: Any]
                return totals?["clicked"] as? Int == clickers.count
            }

            let report = try await h.api(.GET, "/v1/stats?campaign=c-42&channel=sms")
            let totals = try #require(report.json["totals"] as? [String: Any])
            let delivered = h.ledger(TwilioRegistration.name).accepted
            #expect(totals["accepted"] as? Int == total)
            #expect(totals["sent"] as? Int == delivered)
            #expect(totals["delivered"] as? Int == delivered)
            #expect(totals["failed"] as? Int == expectedFailed)
            #expect(totals["clicked"] as? Int == clickers.count)
            #expect(totals["segments"] as? Int == total)
            #expect(totals["delivery_rate"] as? Double == 1.0)
            let clickRate = try #require(totals["click_rate"] as? Double)
            #expect(abs(clickRate - Double(clickers.count) / Double(delivered)) < 1e-12)
            #expect((report.json["by_day"] as? [String: Any])?.count == 1)

            let csv = try await h.api(.GET, "/v1/stats?campaign=c-42&format=csv")
            let lines = csv.body.split(separator: "\r\n")
            #expect(lines.first?.hasPrefix("day,channel,template,accepted,sent,delivered") == true)
            #expect(lines.count == 2)
            #expect(lines.last?.contains(",sms,-,\(total),\(delivered),\(delivered),0,\(expectedFailed),") == true, "\(csv.body)")

            let other = try await h.api(.GET, "/v1/stats?campaign=c-none")
            #expect((other.json["totals"] as? [String: Any])?["accepted"] as? Int == 0)
            #expect(try await h.api(.GET, "/v1/stats?campaign=c-42&day=2026-02-30").status == 422)
            #expect(try await h.api(.GET, "/v1/stats?from=2020-01-01&to=2026-01-01").status == 422)
        }
    }

    @Test("fatigue suppressions and template names are counted per campaign", arguments: RedisLayout.allCases)
    func suppressionsAndTemplates(layout: RedisLayout) async throws {
        var options = HarnessOptions()
        options.fatigue = [.sms: FatigueWindow.list(parsing: "1/day")!]
        try await withHarness(options, on: layout) { h in
            #expect(try await h.api(.PUT, "/v1/templates/promo", json: #"{"channel":"sms","body":"Sale {{pct}}% off"}"#).status == 201)
            let items = (0..<3).map { _ in
                #"{"channel":"sms","to":"+14155550177","template":"promo","data":{"pct":20},"category":"marketing","user_id":"u-1","campaign":"c-f"}"#
            }
            let reply = try await h.api(.POST, "/v1/messages/batch", json: #"{"messages":["# + items.joined(separator: ",") + "]}")
            #expect(reply.status == 202, "\(reply.body)")
            try await eventually("one delivered, two suppressed") {
                let totals = try await h.api(.GET, "/v1/stats?campaign=c-f&template=promo").json["totals"] as? [String: Any]
                return totals?["delivered"] as? Int == 1 && totals?["fatigue_suppressions"] as? Int == 2
            }
            let report = try await h.api(.GET, "/v1/stats?campaign=c-f")
            #expect((report.json["by_template"] as? [String: Any])?.keys.sorted() == ["promo"])
            #expect(((report.json["totals"] as? [String: Any])?["suppressed"] as? Int) == 2)
        }
    }
}
