import Foundation
import HeraldCore
import HeraldRedis
import HeraldTesting
import Testing

/// Herald on a real local Redis Cluster, as DESIGN's scale section promises:
/// one channel's traffic spreads over every master, and neither a crashed
/// Herald instance nor a master failover loses an acknowledged message.
@Suite("Herald on a Redis Cluster")
struct ClusterScaleTests {
    /// Waits until every id has reached one of `statuses`; returns those that have not.
    static func unfinished(_ ids: [String], on redis: any RedisCommands, reaching statuses: Set<String>,
                           timeout: Duration) async throws -> [String]
    {
        var left = ids
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while !left.isEmpty, ContinuousClock.now < deadline {
            let current = try await redis.statuses(left)
            left = zip(left, current).filter { !statuses.contains($0.1) }.map(\.0)
            if !left.isEmpty { try await Task.sleep(for: .milliseconds(200)) }
        }
        return left
    }

    static func recipients(_ count: Int, from start: Int) -> [String] {
        (start..<(start + count)).map { "+1415" + String(format: "%07d", 5_000_000 + $0) }
    }

    @Test("one channel's messages spread over the 3 masters (32 partitions, the default): each holds a third of the keys, ±15 %")
    func keysSpreadEvenly() async throws {
        var options = HarnessOptions().on(.cluster)
        options.partitions = 32
        try await withHarness(options) { h in
            var ids: [String] = []
            for batch in 0..<3 {
                let items = Self.recipients(1_000, from: batch * 1_000).map {
                    #"{"channel":"sms","to":"\#($0)","content":{"body":"spread"},"campaign":"spread"}"#
                }
                let reply = try await h.api(.POST, "/v1/messages/batch", json: #"{"messages":["# + items.joined(separator: ",") + "]}")
                #expect(reply.status == 202)
                ids += try #require(reply.json["results"] as? [[String: Any]]).compactMap { $0["id"] as? String }
            }
            #expect(ids.count == 3_000)
            let late = try await Self.unfinished(ids, on: h.redis, reaching: ["delivered"], timeout: .seconds(120))
            var histories: [String] = []
            for id in late.prefix(3) { histories.append(id + ": " + (try await h.events(id).map { "\($0.type) \($0.detail)" }.joined(separator: "; "))) }
            #expect(late.isEmpty, "\(late.count) messages were not delivered: \(histories)")
            #expect(Set(ids.compactMap { MessageID.parse($0)?.partition }) == Set(0..<32), "every partition takes messages")
            let keys = try await h.keysByNode()
            #expect(keys.count == 3)
            let total = Double(keys.values.map(\.count).reduce(0, +))
            for (node, held) in keys {
                let share = Double(held.count) / total
                #expect(share >= 0.85 / 3 && share <= 1.15 / 3, "\(node) holds \(held.count) of \(Int(total)) keys (\(share))")
            }
            let stats = try await h.api(.GET, "/v1/stats?campaign=spread")
            let totals = try #require(stats.json["totals"] as? [String: Any])
            #expect(totals["accepted"] as? Int == 3_000, "the stats sum every partition")
            #expect(totals["delivered"] as? Int == 3_000)
        }
    }

    @Test("herald doctor finds the cluster from one seed; naming both a Redis URL and a cluster is refused")
    func doctorAndConfiguration() async throws {
        let cluster = try await LocalRedisCluster(masters: 3)
        defer { cluster.stop() }
        let doctor = try await HeraldProcess.run(["doctor"], environment: ["HERALD_REDIS_CLUSTER": "127.0.0.1:\(cluster.ports[1])"])
        #expect(doctor.output.contains("cluster of 3 masters, 32 partitions per channel"), "\(doctor.output)")
        let both = try await HeraldProcess.run(["serve"], environment: [
            "HERALD_REDIS_CLUSTER": cluster.seedList, "HERALD_REDIS_URL": "redis://127.0.0.1:\(cluster.ports[0])",
        ])
        #expect(both.status != 0)
        #expect(both.output.contains("set HERALD_REDIS_URL or HERALD_REDIS_CLUSTER, not both"), "\(both.output)")
        let bad = try await HeraldProcess.run(["serve"], environment: ["HERALD_REDIS_CLUSTER": cluster.seedList, "HERALD_PARTITIONS": "101"])
        #expect(bad.status != 0)
        #expect(bad.output.contains("HERALD_PARTITIONS must be 1...100"), "\(bad.output)")
    }

    @Test("kill -9 of one of two herald instances mid-run: the other finishes its work, and no acknowledged message is lost")
    func instanceKilled() async throws {
        let cluster = try await LocalRedisCluster(masters: 3)
        defer { cluster.stop() }
        let environment = [
            "HERALD_REDIS_CLUSTER": cluster.seedList, "HERALD_VISIBILITY_TIMEOUT_MS": "2000",
            // Paced, so the kill lands while both instances hold messages in flight.
            "HERALD_RATE_LIMITS": "twilio:300:50", "HERALD_LOG_LEVEL": "warning",
        ]
        let doomed = try await ServedHerald.start(environment)
        let survivor: ServedHerald
        do {
            survivor = try await ServedHerald.start(environment)
        } catch {
            _ = try? await doomed.stop()
            throw error
        }
        let redis = RedisClusterClient(seeds: cluster.seeds)
        defer { redis.close() }
        var acknowledged: [String] = []
        for round in 0..<4 {
            acknowledged += try await doomed.sendBatch(Self.recipients(250, from: round * 500))
            acknowledged += try await survivor.sendBatch(Self.recipients(250, from: round * 500 + 250))
        }
        #expect(acknowledged.count == 2_000)
        try await eventually("both instances are sending", timeout: .seconds(30)) {
            let sent = try await redis.statuses(acknowledged).filter { $0 == "sent" || $0 == "delivered" }.count
            return sent >= 100
        }
        doomed.kill9()
        let output = try await survivor.stop(after: {
            // Sent by the dead instance's simulator, a message may stay `sent` (its receipt died with it).
            let lost = try await Self.unfinished(acknowledged, on: redis, reaching: ["sent", "delivered"], timeout: .seconds(120))
            #expect(lost.isEmpty, "\(lost.count) acknowledged messages never reached a provider: \(lost.prefix(5))")
        })
        #expect(!output.contains("Fatal error"), "\(output.suffix(2_000))")
    }

    @Test("a master failover mid-run (CLUSTER FAILOVER on its replica) is followed without operator action; nothing acknowledged is lost")
    func masterFailover() async throws {
        let cluster = try await LocalRedisCluster(masters: 3, replicasPerMaster: 1)
        defer { cluster.stop() }
        let herald = try await ServedHerald.start([
            "HERALD_REDIS_CLUSTER": cluster.seedList, "HERALD_RATE_LIMITS": "twilio:300:50", "HERALD_LOG_LEVEL": "warning",
        ])
        let redis = RedisClusterClient(seeds: cluster.seeds)
        defer { redis.close() }
        var before: [String] = []
        for round in 0..<3 { before += try await herald.sendBatch(Self.recipients(250, from: round * 250)) }
        try await eventually("herald is sending", timeout: .seconds(30)) {
            try await redis.statuses(before).contains { $0 == "sent" || $0 == "delivered" }
        }
        // The master of SMS partition 0, so the failover is under the traffic.
        let stream = ChannelKeys(.sms).stream(.normal)
        try await cluster.failover(masterOf: stream)
        // Every enqueue after the failover succeeds whole (sendBatch throws on any
        // refusal), and some of them land on the promoted master's partitions.
        var after: [String] = []
        for round in 3..<6 { after += try await herald.sendBatch(Self.recipients(250, from: round * 250)) }
        #expect(after.count == 750)
        let onPromoted = after.filter { id in ChannelKeys(messageID: id).map { HashSlot.of($0.message(id)) == HashSlot.of(stream) } ?? false }
        #expect(!onPromoted.isEmpty, "no message accepted after the failover went to the failed-over partition")
        let output = try await herald.stop(after: {
            let lost = try await Self.unfinished(before + after, on: redis, reaching: ["delivered"], timeout: .seconds(120))
            #expect(lost.isEmpty, "\(lost.count) acknowledged messages were not delivered: \(lost.prefix(5))")
        })
        #expect(!output.contains("Fatal error"), "\(output.suffix(2_000))")
    }
}

extension ServedHerald {
    /// Runs `check` while the instance runs, then stops it (also when `check` throws); returns what it printed.
    func stop(after check: () async throws -> Void) async throws -> String {
        do {
            try await check()
        } catch {
            _ = try? await stop()
            throw error
        }
        return try await stop()
    }
}
