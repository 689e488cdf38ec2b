import Foundation
import HeraldCore
import HeraldRedis
import HeraldTesting
import Testing

@Suite("Coalesced single enqueues")
struct EnqueueCoalescerTests {
    static func sms(to: String, idempotencyKey: String? = nil) throws -> NewMessage {
        var request = MessageRequest(channel: "sms", to: to, content: MessageContent(body: "code for \(to)"))
        request.idempotencyKey = idempotencyKey
        return try MessageValidator().validate(request, nowMillis: WallClock.nowMillis())
    }

    /// A fresh redis-server and a client of it; the folder and port let a test restart it.
    static func redis() throws -> (LocalRedisServer, RedisClient, String, Int) {
        let directory = NSTemporaryDirectory() + "herald-coalesce-" + UUID().uuidString
        let port = try LocalRedisServer.freePort()
        let server = try LocalRedisServer(directory: directory, port: port, appendOnly: false)
        return (server, RedisClient(endpoint: server.endpoint, timeoutMillis: 1_000), directory, port)
    }

    static func enqueueCalls(_ redis: RedisClient) async throws -> Int {
        let stats = try await redis.call("INFO", "commandstats").string ?? ""
        guard let line = stats.split(separator: "\r\n").first(where: { $0.hasPrefix("cmdstat_evalsha:") }),
              let calls = line.split(separator: "calls=").last?.split(separator: ",").first.flatMap({ Int($0) })
        else { return 0 }
        return calls
    }

    @Test("concurrent enqueues share script calls, and each caller gets the id of its own message")
    func sharesCalls() async throws {
        let (server, redis, _, _) = try Self.redis()
        defer { server.stop() }
        defer { redis.close() }
        let store = MessageStore(redis: redis, settings: StoreSettings())
        let coalescer = EnqueueCoalescer(store: store, maxInFlight: 1)
        let recipients = (0..<200).map { "+1415555\(String(format: "%04d", $0))" }
        let results = try await withThrowingTaskGroup(of: (String, EnqueueResult).self) { group in
            for recipient in recipients {
                group.addTask { (recipient, try await coalescer.enqueue(try Self.sms(to: recipient))) }
            }
            return try await group.reduce(into: [(String, EnqueueResult)]()) { $0.append($1) }
        }
        #expect(Set(results.map(\.1.id)).count == 200, "every message has an id of its own")
        for (recipient, result) in results {
            guard case .created(let id) = result else {
                Issue.record("\(recipient) was not created: \(result)")
                continue
            }
            let stored = try #require(try await store.message(id: id))
            #expect(stored.fields["to"] == recipient)
            #expect(stored.fields["body"] == "code for \(recipient)")
        }
        let streamLength = try await redis.call("XLEN", ChannelKeys(.sms).stream(.normal)).integer
        #expect(streamLength == 200)
        #expect(try await Self.enqueueCalls(redis) < 200, "messages that arrived while a call was in Redis went together")
    }

    @Test("the same idempotency key twice in one coalesced call gives one message, then a replay")
    func idempotencyWithinACall() async throws {
        let (server, redis, _, _) = try Self.redis()
        defer { server.stop() }
        defer { redis.close() }
        let coalescer = EnqueueCoalescer(store: MessageStore(redis: redis, settings: StoreSettings()), maxInFlight: 1)
        let results = try await withThrowingTaskGroup(of: EnqueueResult.self) { group in
            for index in 0..<40 {
                group.addTask { try await coalescer.enqueue(try Self.sms(to: "+1415555\(1000 + index)", idempotencyKey: "order-7")) }
            }
            return try await group.reduce(into: [EnqueueResult]()) { $0.append($1) }
        }
        let created = results.filter { if case .created = $0 { true } else { false } }
        #expect(created.count == 1)
        #expect(Set(results.map(\.id)).count == 1, "every replay names the one message")
        #expect(try await redis.call("XLEN", ChannelKeys(.sms).stream(.normal)).integer == 1)
    }

    @Test("when Redis is gone every waiting caller is told its message was not (or may not have been) stored, and none hangs")
    func failsTogether() async throws {
        var (server, redis, directory, port) = try Self.redis()
        defer { redis.close() }
        let coalescer = EnqueueCoalescer(
            store: MessageStore(redis: redis, settings: StoreSettings(storeRetryMillis: 500)), maxInFlight: 1)
        _ = try await coalescer.enqueue(try Self.sms(to: "+14155550001"))
        server.kill()
        let failures = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<20 {
                group.addTask {
                    // Refused as not stored (Redis refused the connection), as of unknown outcome (a write
                    // went out on a connection that had not yet seen the kill), or an error: never `created`.
                    guard let result = try? await coalescer.enqueue(try Self.sms(to: "+1415555\(2000 + index)")) else { return true }
                    if case .refused(_, let reason) = result { return reason == .unavailable || reason == .outcomeUnknown }
                    return false
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(failures == 20)
        server = try LocalRedisServer(directory: directory, port: port, appendOnly: false)
        defer { server.stop() }
        let after = try await coalescer.enqueue(try Self.sms(to: "+14155550002"))
        guard case .created = after else {
            Issue.record("expected a new message after Redis came back, got \(after)")
            return
        }
    }
}

@Suite("Coalesced script runs")
struct CoalescedScriptTests {
    static let echo = RedisScript(
        name: "test_echo",
        source: "if ARGV[1] == 'boom' then return redis.error_reply('boom asked') end redis.call('INCR', KEYS[1]) return ARGV[1]")

    @Test("200 concurrent runs through one call slot each get their own reply, and one error reply fails only its run")
    func ownRepliesAndErrors() async throws {
        let (server, redis, _, _) = try EnqueueCoalescerTests.redis()
        defer { server.stop() }
        defer { redis.close() }
        let script = CoalescedScript(Self.echo, redis: redis, maxInFlight: 1)
        let inputs = (0..<200).map { $0 == 77 ? "boom" : "value-\($0)" }
        let replies = await withTaskGroup(of: (String, Result<String, any Error>).self) { group in
            for input in inputs {
                group.addTask {
                    do {
                        return (input, .success(try await script.run(keys: ["test:counter"], arguments: [input]).string ?? ""))
                    } catch {
                        return (input, .failure(error))
                    }
                }
            }
            var replies: [String: Result<String, any Error>] = [:]
            for await (input, reply) in group { replies[input] = reply }
            return replies
        }
        for input in inputs where input != "boom" {
            #expect((try? replies[input]?.get()) == input)
        }
        #expect(throws: RedisError.self) { try replies["boom"]!.get() }
        #expect(try await redis.call("GET", "test:counter").string == "199")
    }
}
