import Foundation
import HeraldRedis
import Testing

/// How `herald serve` starts and refuses to, seen from outside: exit codes
/// and what it says. A refusal happens before anything serves.
@Suite("Startup")
struct StartupTests {
    @Test("without API keys, a real provider account is refused, naming the setting and the fix")
    func realAccountWithoutKeys() async throws {
        let run = try await HeraldProcess.run(["serve"], environment: [
            "HERALD_TWILIO_ACCOUNT_SID": "AC00000000000000000000000000000001", "HERALD_TWILIO_AUTH_TOKEN": "t",
            "HERALD_TWILIO_FROM": "+15005550006",
        ])
        #expect(run.status != 0)
        #expect(run.output.contains("HERALD_TWILIO_ACCOUNT_SID") && run.output.contains("HERALD_API_KEYS"), "\(run.output)")
    }

    @Test("without API keys, a non-loopback address is refused")
    func publicAddressWithoutKeys() async throws {
        let run = try await HeraldProcess.run(["serve"], environment: ["HERALD_HTTP_HOST": "0.0.0.0"])
        #expect(run.status != 0)
        #expect(run.output.contains("not a loopback address"), "\(run.output)")
    }

    @Test("a misspelled setting is refused, naming the closest known one")
    func unknownKey() async throws {
        let run = try await HeraldProcess.run(["serve"], environment: ["HERALD_TWILO_FROM": "+15005550006"])
        #expect(run.status != 0)
        #expect(run.output.contains("unknown setting HERALD_TWILO_FROM; did you mean HERALD_TWILIO_FROM?"), "\(run.output)")
    }

    @Test("a configuration file's unknown keys and malformed lines are refused, naming the file and line")
    func configurationFile() async throws {
        let directory = NSTemporaryDirectory() + "herald-conf-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let good = directory + "/good.conf", misspelled = directory + "/misspelled.conf", broken = directory + "/broken.conf"
        try "# comment\nHERALD_LOG_LEVEL = warning\nHERALD_HTTP_PORT=18999\n".write(toFile: good, atomically: true, encoding: .utf8)
        try "HERALD_HTTP_PORT=18999\nHERALD_RETRY_MAX_ATTEMTPS=3\n".write(toFile: misspelled, atomically: true, encoding: .utf8)
        try "HERALD_HTTP_PORT=18999\nthis is not a setting\n".write(toFile: broken, atomically: true, encoding: .utf8)
        let accepted = try await HeraldProcess.run(["doctor", "--config", good], environment: [:])
        #expect(accepted.output.contains("ok    settings   2 HERALD_* settings, all known"), "\(accepted.output)")
        let unknown = try await HeraldProcess.run(["doctor", "--config", misspelled], environment: [:])
        #expect(unknown.status != 0)
        #expect(unknown.output.contains("unknown setting HERALD_RETRY_MAX_ATTEMTPS; did you mean HERALD_RETRY_MAX_ATTEMPTS?"),
                "\(unknown.output)")
        let malformed = try await HeraldProcess.run(["serve", "--config", broken], environment: [:])
        #expect(malformed.status != 0)
        #expect(malformed.output.contains("broken.conf:2: expected KEY=value"), "\(malformed.output)")
    }

    @Test("a port already in use makes herald exit non-zero, naming the address and port it could not bind")
    func portInUse() async throws {
        try await withHarness { h in
            let apiPort = String(h.apiURL.split(separator: ":").last!)
            let run = try await HeraldProcess.run(["serve"], environment: [
                "HERALD_API_KEYS": "k", "HERALD_HTTP_PORT": apiPort, "HERALD_WEBHOOK_SECRET": "s",
                "HERALD_REDIS_URL": h.redisServer.endpoint.description,
            ])
            #expect(run.status != 0)
            #expect(run.output.contains("cannot listen on 127.0.0.1:\(apiPort) for the HTTP API"), "\(run.output)")
            #expect(run.output.contains("Address already in use"), "\(run.output)")
        }
    }

    @Test("a malformed APNs key is a configuration error naming the setting, not a crash")
    func malformedAPNsKey() async throws {
        let directory = NSTemporaryDirectory() + "herald-apns-" + UUID().uuidString
        let server = try LocalRedisServer(directory: directory, port: try LocalRedisServer.freePort(), appendOnly: false)
        defer {
            server.stop()
            try? FileManager.default.removeItem(atPath: directory)
        }
        let keyFile = directory + "/AuthKey_BROKEN.p8"
        try "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n".write(
            toFile: keyFile, atomically: true, encoding: .utf8)
        let run = try await HeraldProcess.run(["serve"], environment: [
            "HERALD_API_KEYS": "k", "HERALD_REDIS_URL": server.endpoint.description, "HERALD_APNS_KEY_FILE": keyFile,
            "HERALD_APNS_KEY_ID": "BROKEN0001", "HERALD_APNS_TEAM_ID": "TEAM000001", "HERALD_APNS_TOPIC": "com.example.app",
        ])
        #expect(run.status == 1, "a configuration error exits 1, a crash would not: \(run.output)")
        #expect(run.output.contains("HERALD_APNS_KEY_FILE is not a P-256 private key"), "\(run.output)")
    }

    @Test("a Redis that may evict keys is refused; HERALD_REDIS_EVICTION=warn starts anyway, loudly")
    func evictionPolicy() async throws {
        let directory = NSTemporaryDirectory() + "herald-evicting-" + UUID().uuidString
        let server = try LocalRedisServer(directory: directory, port: try LocalRedisServer.freePort(), appendOnly: false)
        defer {
            server.stop()
            try? FileManager.default.removeItem(atPath: directory)
        }
        let redis = RedisClient(endpoint: server.endpoint)
        defer { redis.close() }
        _ = try await redis.send(["CONFIG", "SET", "maxmemory-policy", "allkeys-lru"]).orThrow()
        let environment = ["HERALD_API_KEYS": "k", "HERALD_WEBHOOK_SECRET": "s", "HERALD_REDIS_URL": server.endpoint.description]
        let refused = try await HeraldProcess.run(["serve"], environment: environment)
        #expect(refused.status != 0)
        #expect(refused.output.contains("maxmemory-policy is allkeys-lru"), "\(refused.output)")

        // Past the check, it stops at the next obstacle: a port already taken.
        let taken = try await withHarness { h in
            try await HeraldProcess.run(["serve"], environment: environment.merging([
                "HERALD_REDIS_EVICTION": "warn", "HERALD_HTTP_PORT": String(h.apiURL.split(separator: ":").last!),
            ]) { _, new in new })
        }
        #expect(taken.output.contains("critical") && taken.output.contains("allkeys-lru"), "\(taken.output)")
        #expect(taken.output.contains("Address already in use"), "\(taken.output)")
    }
}
