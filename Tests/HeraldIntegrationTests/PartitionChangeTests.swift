import Foundation
import HeraldCore
import HeraldRedis
import HeraldTesting
import Testing

/// Changing `HERALD_PARTITIONS` under load loses nothing and sends nothing
/// twice: a lowered count's dropped partitions are drained in place, and a
/// replay of an idempotency key made under the previous count answers the
/// original id. Real `herald serve` processes on one real redis-server.
@Suite("Partition count changes")
struct PartitionChangeTests {
    static func items(_ range: Range<Int>, keyPrefix: String) -> String {
        let items = range.map { index -> String in
            let to = "+1415" + String(format: "%07d", 6_000_000 + index)
            return #"{"channel":"sms","to":"\#(to)","content":{"body":"p"},"idempotency_key":"\#(keyPrefix)-\#(index)"}"#
        }
        return #"{"messages":["# + items.joined(separator: ",") + "]}"
    }

    static func ids(_ reply: (status: UInt, json: [String: Any])) throws -> [String] {
        let results = try #require(reply.json["results"] as? [[String: Any]], "\(reply)")
        return results.compactMap { $0["id"] as? String }
    }

    @Test("lowered from 8 to 2 and raised to 16 mid-run: every message sent once, dropped partitions drained, replays find their originals")
    func lowerThenRaise() async throws {
        let directory = NSTemporaryDirectory() + "herald-partitions-" + UUID().uuidString
        let server = try LocalRedisServer(directory: directory, port: try LocalRedisServer.freePort(), appendOnly: false)
        defer {
            server.stop()
            try? FileManager.default.removeItem(atPath: directory)
        }
        let redis = RedisClient(endpoint: server.endpoint, connections: 1)
        defer { redis.close() }
        func start(_ partitions: Int, slow: Bool) async throws -> ServedHerald {
            var environment = [
                "HERALD_REDIS_URL": server.endpoint.description, "HERALD_DATA_DIR": directory + "/herald",
                "HERALD_PARTITIONS": String(partitions), "HERALD_LOG_LEVEL": "warning",
            ]
            // Slow sending (400 take 10 s), so the count changes while much is still queued, however slow the machine.
            if slow { environment["HERALD_RATE_LIMITS"] = "twilio:40:10" }
            return try await ServedHerald.start(environment)
        }

        let eight = try await start(8, slow: true)
        let first = try Self.ids(try await eight.post("/v1/messages/batch", Self.items(0..<400, keyPrefix: "a")))
        #expect(first.count == 400)
        #expect(Set(first.compactMap { MessageID.parse($0)?.partition }).count > 2, "spread over more than 2 partitions")
        try await eventually("sending under the first count", timeout: .seconds(30)) {
            try await redis.statuses(first).contains { $0 == "sent" || $0 == "delivered" }
        }
        try await eight.stop()
        // Work left in the partitions being dropped: queued in their streams, or in their delayed
        // sets (a worker that claimed it put it back for its rate-limit slot).
        let left = try await redis.statuses(first)
        #expect(left.contains { $0 == "queued" || $0 == "scheduled" }, "work was left in the partitions being dropped")

        let two = try await start(2, slow: true)
        let replayed = try await two.post("/v1/messages/batch", Self.items(0..<400, keyPrefix: "a"))
        #expect(try Self.ids(replayed) == first, "a replay under the new count answers each original id")
        let second = try Self.ids(try await two.post("/v1/messages/batch", Self.items(400..<600, keyPrefix: "b")))
        #expect(second.count == 200)
        #expect(second.allSatisfy { (MessageID.parse($0)?.partition ?? 99) < 2 })
        try await eventually("sending under the second count", timeout: .seconds(30)) {
            try await redis.statuses(second).contains { $0 == "sent" || $0 == "delivered" }
        }
        try await two.stop()

        let sixteen = try await start(16, slow: false)
        let again = try await sixteen.post("/v1/messages/batch", Self.items(400..<600, keyPrefix: "b"))
        #expect(try Self.ids(again) == second, "a replay after raising the count answers each original id")
        let all = first + second
        let unsent = try await ClusterScaleTests.unfinished(all, on: redis, reaching: ["sent", "delivered"], timeout: .seconds(120))
        #expect(unsent.isEmpty, "\(unsent.count) never sent: \(unsent.prefix(5))")
        let attempts = try await redis.pipeline(all.map { ["HGET", ChannelKeys(messageID: $0)!.message($0), "attempts"] })
        let twice = zip(all, attempts).filter { $0.1.string != "1" }
        var histories: [String] = []
        for (id, _) in twice.prefix(3) {
            histories.append(try await redis.call("HGET", ChannelKeys(messageID: id)!.message(id), "events").string ?? "")
        }
        #expect(twice.isEmpty, "sent more than once (or never): \(twice.prefix(5)) \(histories)")
        try await sixteen.stop()

        let layout = try await redis.call("HGETALL", PartitionLayout.key).array.compactMap(\.string)
        #expect(layout.contains("high") && layout[layout.firstIndex(of: "high")! + 1] == "16", "\(layout)")
    }
}
