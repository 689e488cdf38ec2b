import Foundation
import HeraldRedis

/// A real Redis Cluster on loopback for a test: `masters` redis-servers with
/// `--cluster-enabled yes` on free ports (and `replicasPerMaster` replicas of
/// each), joined by `redis-cli --cluster create`, ready when every node
/// reports `cluster_state:ok`.
///
/// At most `concurrentClusters` exist at once in a test run: tests run in
/// parallel, and dozens of clusters starting together on two cores starve
/// each other past every deadline. A test waits for its turn before starting
/// its nodes and gives it back in `stop()`.
final class LocalRedisCluster: Sendable {
    let ports: [Int]
    let directory: String
    private let servers: [ChildProcess]
    static let concurrentClusters = 2
    private static let turns = TestTurns(count: concurrentClusters)

    init(masters: Int = 3, replicasPerMaster: Int = 0) async throws {
        await Self.turns.take()
        do {
            (directory, ports, servers) = try await Self.start(masters: masters, replicasPerMaster: replicasPerMaster)
        } catch {
            Self.turns.give()
            throw error
        }
    }

    private static func start(masters: Int, replicasPerMaster: Int) async throws
        -> (directory: String, ports: [Int], servers: [ChildProcess])
    {
        let directory = NSTemporaryDirectory() + "herald-cluster-" + UUID().uuidString
        var ports: [Int] = []
        var servers: [ChildProcess] = []
        let executable = try LocalRedisServer.locate("redis-server").path
        for index in 0..<(masters * (1 + replicasPerMaster)) {
            let port = try LocalRedisServer.freePort()
            let folder = directory + "/node\(index)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            servers.append(try ChildProcess(executable, arguments: [
                "--port", String(port), "--bind", "127.0.0.1", "--cluster-enabled", "yes",
                "--cluster-config-file", folder + "/nodes.conf", "--cluster-node-timeout", "2000", "--dir", folder,
                "--save", "", "--appendonly", "no", "--logfile", folder + "/redis.log",
            ]))
            ports.append(port)
        }
        let started = (directory, ports, servers)
        do {
            try await waitUntilJoined(ports, replicasPerMaster: replicasPerMaster)
        } catch {
            for server in servers { server.stop() }
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        return started
    }

    private static func waitUntilJoined(_ ports: [Int], replicasPerMaster: Int) async throws {
        for port in ports {
            try await eventually("node \(port) answers", timeout: .seconds(10)) {
                LocalRedisServer.isAnswering(RedisEndpoint(address: .tcp(host: "127.0.0.1", port: port)))
            }
        }
        let create = Process()
        create.executableURL = try LocalRedisServer.locate("redis-cli")
        create.arguments = ["--cluster", "create"] + ports.map { "127.0.0.1:\($0)" }
            + ["--cluster-replicas", String(replicasPerMaster), "--cluster-yes"]
        create.standardOutput = FileHandle.nullDevice
        create.standardError = FileHandle.nullDevice
        try create.run()
        create.waitUntilExit()
        guard create.terminationStatus == 0 else { throw ConditionTimeout(what: "redis-cli --cluster create succeeds") }
        for port in ports {
            let admin = RedisClient(endpoint: RedisEndpoint(address: .tcp(host: "127.0.0.1", port: port)), connections: 1)
            defer { admin.close() }
            try await eventually("node \(port) sees the cluster ok", timeout: .seconds(20)) {
                ((try? await admin.call("CLUSTER", "INFO"))?.string ?? "").contains("cluster_state:ok")
            }
        }
    }

    /// A plain client of one node, for administration and for looking at what it holds.
    func node(_ port: Int) -> RedisClient {
        RedisClient(endpoint: RedisEndpoint(address: .tcp(host: "127.0.0.1", port: port)), connections: 1)
    }

    var seeds: [RedisEndpoint] { ports.map { RedisEndpoint(address: .tcp(host: "127.0.0.1", port: $0)) } }

    /// Stops every node and gives the turn to the next test waiting for a cluster.
    func stop() {
        for server in servers { server.stop() }
        try? FileManager.default.removeItem(atPath: directory)
        Self.turns.give()
    }
}
