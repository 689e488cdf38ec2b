import Foundation
import HeraldRedis

/// A real Redis Cluster on loopback for a test: `masters` redis-servers with
/// `--cluster-enabled yes` on free ports (and `replicasPerMaster` replicas of
/// each), joined by `redis-cli --cluster create`, ready when every node
/// reports `cluster_state:ok`.
final class LocalRedisCluster: Sendable {
    let ports: [Int]
    let directory: String
    private let servers: [ChildProcess]

    init(masters: Int = 3, replicasPerMaster: Int = 0) async throws {
        directory = NSTemporaryDirectory() + "herald-cluster-" + UUID().uuidString
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
        self.ports = ports
        self.servers = servers
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
            let admin = node(port)
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

    func stop() {
        for server in servers { server.stop() }
        try? FileManager.default.removeItem(atPath: directory)
    }
}
