import HeraldAdapters
import Foundation
import HeraldRedis
import HeraldTesting
import Testing

/// `herald doctor` run as an operator would, against the test's simulators
/// standing in for the providers' real endpoints, with their credentials.
@Suite("herald doctor")
struct DoctorTests {
    /// A deployment configuration whose providers are the harness's simulators.
    static func environment(_ h: Harness, directory: String, twilioToken: String = Harness.secret(TwilioRegistration.self, "auth_token")) throws
        -> [String: String]
    {
        let account = """
            {"type":"service_account","project_id":"\(FCMRegistration.sandboxProjectID)","private_key_id":"key-1",\
            "private_key":\(String(decoding: try JSONEncoder().encode(Harness.secret(FCMRegistration.self, "private_key_pem")), as: UTF8.self)),\
            "client_email":"\(FCMRegistration.sandboxClientEmail)","token_uri":"\(h.simulatorURL)/token"}
            """
        let accountFile = directory + "/service-account.json"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try account.write(toFile: accountFile, atomically: true, encoding: .utf8)
        return [
            "HERALD_API_KEYS": "k", "HERALD_REDIS_URL": h.redisServer.endpoint.description,
            "HERALD_TWILIO_ACCOUNT_SID": TwilioRegistration.sandboxAccountSID, "HERALD_TWILIO_AUTH_TOKEN": twilioToken,
            "HERALD_TWILIO_FROM": "+15550006666", "HERALD_TWILIO_BASE_URL": h.simulatorURL,
            "HERALD_SENDGRID_API_KEY": Harness.secret(SendGridRegistration.self, "api_key"), "HERALD_SENDGRID_BASE_URL": h.simulatorURL,
            "HERALD_EMAIL_FROM": "news@herald.test", "HERALD_UNSUBSCRIBE_SECRET": "doctor-test-unsubscribe-secret",
            "HERALD_FCM_SERVICE_ACCOUNT_FILE": accountFile, "HERALD_FCM_BASE_URL": h.simulatorURL,
            "HERALD_PUSH_PROVIDERS": "fcm",
            "HERALD_WECHAT_APP_ID": WeChatRegistration.sandboxAppID, "HERALD_WECHAT_APP_SECRET": Harness.secret(WeChatRegistration.self, "app_secret"),
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
                         "wechat: an access token was obtained", "ok    clock      within"] {
                #expect(run.output.contains(line), "missing '\(line)' in \(run.output)")
            }
            #expect(h.ledger(TwilioRegistration.name).requests == 0 && h.ledger(SendGridRegistration.name).requests == 0 && h.ledger(FCMRegistration.name).requests == 0,
                    "doctor must not send")
        }
    }

    @Test("listpack limits that make message hashes hashtables and appendfsync no are warned about, each with its fix")
    func encodingsAndFsync() async throws {
        let directory = NSTemporaryDirectory() + "herald-doctor-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await withHarness { h in
            let environment = try Self.environment(h, directory: directory)
            _ = try await h.redis.send(["CONFIG", "SET", "appendonly", "yes", "appendfsync", "everysec",
                                        "hash-max-listpack-entries", "128", "hash-max-listpack-value", "1024"]).orThrow()
            let good = try await HeraldProcess.run(["doctor"], environment: environment)
            #expect(good.status == 0, "\(good.output)")
            #expect(good.output.contains("ok    redis      hash-max-listpack-entries 128, hash-max-listpack-value 1024"),
                    "\(good.output)")
            #expect(good.output.contains("ok    redis      AOF on, fsync everysec"), "\(good.output)")

            // Redis's own defaults for the value, a lowered entry count, and fsync left to the OS.
            _ = try await h.redis.send(["CONFIG", "SET", "appendfsync", "no",
                                        "hash-max-listpack-entries", "16", "hash-max-listpack-value", "64"]).orThrow()
            let bad = try await HeraldProcess.run(["doctor"], environment: environment)
            #expect(bad.status == 0, "warnings only: \(bad.output)")
            #expect(bad.output.contains("warn  redis      hash-max-listpack-entries 16, hash-max-listpack-value 64: message"
                                        + " hashes are stored as hashtables"), "\(bad.output)")
            #expect(bad.output.contains("fix: CONFIG SET hash-max-listpack-entries 32 hash-max-listpack-value 1024"),
                    "\(bad.output)")
            #expect(bad.output.contains("warn  redis      AOF on, appendfsync no: the OS writes the AOF to disk"),
                    "\(bad.output)")
            #expect(bad.output.contains("fix: CONFIG SET appendfsync everysec"), "\(bad.output)")
        }
    }

    @Test("the clock skew against Redis TIME is measured on a real server, and judged: warn over 1 s, fail over 60 s")
    func clockSkew() async throws {
        try await withHarness { h in
            let skew = try await ClockSkew.measure(h.redis)
            #expect(skew.verdict == .ok && abs(skew.seconds) < 1, "\(skew)")
            #expect(skew.uncertaintySeconds > 0 && skew.uncertaintySeconds < 1, "\(skew)")
        }
        // Judged on the skew the measurement is sure of (its round trip taken off).
        #expect(ClockSkew(seconds: 0.4, uncertaintySeconds: 0.001).verdict == .ok)
        #expect(ClockSkew(seconds: 1.4, uncertaintySeconds: 0.5).verdict == .ok)
        #expect(ClockSkew(seconds: -2.5, uncertaintySeconds: 0.001).verdict == .warn)
        #expect(ClockSkew(seconds: 59, uncertaintySeconds: 0.001).verdict == .warn)
        #expect(ClockSkew(seconds: 61, uncertaintySeconds: 0.001).verdict == .fail)
        #expect(ClockSkew(seconds: -3_600, uncertaintySeconds: 0.001).verdict == .fail)
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
