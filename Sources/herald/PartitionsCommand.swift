import ArgumentParser
import HeraldCore
import HeraldRedis
import Logging

/// `herald partitions`: what a change of `HERALD_PARTITIONS` left behind.
/// Lowering the count drops partitions that may still hold queued, delayed
/// or in-flight messages; workers keep draining them in place (their ids name
/// them), and this command shows how much is left and, once nothing is,
/// retires them so workers stop reading them.
struct PartitionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "partitions",
        abstract: "Show the partition layout and what dropped partitions still hold; --retire once they are empty.")
    @OptionGroup var options: GatewayOptions
    @Flag(help: "Stop workers reading partitions past the configured count, if they hold nothing.") var retire = false

    func run() async throws {
        LoggingSystem.bootstrap { _ in SwiftLogNoOpLogHandler() }
        let config = try await HeraldConfiguration.load(file: options.config)
        let redis = try await CommandLineRedis.connect(config, purpose: "the private sandbox Redis has one layout only")
        defer { redis.close() }
        let layout = try await redis.send(["HGETALL", PartitionLayout.key]).orThrow().fields
        guard let count = layout["count"].flatMap(Int.init), let read = layout["high"].flatMap(Int.init) else {
            print("no layout recorded yet: no Herald has started on this Redis")
            return
        }
        print("partitions \(count) (before: \(layout["previous"] ?? "-"), changed at \(layout["changed_at"] ?? "0") ms), workers read \(read)")
        let left = try await Self.backlog(partitions: count..<read, redis: redis)
        for (partition, held) in left.sorted(by: { $0.key < $1.key }) where held > 0 {
            print("  partition \(partition): \(held) queued, delayed or in flight")
        }
        let total = left.values.reduce(0, +)
        if read > count { print("dropped partitions \(count)..<\(read) hold \(total)") }
        guard retire else { return }
        guard total == 0 else {
            print("not retired: workers are still draining \(total); run again once they are done")
            throw ExitCode(1)
        }
        let (now, before) = try await PartitionLayout.retire(redis: redis)
        print("retired: workers read \(now) partitions (was \(before)) once restarted")
    }

    /// Stream entries (pending included) and delayed messages per partition, over every channel.
    static func backlog(partitions: Range<Int>, redis: any RedisCommands) async throws -> [Int: Int] {
        var commands: [[String]] = []
        var owners: [Int] = []
        for partition in partitions {
            for channel in Channel.allCases {
                let keys = ChannelKeys(channel, partition: partition)
                for stream in keys.streams {
                    commands.append(["XLEN", stream])
                    owners.append(partition)
                }
                commands.append(["ZCARD", keys.delayed])
                owners.append(partition)
            }
        }
        var held: [Int: Int] = [:]
        for (partition, reply) in zip(owners, try await redis.pipeline(commands)) {
            held[partition, default: 0] += reply.integer ?? 0
        }
        return held
    }
}
