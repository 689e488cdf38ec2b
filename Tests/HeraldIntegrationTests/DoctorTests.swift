import Foundation
import HeraldRedis
import Testing

/// `herald doctor` run as an operator would, against the test's simulators
/// standing in for the providers' real endpoints, with their credentials.
@Suite("herald doctor")
struct DoctorTests {
    /// A deployment configuration whose providers are the harness's simulators.
    static func environment(_ h: Harness, directory: String, twilioToken: String = Harness.authToken) throws
        -> [String: String]
    {
        let account = """
            {"type":"service_account","project_id":"\(Harness.fcmProject)","private_key_id":"key-1",\
            "private_key":\(String(decoding: try JSONEncoder().encode(Harness.fcmKey.pkcs8PEMRepresentation), as: UTF8.self)),\
            "client_email":"\(Harness.fcmClientEmail)","token_uri":"\(h.simulatorURL)/token"}
            """
        let accountFile = directory + "/service-account.json"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try account.write(toFile: accountFile, atomically: true, encoding: .utf8)
        return [
            "HERALD_API_KEYS": "k", "HERALD_REDIS_URL": h.redisServer.endpoint.description,
            "HERALD_TWILIO_ACCOUNT_SID": Harness.accountSID, "HERALD_TWILIO_AUTH_TOKEN": twilioToken,
            "HERALD_TWILIO_FROM": "+15550006666", "HERALD_TWILIO_BASE_URL": h.simulatorURL,
            "HERALD_SENDGRID_API_KEY": Harness.sendgridAPIKey, "HERALD_SENDGRID_BASE_URL": h.simulatorURL,
            "HERALD_EMAIL_FROM": "news@herald.test", "HERALD_UNSUBSCRIBE_SECRET": "doctor-test-unsubscribe-secret",
            "HERALD_FCM_SERVICE_ACCOUNT_FILE": accountFile, "HERALD_FCM_BASE_URL": h.simulatorURL,
            "HERALD_PUSH_PROVIDERS": "fcm",
            "HERALD_WECHAT_APP_ID": Harness.wechatAppID, "HERALD_WECHAT_APP_SECRET": Harness.wechatSecret,
            "HERALD_WECHAT_BASE_URL": h.simulatorURL, "HERALD_WEBHOOK_SECRET": "doctor-test-webhook-secret",
        ]
    }

    @Test("with working credentials every check passes, each provider's by a read-only call, and nothing is sent")
    func healthy() async throws {
        let directory = NSTemporaryDirectory() + "herald-doctor-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await withHarness { h in
            let run = try await HeraldProcess.run(["doctor"], environment: try Self.environment(h, directory: directory))
            #expect(run.status == 0, "\(run.output)")
            for line in ["version 7", "maxmemory-policy noeviction", "Lua scripts load", "twilio accepted the credentials",
                         "sendgrid accepted the credentials", "fcm: the service account minted an access token",
                         "wechat: an access token was obtained"] {
                #expect(run.output.contains(line), "missing '\(line)' in \(run.output)")
            }
            #expect(h.twilioLedger.requests == 0 && h.sendgridLedger.requests == 0 && h.fcmLedger.requests == 0,
                    "doctor must not send")
        }
    }

    @Test("a wrong Twilio token and an evicting Redis fail, each with its fix, and doctor exits non-zero")
    func problems() async throws {
        let directory = NSTemporaryDirectory() + "herald-doctor-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await withHarness { h in
            _ = try await h.redis.send(["CONFIG", "SET", "maxmemory-policy", "volatile-lru"]).orThrow()
            let run = try await HeraldProcess.run(
                ["doctor"], environment: try Self.environment(h, directory: directory, twilioToken: "not-the-token"))
            #expect(run.status != 0)
            #expect(run.output.contains("FAIL  twilio") && run.output.contains("twilio refused the credentials (HTTP 401)"),
                    "\(run.output)")
            #expect(run.output.contains("FAIL  redis") && run.output.contains("maxmemory-policy volatile-lru"), "\(run.output)")
            #expect(run.output.contains("fix: CONFIG SET maxmemory-policy noeviction"), "\(run.output)")
            #expect(run.output.contains("ok    sendgrid"), "other providers are still checked: \(run.output)")
        }
    }
}
