import Foundation
import NIOHTTP1
import HeraldRedis
import HeraldTesting
import Testing

@Suite("Redis client on SwiftNIO with hiredis's reader")
struct RedisClientTests {
    /// A redis-server on a free port with a data directory of its own; `stop()` removes both.
    struct ScratchServer {
        let server: LocalRedisServer
        let directory: String
        let port: Int
        var endpoint: RedisEndpoint { server.endpoint }

        init() throws {
            directory = NSTemporaryDirectory() + "herald-redis-" + UUID().uuidString
            port = try LocalRedisServer.freePort()
            server = try LocalRedisServer(directory: directory, port: port, appendOnly: false)
        }

        func stop() {
            server.stop()
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    @Test("concurrent callers are answered correctly and in order")
    func concurrentCallers() async throws {
        let server = try ScratchServer()
        defer { server.stop() }
        let client = RedisClient(endpoint: server.endpoint, connections: 2)
        defer { client.close() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<500 {
                group.addTask {
                    try await client.call("SET", "k\(index)", "v\(index)")
                    let value = try await client.call("GET", "k\(index)")
                    #expect(value.string == "v\(index)")
                }
            }
            try await group.waitForAll()
        }
        let replies = try await client.pipeline([["INCR", "n"], ["INCR", "n"], ["GET", "n"]])
        #expect(replies == [.integer(1), .integer(2), .string("2")])
    }

    @Test("error replies are typed, and do not break the connection")
    func errorReplies() async throws {
        let server = try ScratchServer()
        defer { server.stop() }
        let client = RedisClient(endpoint: server.endpoint, connections: 1)
        defer { client.close() }
        try await client.call("SET", "s", "text")
        await #expect(throws: RedisError.self) { try await client.call("INCR", "s") }
        do {
            try await client.call("LPUSH", "s", "x")
            Issue.record("WRONGTYPE was not thrown")
        } catch let error as RedisError {
            guard case .reply(let message) = error else { throw error }
            #expect(message.hasPrefix("WRONGTYPE"))
        }
        #expect(try await client.call("GET", "s").string == "text")
    }

    @Test("a lost connection surfaces as a typed error and the client reconnects")
    func reconnects() async throws {
        let directory = NSTemporaryDirectory() + "herald-redis-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let port = try LocalRedisServer.freePort()
        var server = try LocalRedisServer(directory: directory, port: port, appendOnly: false)
        let client = RedisClient(endpoint: server.endpoint, connections: 1, timeoutMillis: 1_000)
        defer { client.close() }
        #expect(try await client.call("PING").string == "PONG")
        server.kill()
        do {
            _ = try await client.call("PING")
            Issue.record("PING succeeded against a dead server")
        } catch let error as RedisError {
            switch error {
            case .connectionLost, .connectionFailed: break
            default: Issue.record("unexpected error \(error)")
            }
        }
        server = try LocalRedisServer(directory: directory, port: port, appendOnly: false)
        defer { server.stop() }
        #expect(try await client.call("PING").string == "PONG")
    }

    @Test("AUTH and SELECT run before the first command; a wrong password is a typed connection failure")
    func authAndSelect() async throws {
        let server = try ScratchServer()
        defer { server.stop() }
        let admin = RedisClient(endpoint: server.endpoint, connections: 1)
        defer { admin.close() }
        try await admin.call("SET", "where", "db0")
        try await admin.call("CONFIG", "SET", "requirepass", "s3cret")
        let client = RedisClient(endpoint: try RedisEndpoint(url: "redis://:s3cret@127.0.0.1:\(server.port)/3"), connections: 1)
        defer { client.close() }
        try await client.call("SET", "where", "db3")
        #expect(try await client.call("GET", "where").string == "db3")
        #expect(try await client.call("SELECT", "0").string == "OK")
        let wrong = RedisClient(endpoint: try RedisEndpoint(url: "redis://:nope@127.0.0.1:\(server.port)"), connections: 1)
        defer { wrong.close() }
        do {
            _ = try await wrong.call("PING")
            Issue.record("a wrong password was accepted")
        } catch let error as RedisError {
            guard case .connectionFailed(let message) = error else { throw error }
            #expect(message.contains("AUTH refused"))
        }
    }

    @Test("a reply slower than the timeout fails that call and the ones behind it; the next call reconnects")
    func replyTimeout() async throws {
        let server = try ScratchServer()
        defer { server.stop() }
        let client = RedisClient(endpoint: server.endpoint, connections: 1, timeoutMillis: 300)
        defer { client.close() }
        #expect(try await client.call("PING").string == "PONG")
        do {
            _ = try await client.call("BLPOP", "nothing", "1")
            Issue.record("a 1 s reply beat a 300 ms timeout")
        } catch let error as RedisError {
            guard case .connectionLost(let message) = error else { throw error }
            #expect(message.contains("no reply within 300 ms"))
        }
        try await eventually("Redis answers again after its sleep", timeout: .seconds(5)) {
            (try? await client.call("PING"))?.string == "PONG"
        }
        let blocking = client.dedicatedConnection()
        defer { blocking.close() }
        let started = ContinuousClock.now
        let reply = try await blocking.pipeline([["BLPOP", "nothing", "1"]], readTimeoutMillis: 3_000)
        #expect(reply == [.null] || reply == [.array([])])
        #expect(ContinuousClock.now - started >= .milliseconds(900), "the blocking call was cut short")
    }

    @Test("a Unix socket endpoint carries commands and pipelines")
    func unixSocket() async throws {
        let directory = NSTemporaryDirectory() + "herald-redis-" + UUID().uuidString
        let server = try LocalRedisServer(directory: directory, unixSocket: directory + "/redis.sock", appendOnly: false)
        defer { server.stop(); try? FileManager.default.removeItem(atPath: directory) }
        let client = RedisClient(endpoint: try RedisEndpoint(url: "unix://" + directory + "/redis.sock?db=2"), connections: 1)
        defer { client.close() }
        #expect(try await client.pipeline([["SET", "u", "1"], ["INCR", "u"], ["GET", "u"]]) == [.status("OK"), .integer(2), .string("2")])
    }

    @Test("scripts run by EVALSHA survive SCRIPT FLUSH (NOSCRIPT reload)")
    func noScriptReload() async throws {
        let server = try ScratchServer()
        defer { server.stop() }
        let client = RedisClient(endpoint: server.endpoint, connections: 1)
        defer { client.close() }
        let script = RedisScript(name: "echo", source: "return ARGV[1] .. KEYS[1]")
        #expect(try await client.run(script, keys: ["k"], arguments: ["a"]).string == "ak")
        try await client.call("SCRIPT", "FLUSH")
        let replies = try await client.runMany(script, calls: [(["1"], ["x"]), (["2"], ["y"])])
        #expect(replies == [.string("x1"), .string("y2")])
    }

    @Test("Redis URLs parse into endpoints", arguments: [
        ("redis://127.0.0.1:6380/2", RedisEndpoint(address: .tcp(host: "127.0.0.1", port: 6380), database: 2)),
        ("redis://:secret@cache:6379", RedisEndpoint(address: .tcp(host: "cache", port: 6379), password: "secret")),
        ("redis://user:pw@localhost", RedisEndpoint(address: .tcp(host: "localhost", port: 6379), username: "user", password: "pw")),
        ("unix:///tmp/r.sock?db=3", RedisEndpoint(address: .unix(path: "/tmp/r.sock"), database: 3)),
    ])
    func urls(url: String, expected: RedisEndpoint) throws {
        #expect(try RedisEndpoint(url: url) == expected)
    }

    @Test("a bad Redis URL is refused")
    func badURL() {
        #expect(throws: RedisError.self) { try RedisEndpoint(url: "http://x") }
        #expect(throws: RedisError.self) { try RedisEndpoint(url: "redis://host:99999") }
    }
}

@Suite("Redis over TLS")
struct RedisTLSTests {
    /// A CA and a server certificate for 127.0.0.1, made with the openssl command line.
    static func certificates(in directory: String) throws {
        let script = """
            set -e
            cd '\(directory)'
            openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=Herald test CA' -keyout ca.key -out ca.pem 2>/dev/null
            openssl req -newkey rsa:2048 -nodes -subj '/CN=127.0.0.1' -keyout server.key -out server.csr 2>/dev/null
            printf 'subjectAltName=IP:127.0.0.1\\n' > san.ext
            openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile san.ext -out server.pem 2>/dev/null
            openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=Another CA' -keyout other.key -out other.pem 2>/dev/null
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "openssl could not make test certificates")
    }

    @Test("rediss:// verifies the server against the given CA and carries commands; an untrusted server is a connection failure")
    func tls() async throws {
        let directory = NSTemporaryDirectory() + "herald-redis-tls-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.certificates(in: directory)
        // A port free when drawn can be taken before redis-server binds it: then it never answers; try a new one.
        var started: (port: Int, server: ChildProcess, client: RedisClient)?
        for _ in 1...3 where started == nil {
            let port = try LocalRedisServer.freePort()
            let server = try ChildProcess(try LocalRedisServer.locate("redis-server").path, arguments: [
                "--port", "0", "--tls-port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--tls-cert-file", directory + "/server.pem", "--tls-key-file", directory + "/server.key",
                "--tls-ca-cert-file", directory + "/ca.pem", "--tls-auth-clients", "no", "--dir", directory,
                "--logfile", directory + "/redis.log",
            ])
            let client = RedisClient(
                endpoint: try RedisEndpoint(url: "rediss://127.0.0.1:\(port)/1?ca_file=\(directory)/ca.pem"), connections: 1)
            do {
                try await eventually("redis-server answers over TLS", timeout: .seconds(20)) {
                    (try? await client.call("PING"))?.string == "PONG"
                }
                started = (port, server, client)
            } catch {
                client.close()
                server.stop()
            }
        }
        let (tlsPort, server, client) = try #require(started, "redis-server never answered over TLS")
        defer {
            client.close()
            server.stop()
        }
        #expect(try await client.pipeline([["SET", "t", "1"], ["GET", "t"]]) == [.status("OK"), .string("1")])

        let untrusting = RedisClient(
            endpoint: try RedisEndpoint(url: "rediss://127.0.0.1:\(tlsPort)?ca_file=\(directory)/other.pem"), connections: 1)
        defer { untrusting.close() }
        do {
            _ = try await untrusting.call("PING")
            Issue.record("a server the CA did not sign was trusted")
        } catch let error as RedisError {
            guard case .connectionFailed = error else { throw error }
        }
        let plain = RedisClient(endpoint: RedisEndpoint(address: .tcp(host: "127.0.0.1", port: tlsPort)), connections: 1,
                                timeoutMillis: 1_000)
        defer { plain.close() }
        await #expect(throws: RedisError.self) { _ = try await plain.call("PING") }
    }
}
