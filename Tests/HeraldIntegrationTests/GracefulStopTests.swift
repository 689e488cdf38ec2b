import Foundation
import HeraldCore
import HeraldRedis
import HeraldTesting
import Testing
import HeraldAdapters

/// A graceful stop (what SIGTERM asks for) takes no new work, lets every send
/// in flight finish and be recorded, and leaves nothing pending: a restarted
/// instance then sends the rest, and nothing twice.
@Suite("Graceful stop")
struct GracefulStopTests {
    @Test("stopped mid-run with sends in flight: those finish and are recorded, nothing stays pending, and the next instance sends the rest once")
    func stopWithSendsInFlight() async throws {
        var options = HarnessOptions()
        options.simulatorLatency = .milliseconds(40)
        options.callbackStatuses = []
        options.startDispatcher = false
        try await withHarness(options) { h in
            let total = 300
            let items = (0..<total).map { #"{"channel":"sms","to":"+1415556\#(String(format: "%04d", $0))","content":{"body":"hi"}}"# }
            let reply = try await h.api(.POST, "/v1/messages/batch", json: #"{"messages":["# + items.joined(separator: ",") + "]}")
            let ids = try #require(reply.json["results"] as? [[String: Any]]).compactMap { $0["id"] as? String }
            #expect(ids.count == total)
            let first = h.startStoppableDispatcher(consumer: "worker-stopping")
            try await eventually("sends are under way") { h.ledger(TwilioRegistration.name).requests >= 20 }
            first.dispatcher.stop()
            let requestsAtStop = h.ledger(TwilioRegistration.name).requests
            await first.task.value
            let sentByFirst = h.ledger(TwilioRegistration.name).accepted
            #expect(sentByFirst < total, "the stop came while messages were still queued")
            // Every send the provider took before the stop is recorded as sent: none is left `sending`.
            var sent = 0, queued = 0
            for id in ids {
                switch try await h.status(id) {
                case "sent": sent += 1
                case "queued": queued += 1
                case let other: Issue.record("\(id) is \(other) after a graceful stop")
                }
            }
            #expect(sent == sentByFirst, "what the provider took is what is recorded sent")
            #expect(sent + queued == total)
            // No new claim after the stop: at most the batch in flight at the stop was sent after it.
            #expect(sentByFirst - requestsAtStop <= 32, "stopped with \(requestsAtStop) requests, ended with \(sentByFirst) sent")
            for stream in ["herald:{sms}:q:high", "herald:{sms}:q:normal", "herald:{sms}:q:low"] {
                let pending = try await h.redis.send(["XPENDING", stream, "dispatch"]).orThrow().array
                #expect(pending.first?.integer == 0, "nothing stays pending in \(stream)")
            }

            h.startDispatcher(consumer: "worker-after")
            for id in ids { try await h.waitForStatus(id, "sent", timeout: .seconds(60)) }
            #expect(h.ledger(TwilioRegistration.name).accepted == total)
            #expect(h.ledger(TwilioRegistration.name).duplicates == 0, "no recipient was sent twice")
        }
    }
}
