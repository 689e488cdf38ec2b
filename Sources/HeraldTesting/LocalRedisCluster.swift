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
public final class LocalRedisCluster: Sendable {
    public let ports: [Int]
    public let directory: String
    private let servers: [ChildProcess]
    public static let concurrentClusters = 2
    private static let turns = TestTurns(count: concurrentClusters)
    /// One test at a time may hold every turn (`withoutClusters`), so two such tests never deadlock each holding some.
    private static let exclusive = TestTurns(count: 1)

    /// Runs `body` while no test cluster runs: it waits for every turn and
    /// holds them. For a test whose timing several parallel clusters (six
    /// redis-servers and Herald processes on two cores) would disturb.
    public static func withoutClusters<T>(_ body: () async throws -> T) async rethrows -> T {
        await exclusive.take()
        for _ in 0..<concurrentClusters { await turns.take() }
        defer {
            for _ in 0..<concurrentClusters { turns.give() }
            exclusive.give()
        }
        return try await body()
    }

    public init(masters: Int = 3, replicasPerMaster: Int = 0) async throws {
        await Self.turns.take()
        var lastError: any Error = ConditionTimeout(what: "the cluster forms")
        for _ in 1...3 {
            do {
                (directory, ports, servers) = try await Self.start(masters: masters, replicasPerMaster: replicasPerMaster)
                return
            } catch {
                // A port free when drawn may have been taken by another test
                // before its node bound it: that node never answers. New ports.
                lastError = error
                print("LocalRedisCluster: did not form (\(error)); trying again on new ports")
            }
        }
        Self.turns.give()
        throw lastError
    }

    private static func start(masters: Int, replicasPerMaster: Int) async throws
        -> (directory: String, ports: [Int], servers: [ChildProcess])
    {
        let directory = NSTemporaryDirectory() + "herald-cluster-" + UUID().uuidString
        var ports: [Int] = []
        var servers: [ChildProcess] = []
        let executable = try LocalRedisServer.locate("redis-server").path
        do {
            for index in 0..<(masters * (1 + replicasPerMaster)) {
                let port = try LocalRedisServer.freePort()
                // The cluster bus port is port + 10000 unless set: that may be
                // in the kernel's ephemeral range, or a port handed to another
                // test. Drawn like every other port instead.
                let busPort = try LocalRedisServer.freePort()
                let folder = directory + "/node\(index)"
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                servers.append(try ChildProcess(executable, arguments: [
                    "--port", String(port), "--cluster-port", String(busPort), "--bind", "127.0.0.1", "--cluster-enabled", "yes",
                    "--cluster-config-file", folder + "/nodes.conf", "--cluster-node-timeout", "2000", "--dir", folder,
                    "--save", "", "--appendonly", "no", "--logfile", folder + "/redis.log",
                ]))
                ports.append(port)
            }
            try await waitUntilJoined(ports, replicasPerMaster: replicasPerMaster)
        } catch {
            for server in servers { server.stop() }
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        return (directory, ports, servers)
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
    public func node(_ port: Int) -> RedisClient {
        RedisClient(endpoint: RedisEndpoint(address: .tcp(host: "127.0.0.1", port: port)), connections: 1)
    }

    public var seeds: [RedisEndpoint] { ports.map { RedisEndpoint(address: .tcp(host: "127.0.0.1", port: $0)) } }

    /// `HERALD_REDIS_CLUSTER` for this cluster.
    public var seedList: String { ports.map { "127.0.0.1:\($0)" }.joined(separator: ",") }

    /// The ports of the masters, as the nodes themselves say (`ROLE`).
    public func masterPorts() async throws -> [Int] {
        var masters: [Int] = []
        for port in ports {
            let client = node(port)
            defer { client.close() }
            if try await client.call("ROLE").array.first?.string == "master" { masters.append(port) }
        }
        return masters
    }

    /// A manual failover of the master serving `key`: waits until its replica
    /// has every write, then `CLUSTER FAILOVER` on the replica, and returns
    /// once the replica reports itself master. Returns (old master, new master) ports.
    @discardableResult
    public func failover(masterOf key: String) async throws -> (old: Int, new: Int) {
        let nodes = ports.map { (port: $0, client: node($0)) }
        defer { for node in nodes { node.client.close() } }
        let slot = HashSlot.of(key)
        var masterPort: Int?
        for node in nodes where try await node.client.call("ROLE").array.first?.string == "master" {
            let owners = try await node.client.call("CLUSTER", "SLOTS").array
            let serves = owners.contains { range in
                let parts = range.array
                guard parts.count >= 3, let low = parts[0].integer, let high = parts[1].integer,
                      let port = parts[2].array.dropFirst().first?.integer else { return false }
                return (low...high).contains(slot) && port == node.port
            }
            if serves { masterPort = node.port }
        }
        guard let oldMaster = masterPort else { throw ConditionTimeout(what: "a master serves slot \(slot)") }
        var replicaPort: Int?
        for node in nodes {
            let info = try await node.client.call("INFO", "replication").string ?? ""
            if info.contains("role:slave"), info.contains("master_port:\(oldMaster)\r\n") { replicaPort = node.port }
        }
        guard let newMaster = replicaPort, let master = nodes.first(where: { $0.port == oldMaster })?.client,
              let promoted = nodes.first(where: { $0.port == newMaster })?.client
        else { throw ConditionTimeout(what: "master \(oldMaster) has a replica") }
        try await eventually("the replica has every write", timeout: .seconds(20)) {
            let offsets = try await master.call("INFO", "replication").string ?? ""
            let replicaInfo = try await promoted.call("INFO", "replication").string ?? ""
            return replicaInfo.contains("master_link_status:up") && Self.offset(offsets, "master_repl_offset")
                == Self.offset(replicaInfo, "slave_repl_offset")
        }
        try await promoted.call("CLUSTER", "FAILOVER")
        try await eventually("the replica is the master", timeout: .seconds(20)) {
            try await promoted.call("ROLE").array.first?.string == "master"
        }
        return (oldMaster, newMaster)
    }

    public static func offset(_ info: String, _ field: String) -> Int? {
        info.split(separator: "\r\n").first { $0.hasPrefix(field + ":") }.flatMap { Int($0.split(separator: ":")[1]) }
    }

    /// SIGKILL of the node on `port`: a crashed master, not a manual failover.
    public func kill9(_ port: Int) {
        guard let index = ports.firstIndex(of: port) else { return }
        servers[index].kill()
    }

    /// Stops every node and gives the turn to the next test waiting for a cluster.
    public func stop() {
        for server in servers { server.stop() }
        try? FileManager.default.removeItem(atPath: directory)
        Self.turns.give()
    }
}
