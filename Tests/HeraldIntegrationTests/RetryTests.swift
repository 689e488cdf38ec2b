import Foundation
import HeraldCore
import HeraldRedis
import HeraldTesting
import NIOHTTP1
import Testing
import HeraldAdapters

@Suite("Retries")
struct RetryTests {
    @Test("a 500 is retried with backoff and the second attempt succeeds", arguments: RedisLayout.allCases)
    func serverErrorThenSuccess(layout: RedisLayout) async throws {
        var options = HarnessOptions()
        options.faults[TwilioRegistration.name] = { _, attempt in attempt == 1 ? .serverError : nil }
        try await withHarness(options, on: layout) { h in
            let id = try await h.sendSMS(to: "+14155550110")
            try await h.waitForStatus(id, "delivered")
            let message = try await h.message(id)
            #expect(message.attempts == 2)
            #expect(h.ledger(TwilioRegistration.name).requests(to: "+14155550110") == 2)
            #expect(h.ledger(TwilioRegistration.name).accepted(to: "+14155550110") == 1)
            let retrying = try await h.events(id).first(where: { $0.type == "retrying" })
            #expect(retrying?.detail.contains("20500") == true)
        }
    }

    @Test("a 429 with Retry-After is waited out before the next attempt")
    func retryAfterHonoured() async throws {
        var options = HarnessOptions()
        options.faults[TwilioRegistration.name] = { _, attempt in attempt == 1 ? .throttled(retryAfterSeconds: 1) : nil }
        try await withHarness(options) { h in
            let id = try await h.sendSMS(to: "+14155550111")
            try await h.waitForStatus(id, "delivered")
            let events = try await h.events(id)
            let retry = try #require(events.first(where: { $0.type == "retrying" }))
            let sendings = events.filter { $0.type == "sending" }
            #expect(sendings.count == 2, "\(events)")
            let secondAttemptAt = try #require(sendings.last?.at)
            #expect(secondAttemptAt - retry.at >= 1_000, "second attempt came \(secondAttemptAt - retry.at) ms after the 429")
        }
    }

    @Test("a permanent 4xx (invalid number) fails at once, without retry, and is dead-lettered", arguments: RedisLayout.allCases)
    func permanentFailure(layout: RedisLayout) async throws {
        var options = HarnessOptions()
        options.faults[TwilioRegistration.name] = { _, _ in .invalidRecipient }
        try await withHarness(options, on: layout) { h in
            let id = try await h.sendSMS(to: "+14155550112")
            try await h.waitForStatus(id, "failed")
            let message = try await h.message(id)
            #expect(message.attempts == 1)
            #expect(h.ledger(TwilioRegistration.name).requests(to: "+14155550112") == 1)
            #expect(message.fields["error"]?.contains("21211") == true)
            let dead = try await h.redis.send(["XRANGE", try #require(ChannelKeys(messageID: id)).deadLetters, "-", "+"]).orThrow().array
            #expect(dead.count == 1)
            #expect(dead.first?.array.last?.array.contains(.string(id)) == true)
        }
    }

    @Test("retries stop after the configured attempts and the message fails")
    func retriesExhausted() async throws {
        var options = HarnessOptions()
        options.faults[TwilioRegistration.name] = { _, _ in .serverError }
        options.backoff = BackoffPolicy(baseMillis: 10, capMillis: 40, maxAttempts: 3)
        try await withHarness(options) { h in
            let id = try await h.sendSMS(to: "+14155550113")
            try await h.waitForStatus(id, "failed")
            #expect(try await h.message(id).attempts == 3)
            #expect(h.ledger(TwilioRegistration.name).requests(to: "+14155550113") == 3)
            let dead = try await h.redis.send(["XLEN", "herald:{sms}:dead"]).integer
            #expect(dead == 1)
        }
    }
}
