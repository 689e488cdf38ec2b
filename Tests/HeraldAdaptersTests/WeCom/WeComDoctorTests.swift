import Foundation
import HeraldTesting
import Testing
import HeraldAdapters

/// `herald doctor` run as an operator would, with a WeCom account whose API
/// is the test's simulator: the check is a token and agent/get, nothing is sent.
@Suite("herald doctor with WeCom")
struct WeComDoctorTests {
    static func environment(_ h: Harness, secret: String = Harness.secret(WeComRegistration.self, "corp_secret")) -> [String: String] {
        [
            "HERALD_API_KEYS": "k", "HERALD_REDIS_URL": h.redisServer.endpoint.description,
            "HERALD_WECOM_CORP_ID": WeComRegistration.sandboxCorpID, "HERALD_WECOM_CORP_SECRET": secret,
            "HERALD_WECOM_AGENT_ID": String(WeComRegistration.sandboxAgentID), "HERALD_WECOM_BASE_URL": h.simulatorURL,
        ]
    }

    @Test("a working app passes; a disabled app or a wrong secret fails with its fix, and nothing is sent")
    func doctor() async throws {
        try await withHarness(HarnessOptions(startDispatcher: false)) { h in
            let healthy = try await HeraldProcess.run(["doctor"], environment: Self.environment(h))
            #expect(healthy.output.contains("wecom: an access token was obtained and app 1000002 (Herald simulator) is enabled"),
                    "\(healthy.output)")
            #expect(!healthy.output.contains("FAIL  wecom"), "\(healthy.output)")

            h.simulator(WeComSimulator.self).closeApp()
            // The token is shared through Redis: this run reuses the first run's and reads the app again.
            let closed = try await HeraldProcess.run(["doctor"], environment: Self.environment(h))
            #expect(closed.status != 0)
            #expect(closed.output.contains("FAIL  wecom") && closed.output.contains("close=1"), "\(closed.output)")
            #expect(h.simulator(WeComSimulator.self).tokensIssued == 1, "\(closed.output)")

            _ = try await h.redis.send(["FLUSHALL"])
            let wrong = try await HeraldProcess.run(["doctor"], environment: Self.environment(h, secret: "not-the-secret"))
            #expect(wrong.status != 0)
            #expect(wrong.output.contains("FAIL  wecom") && wrong.output.contains("HERALD_WECOM_CORP_SECRET"), "\(wrong.output)")
            #expect(h.ledger(WeComRegistration.name).requests == 0, "doctor must not send")
        }
    }
}
