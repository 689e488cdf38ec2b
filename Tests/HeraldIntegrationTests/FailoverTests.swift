import HeraldAdapters
import Foundation
import HeraldCore
import HeraldDispatch
import HeraldSimulators
import HeraldTesting
import Synchronization
import Testing

/// Whether the simulated Twilio is down, flipped by the test.
final class Switch: Sendable {
    private let state = Atomic<Bool>(true)
    var isOn: Bool { state.load(ordering: .relaxed) }
    func set(_ value: Bool) { state.store(value, ordering: .relaxed) }
}

@Suite("Provider failover")
struct FailoverTests {
    @Test("provider A down: messages go out via B; A takes traffic again after the cool-down")
    func failoverAndRecovery() async throws {
        let twilioDown = Switch()
        var options = HarnessOptions()
        options.smsProviders = ["twilio", "aliyun"]
        options.faults[TwilioRegistration.name] = { _, _ in twilioDown.isOn ? .serverError : nil }
        options.breaker = CircuitBreakerPolicy(failureThreshold: 3, cooldownMillis: 1_500)
        options.backoff = BackoffPolicy(baseMillis: 10, capMillis: 50, maxAttempts: 8)
        try await withHarness(options) { h in
            var ids: [String] = []
            for index in 0..<6 { ids.append(try await h.sendSMS(to: "+1415555016\(index)")) }
            for id in ids { try await h.waitForStatus(id, "delivered") }
            #expect(h.ledger(AliyunRegistration.name).accepted == 6, "every message went out through the second provider")
            #expect(h.ledger(TwilioRegistration.name).accepted == 0)
            let attemptsOnTwilio = h.ledger(TwilioRegistration.name).requests
            #expect(attemptsOnTwilio >= 3, "the breaker opened after the threshold, not before")
            for id in ids {
                let message = try await h.message(id)
                #expect(message.fields["provider"] == "aliyun")
                let accepted = try await h.events(id).first(where: { $0.type == "delivered" || $0.type == "sent" })
                #expect(accepted?.detail.contains("accepted by aliyun") == true)
            }
            let metrics = String(decoding: h.metrics.render(), as: UTF8.self)
            #expect(metrics.contains(#"herald_provider_breaker_transitions_total{channel="sms",provider="twilio",state="open"}"#))

            twilioDown.set(false)
            var recovered: String?
            try await eventually("Twilio takes traffic again after its cool-down", timeout: .seconds(15)) {
                let id = try await h.sendSMS(to: "+14155550170")
                try await h.waitForStatus(id, "delivered")
                if try await h.message(id).fields["provider"] == "twilio" { recovered = id }
                return recovered != nil
            }
            #expect(h.ledger(TwilioRegistration.name).accepted >= 1)
        }
    }
}
