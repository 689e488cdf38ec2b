import Foundation
@testable import HeraldRedis
import HeraldTesting
import Testing

@Suite("Redis Cluster client")
struct RedisClusterTests {
    @Test("CRC16 and hash tags map keys to slots as the Cluster specification says")
    func slots() {
        #expect(HashSlot.crc16(Array("123456789".utf8)[...]) == 0x31C3)
        #expect(HashSlot.of("foo") == 12_182)
        #expect(HashSlot.of("{user1000}.following") == HashSlot.of("{user1000}.followers"))
        #expect(HashSlot.of("herald:{sms}:m:1") == HashSlot.of("sms"))
        #expect(HashSlot.of("foo{}{bar}") == HashSlot.of("foo{}{bar}") && HashSlot.of("foo{}{bar}") != HashSlot.of("bar"))
        #expect(RedisClusterClient.routingKey(["EVALSHA", "abc", "2", "k1", "k2", "a"]) == "k1")
        #expect(RedisClusterClient.routingKey(["XREADGROUP", "GROUP", "g", "c", "COUNT", "5", "STREAMS", "s1", "s2", ">", ">"]) == "s1")
        #expect(RedisClusterClient.routingKey(["PING"]) == nil)
    }

    @Test("on a real 3-master cluster, keys spread over every master, pipelines span masters, and scripts load on each")
    func spreadsAndScripts() async throws {
        let cluster = try await LocalRedisCluster()
        defer { cluster.stop() }
        let client = RedisClusterClient(seeds: [cluster.seeds[0]])
        defer { client.close() }
        let keys = (0..<3_000).map { "key:\($0)" }
        let stored = try await client.pipeline(keys.map { ["SET", $0, "value of \($0)"] })
        #expect(stored.allSatisfy { $0 == .status("OK") })
        #expect(Set(client.masters).count == 3)
        for port in cluster.ports {
            let node = cluster.node(port)
            defer { node.close() }
            let size = try await node.call("DBSIZE").integer ?? 0
            #expect(abs(size - 1_000) <= 150, "node \(port) holds \(size) of 3,000 keys")
        }
        let read = try await client.pipeline(keys.map { ["GET", $0] })
        #expect(read == keys.map { .string("value of \($0)") })

        let script = RedisScript(name: "test_append", source: "return redis.call('APPEND', KEYS[1], ARGV[1])")
        try await client.preload([script])
        let admin = cluster.node(cluster.ports[1])
        defer { admin.close() }
        try await admin.call("SCRIPT", "FLUSH")
        let lengths = try await client.runMany(script, calls: keys.prefix(300).map { (keys: [$0], arguments: ["!"]) })
        #expect(lengths == keys.prefix(300).map { .integer("value of \($0)!".utf8.count) })
    }

    @Test("a slot moved to another master is followed (MOVED), and a slot in migration is asked (ASK)")
    func redirections() async throws {
        let cluster = try await LocalRedisCluster()
        defer { cluster.stop() }
        let client = RedisClusterClient(seeds: cluster.seeds)
        defer { client.close() }
        let key = "moving-key"
        let slot = HashSlot.of(key)
        try await client.call("SET", key, "here")
        try await client.call("SET", "{moving-key}:other", "too")
        var nodes: [(port: Int, id: String, client: RedisClient)] = []
        for port in cluster.ports {
            let node = cluster.node(port)
            nodes.append((port, try await node.call("CLUSTER", "MYID").string ?? "", node))
        }
        defer { for node in nodes { node.client.close() } }
        var source = nodes[0]
        for node in nodes where try await node.client.send(["GET", key]).string == "here" { source = node }
        let target = nodes.first { $0.port != source.port }!

        // Migration in progress: the key already on the target, the slot still the source's.
        try await target.client.call("CLUSTER", "SETSLOT", String(slot), "IMPORTING", source.id)
        try await source.client.call("CLUSTER", "SETSLOT", String(slot), "MIGRATING", target.id)
        try await source.client.call("MIGRATE", "127.0.0.1", String(target.port), "", "0", "5000", "KEYS", key)
        #expect(try await client.call("GET", key).string == "here", "ASK was not followed")
        #expect(try await client.call("GET", "{moving-key}:other").string == "too")

        // Migration finished: the slot is the target's, and the client's map is stale.
        try await source.client.call("MIGRATE", "127.0.0.1", String(target.port), "", "0", "5000", "KEYS", "{moving-key}:other")
        for node in nodes { try await node.client.call("CLUSTER", "SETSLOT", String(slot), "NODE", target.id) }
        #expect(try await client.call("GET", key).string == "here", "MOVED was not followed")
        #expect(try await client.call("GET", "{moving-key}:other").string == "too")
        try await eventually("the client's slot map names the new owner") {
            try await client.refreshTopology()
            let set = try await client.call("SET", key, "there").string
            let onTarget = try await target.client.send(["GET", key]).string
            return set == "OK" && onTarget == "there"
        }
    }
}

@Suite("Redis Cluster failover")
struct RedisClusterFailoverTests {
    @Test("after CLUSTER FAILOVER promotes a replica, the client follows the new master and every acknowledged write is there")
    func followsFailover() async throws {
        let cluster = try await LocalRedisCluster(masters: 3, replicasPerMaster: 1)
        defer { cluster.stop() }
        let client = RedisClusterClient(seeds: [cluster.seeds[0]])
        defer { client.close() }
        let keys = (0..<600).map { "acked:\($0)" }
        let written = try await client.pipeline(keys.map { ["SET", $0, "v"] })
        #expect(written.allSatisfy { $0 == .status("OK") })
        let key = keys[0]
        let (_, newMaster) = try await cluster.failover(masterOf: key)
        let promoted = cluster.node(newMaster)
        defer { promoted.close() }
        #expect(try await client.call("GET", key).string == "v", "the client did not follow the failover")
        let read = try await client.pipeline(keys.map { ["GET", $0] })
        #expect(read.allSatisfy { $0 == .string("v") }, "an acknowledged write is missing after the failover")
        #expect(try await client.call("SET", key, "after").string == "OK")
        #expect(try await promoted.call("GET", key).string == "after")
    }
}
