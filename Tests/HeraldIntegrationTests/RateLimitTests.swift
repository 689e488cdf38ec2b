import Foundation
import HeraldCore
import HeraldDispatch
import Testing

@Suite("Provider rate limits")
struct RateLimitTests {
    @Test("a provider's token bucket paces sends: no second carries more than burst + rate, nothing is lost or counted twice")
    func paced() async throws {
        var options = HarnessOptions()
        options.rateLimits = ["twilio": RateLimit(perSecond: 5, burst: 2, horizonMillis: 600)]
        options.callbackStatuses = []
        try await withHarness(options) { h in
            var ids: [String] = []
            for index in 0..<12 { ids.append(try await h.sendSMS(to: "+1415555018\(index % 10)\(index / 10)")) }
            for id in ids { try await h.waitForStatus(id, "sent", timeout: .seconds(30)) }
            var sentTimes: [Int64] = []
            var throttledEvents = 0
            for id in ids {
                let events = try await h.events(id)
                sentTimes += events.filter { $0.type == "sent" }.map(\.at)
                throttledEvents += events.filter { $0.type == "throttled" }.count
                #expect(try await h.message(id).attempts == 1, "waiting for the rate limit is not an attempt")
            }
            #expect(sentTimes.count == 12)
            #expect(h.twilioLedger.accepted == 12)
            #expect(throttledEvents > 0, "12 messages at 5/s with a 0.6 s horizon cannot all be reserved at once")
            sentTimes.sort()
            for (index, start) in sentTimes.enumerated() {
                let inWindow = sentTimes[index...].prefix { $0 < start + 1_000 }.count
                #expect(inWindow <= 7, "\(inWindow) sends within one second from \(start)")
            }
        }
    }
}
