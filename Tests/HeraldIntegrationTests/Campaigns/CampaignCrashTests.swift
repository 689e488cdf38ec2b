import AsyncHTTPClient
import Foundation
import HeraldCore
import HeraldRedis
import HeraldTesting
import NIOCore
import Testing

/// Real `herald serve` processes sharing one redis-server: a campaign
/// survives the kill -9 of the instance releasing it.
@Suite("Campaigns across a crash")
struct CampaignCrashTests {
    static func get(_ base: String, _ path: String) async throws -> [String: Any] {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: base + path), timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 4 << 20)
        return (try? JSONSerialization.jsonObject(with: Data(buffer: bytes))) as? [String: Any] ?? [:]
    }

    @Test("kill -9 of one of two instances mid-campaign: every recipient becomes exactly one message, and every one is sent")
    func killNine() async throws {
        let directory = NSTemporaryDirectory() + "herald-campaign-crash-" + UUID().uuidString
        let server = try LocalRedisServer(directory: directory, port: try LocalRedisServer.freePort(), appendOnly: false)
        defer {
            server.stop()
            try? FileManager.default.removeItem(atPath: directory)
        }
        let environment = [
            "HERALD_REDIS_URL": server.endpoint.description, "HERALD_DATA_DIR": directory + "/herald",
            "HERALD_LOG_LEVEL": "warning", "HERALD_CAMPAIGN_LEASE_MS": "2000", "HERALD_VISIBILITY_TIMEOUT_MS": "3000",
        ]
        let doomed = try await ServedHerald.start(environment)
        let survivor: ServedHerald
        do {
            survivor = try await ServedHerald.start(environment)
        } catch {
            _ = try? await doomed.stop()
            throw error
        }
        let output = try await survivor.stop(after: {
            defer { if doomed.running.process.isRunning { doomed.kill9() } }
            let created = try await survivor.post("/v1/campaigns", #"{"id":"crash","channel":"sms","content":{"body":"hi"},"pacing":{"rate_per_minute":1200}}"#)
            #expect(created.status == 201)
            let recipients = campaignNumbers(400, from: 1_000).map { #"{"to":"\#($0)"}"# }.joined(separator: ",")
            let added = try await survivor.post("/v1/campaigns/crash/recipients", #"{"recipients":[\#(recipients)]}"#)
            #expect(added.json["accepted"] as? Int == 400, "\(added.json)")
            #expect(try await doomed.post("/v1/campaigns/crash/start", "").status == 200)
            try await eventually("both instances release", timeout: .seconds(30)) {
                let counts = try await Self.get(survivor.base, "/v1/campaigns/crash")["counts"] as? [String: Any]
                return (counts?["sent"] as? Int ?? 0) >= 80
            }
            doomed.kill9()
            try await eventually("the campaign completes on the survivor", timeout: .seconds(120)) {
                try await Self.get(survivor.base, "/v1/campaigns/crash")["state"] as? String == "completed"
            }
            // `accepted` counts a message when it is created, never on a replay: 400 means each
            // recipient became exactly one message; `sent` 400 means none was skipped.
            try await eventually("every message is sent", timeout: .seconds(60)) {
                let totals = try await Self.get(survivor.base, "/v1/stats?campaign=crash")["totals"] as? [String: Any]
                return totals?["sent"] as? Int == 400
            }
            let totals = try await Self.get(survivor.base, "/v1/stats?campaign=crash")["totals"] as? [String: Any]
            #expect(totals?["accepted"] as? Int == 400, "\(String(describing: totals))")
        })
        #expect(!output.contains("Fatal error"), "\(output.suffix(2_000))")
    }
}
