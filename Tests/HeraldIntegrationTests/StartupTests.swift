import AsyncHTTPClient
import Foundation
import HeraldRedis
import HeraldTesting
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

    @Test("an event loop count that is not 1–1024 is refused before anything starts, naming the setting", arguments: ["0", "two", "5000"])
    func eventLoops(value: String) async throws {
        let run = try await HeraldProcess.run(["serve"], environment: ["HERALD_EVENT_LOOPS": value])
        #expect(run.status != 0)
        #expect(run.output.contains("HERALD_EVENT_LOOPS must be a whole number from 1 to 1024, got '\(value)'"), "\(run.output)")
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

    @Test("a key made by `herald keys create` is the gateway's first key: with no HERALD_API_KEYS it is no sandbox, on any address")
    func firstKeyFromTheCommandLine() async throws {
        let directory = NSTemporaryDirectory() + "herald-keys-" + UUID().uuidString
        let server = try LocalRedisServer(directory: directory, port: try LocalRedisServer.freePort(), appendOnly: false)
        defer {
            server.stop()
            try? FileManager.default.removeItem(atPath: directory)
        }
        let redis = ["HERALD_REDIS_URL": server.endpoint.description]
        let refused = try await HeraldProcess.run(["keys", "create", "--name", "ops", "--scopes", "admin,sudo"], environment: redis)
        #expect(refused.status != 0 && refused.output.contains("unknown scope 'sudo'"), "\(refused.output)")
        let created = try await HeraldProcess.run(["keys", "create", "--name", "ops", "--scopes", "admin,read"], environment: redis)
        #expect(created.status == 0, "\(created.output)")
        let secret = try #require(created.output.split(separator: "\n").first { $0.hasPrefix("secret  ") }?.dropFirst(8))
        let id = try #require(created.output.split(separator: "\n").first { $0.hasPrefix("id      ") }?.dropFirst(8))

        // Not a loopback address and no HERALD_API_KEYS: only a stored key makes this safe to start.
        let port = try LocalRedisServer.freePort()
        let running = try HeraldProcess.start(["api"], environment: redis.merging([
            "HERALD_HTTP_HOST": "0.0.0.0", "HERALD_HTTP_PORT": String(port),
        ]) { _, new in new })
        let base = "http://127.0.0.1:\(port)"
        func stats(_ bearer: String?) async throws -> UInt {
            var request = HTTPClientRequest(url: base + "/v1/stats")
            if let bearer { request.headers.add(name: "Authorization", value: "Bearer " + bearer) }
            return try await HTTPClient.shared.execute(request, timeout: .seconds(5)).status.code
        }
        do {
            try await eventually("herald api answers", timeout: .seconds(60)) {
                guard running.process.isRunning else { throw ConditionTimeout(what: "herald api runs: \(running.printed)") }
                return (try? await stats(nil)) != nil
            }
            #expect(try await stats(nil) == 401)
            #expect(try await stats(String(secret)) == 200)
        } catch {
            _ = try? await running.stop()
            throw error
        }
        let stopped = try await running.stop()
        #expect(!stopped.output.contains(String(secret)), "the secret is never logged")

        let listed = try await HeraldProcess.run(["keys", "list"], environment: redis)
        #expect(listed.output.contains(String(id)) && listed.output.contains("scopes=admin,read"), "\(listed.output)")
        #expect(!listed.output.contains(String(secret)))
        let revoked = try await HeraldProcess.run(["keys", "revoke", String(id)], environment: redis)
        #expect(revoked.status == 0, "\(revoked.output)")
        // With no key left, the same settings are an open relay on 0.0.0.0 again: refused.
        let unsafe = try await HeraldProcess.run(["api"], environment: redis.merging([
            "HERALD_HTTP_HOST": "0.0.0.0", "HERALD_HTTP_PORT": String(port),
        ]) { _, new in new })
        #expect(unsafe.status != 0 && unsafe.output.contains("is not a loopback address"), "\(unsafe.output)")
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
