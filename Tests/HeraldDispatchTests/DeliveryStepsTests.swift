import Foundation
import HeraldCore
@testable import HeraldDispatch
import HeraldProviders
import HeraldRedis
import Logging
import HeraldTesting
import Testing

/// Each step of the delivery pipeline on its own, on messages enqueued
/// through the API and claimed from a real redis-server, with no dispatcher
/// running: what the step decides and what it writes.
@Suite("Delivery pipeline steps")
struct DeliveryStepsTests {
    static func options() -> HarnessOptions {
        var options = HarnessOptions()
        options.startDispatcher = false
        return options
    }

    /// Everything queued on SMS, claimed as a worker would.
    static func claimAll(_ h: Harness) async throws -> [ClaimedMessage] {
        let keys = ChannelKeys(.sms)
        try await h.dispatchStore.ensureGroups(keys)
        let connection = try await h.redis.dedicatedConnection(forKey: keys.stream(.normal), name: "steps-test")
        defer { connection.close() }
        let entries = try await h.dispatchStore.read(keys, consumer: "steps", count: 100, blockMillis: 100, on: connection)
        return try await h.dispatchStore.claim(entries, keys: keys, nowMillis: WallClock.nowMillis())
    }

    static func context(_ h: Harness, _ configuration: DispatchConfiguration) -> DeliveryContext {
        DeliveryContext(channel: .sms, store: h.dispatchStore, configuration: configuration, metrics: h.metrics,
                        logger: Logger(label: "steps-test"), stopping: StopSignal())
    }

    @Test("QuietHoursGate holds marketing inside the recipient's quiet hours, and lets transactional through")
    func quietHours() async throws {
        try await withHarness(Self.options()) { h in
            let minute = Int(WallClock.nowMillis() / 60_000 % 1440)
            let quiet = try #require(QuietHours(startMinute: (minute + 1380) % 1440, endMinute: (minute + 60) % 1440, rampMillis: 0))
            let marketing = try await h.sendSMS(to: "+14155550101", extra: #","category":"marketing""#)
            let transactional = try await h.sendSMS(to: "+14155550102")
            let gate = QuietHoursGate(context: Self.context(h, DispatchConfiguration(consumerName: "steps", quietHours: [.sms: quiet])))
            for claimed in try await Self.claimAll(h) {
                let held = await gate.holds(claimed)
                #expect(held == (claimed.message.id == marketing), "\(claimed.message.id)")
            }
            #expect(try await h.status(marketing) == "scheduled")
            #expect(try await h.status(transactional) == "sending")
        }
    }

    @Test("RateLimitGate lets the first send of a one-token bucket go now and puts the next one back, unattempted")
    func rateLimit() async throws {
        try await withHarness(Self.options()) { h in
            let ids = [try await h.sendSMS(to: "+14155550103"), try await h.sendSMS(to: "+14155550104")]
            // One token, refilled once in 100 s: however slow the machine, the second finds none.
            let limit = RateLimit(perSecond: 0.01, burst: 1, horizonMillis: 0)
            let gate = RateLimitGate(context: Self.context(h, DispatchConfiguration(consumerName: "steps", rateLimits: ["twilio": limit])))
            var throttled: [Bool] = []
            for claimed in try await Self.claimAll(h).sorted(by: { $0.message.id < $1.message.id }) {
                throttled.append(await gate.throttled(claimed, provider: "twilio"))
            }
            #expect(throttled == [false, true])
            #expect(try await h.status(ids[1]) == "scheduled")
            #expect(try await h.message(ids[1]).attempts == 0)
        }
    }

    @Test("FatigueGate admits the first marketing message under a cap of one a day, holding its token, and suppresses the second")
    func fatigue() async throws {
        try await withHarness(Self.options()) { h in
            let first = try await h.sendSMS(to: "+14155550105", extra: #","category":"marketing""#)
            let second = try await h.sendSMS(to: "+14155550105", extra: #","category":"marketing""#)
            let window = try #require(FatigueWindow(parsing: "1/day"))
            let gate = FatigueGate(context: Self.context(h, DispatchConfiguration(consumerName: "steps", fatigue: [.sms: [window]])))
            var admitted: [String: Bool] = [:]
            for claimed in try await Self.claimAll(h) {
                if case .admitted(let holding) = await gate.admit(claimed) {
                    admitted[claimed.message.id] = holding != nil
                }
            }
            #expect(admitted == [first: true])
            #expect(try await h.status(second) == "suppressed")
        }
    }

    @Test("RecipientReveal passes a clear recipient through untouched")
    func revealClear() async throws {
        try await withHarness(Self.options()) { h in
            _ = try await h.sendSMS(to: "+14155550106")
            let reveal = RecipientReveal(context: Self.context(h, DispatchConfiguration(consumerName: "steps")))
            let claimed = try #require(try await Self.claimAll(h).first)
            let revealed = await reveal.reveal(claimed)
            #expect(revealed?.message.to == "+14155550106")
        }
    }

    @Test("OutcomeRecorder fails a message on a permanent answer; an acceptance is not final, a last retryable attempt is")
    func outcomes() async throws {
        try await withHarness(Self.options()) { h in
            let id = try await h.sendSMS(to: "+14155550107")
            let recorder = OutcomeRecorder(context: Self.context(h, DispatchConfiguration(
                consumerName: "steps", backoff: BackoffPolicy(baseMillis: 10, capMillis: 10, maxAttempts: 1))))
            let claimed = try #require(try await Self.claimAll(h).first)
            #expect(!recorder.isFinal(.accepted(providerMessageID: "SM1", status: .sent), claimed))
            #expect(recorder.isFinal(.retryable(code: "x", message: "y", retryAfterMillis: nil), claimed))
            #expect(recorder.isFinal(.permanent(code: "x", message: "y"), claimed))
            await recorder.record(.permanent(code: "rejected", message: "no"), of: claimed, provider: "twilio", fatigue: nil)
            #expect(try await h.status(id) == "failed")
        }
    }
}
