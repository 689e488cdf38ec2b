import Foundation
import HeraldCore
import HeraldDispatch
import HeraldProviders
import HeraldRedis
import HeraldTesting
import NIOHTTP1
import Testing
import HeraldAdapters

@Suite("Crash recovery")
struct ReclaimTests {
    @Test("entries of a consumer killed mid-batch are finished by another consumer, each sent once")
    func consumerKilledMidBatch() async throws {
        var options = HarnessOptions()
        options.startDispatcher = false
        // Longer than any send takes on a loaded test machine, short enough to keep the test quick.
        options.visibilityTimeoutMillis = 1_500
        try await withHarness(options) { h in
            let numbers = (0..<10).map { "+1415555014\($0)" }
            var ids: [String] = []
            for number in numbers { ids.append(try await h.sendSMS(to: number)) }

            // The doomed consumer takes the whole batch…
            let keys = ChannelKeys(.sms)
            try await h.dispatchStore.ensureGroups(keys)
            let connection = try await h.redis.dedicatedConnection(forKey: keys.stream(.normal), name: "doomed")
            defer { connection.close() }
            let entries = try await h.dispatchStore.read(
                keys, consumer: "doomed", count: 10, blockMillis: 100, on: connection)
            #expect(entries.count == 10)
            // …finishes two of them for real, is in the middle of sending three, and dies.
            let claimed = try await h.dispatchStore.claim(Array(entries[0..<5]), keys: ChannelKeys(.sms), nowMillis: WallClock.nowMillis())
            #expect(claimed.count == 5)
            for message in claimed[0..<2] {
                guard case .accepted(let sid, let status) = try await h.provider(TwilioProvider.self).send(message.message) else {
                    Issue.record("simulator refused a send")
                    return
                }
                try await h.dispatchStore.markAccepted(
                    message, provider: "twilio", providerMessageID: sid, status: status, nowMillis: WallClock.nowMillis())
            }
            #expect(try await h.status(ids[2]) == "sending")

            h.startDispatcher(consumer: "survivor")
            for id in ids { try await h.waitForStatus(id, "delivered") }
            for number in numbers {
                #expect(h.ledger(TwilioRegistration.name).accepted(to: number) == 1, "\(number) was sent \(h.ledger(TwilioRegistration.name).accepted(to: number)) times")
            }
            let pending = try await h.redis.send(["XPENDING", keys.stream(.normal), "dispatch"]).orThrow().array
            #expect(pending.first?.integer == 0)
            #expect(try await h.message(ids[2]).eventLines.joined().contains("reclaimed"))
        }
    }

    @Test("a send slower than the visibility timeout is not started again by its own worker's reclaim")
    func slowSendNotDuplicated() async throws {
        var options = HarnessOptions()
        options.visibilityTimeoutMillis = 200
        options.simulatorLatency = .milliseconds(1_200)
        try await withHarness(options) { h in
            let id = try await h.sendSMS(to: "+14155550152")
            try await h.waitForStatus(id, "delivered")
            #expect(h.ledger(TwilioRegistration.name).requests(to: "+14155550152") == 1)
            #expect(try await h.message(id).attempts == 1)
        }
    }

    @Test("the dispatcher keeps working after Redis restarts empty (consumer groups and scripts recreated)")
    func redisRestartsEmpty() async throws {
        try await withHarness { h in
            let first = try await h.sendSMS(to: "+14155550150")
            try await h.waitForStatus(first, "delivered")
            guard case .tcp(_, let port) = h.redisServer.endpoint.address else { return }
            h.redisServer.kill()
            let directory = NSTemporaryDirectory() + "herald-restart-" + UUID().uuidString
            let replacement = try LocalRedisServer(directory: directory, port: port, appendOnly: false)
            defer { replacement.stop() }
            var second: String?
            try await eventually("the API accepts again") {
                let reply = try? await h.api(
                    .POST, "/v1/messages", json: #"{"channel":"sms","to":"+14155550151","content":{"body":"again"}}"#)
                second = reply?.json["id"] as? String
                return reply?.status == 202
            }
            try await h.waitForStatus(try #require(second), "delivered")
        }
    }
}
