import ArgumentParser
import Foundation
import HeraldLoadGenerator
import HeraldRedis

/// `herald-bench loadtest`: drives a running Herald and reports accepted/s,
/// dispatched/s, delivered/s and latency percentiles (HdrHistogram).
struct LoadtestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loadtest", abstract: "Send a bounded number of messages to a running Herald and measure it.")

    @Option(help: "Herald's host.") var host = "127.0.0.1"
    @Option(help: "Herald's port.") var port = 8080
    @Option(help: "Bearer API key, if Herald has keys configured.") var apiKey: String?
    @Option(help: "single (POST /v1/messages) or batch (POST /v1/messages/batch).") var mode = "single"
    @Option(help: "Messages to send in total.") var messages = 10_000
    @Option(help: "Messages per batch request.") var batchSize = 1_000
    @Option(help: "Keep-alive connections.") var connections = 64
    @Option(help: "Target messages per second (0 = flat out).") var rate = 0.0
    @Option(help: "Redis to follow messages in (default: $HERALD_REDIS_URL or the private server of ./.herald).")
    var redisUrl: String?
    @Flag(help: "Only measure acceptance; do not follow messages to delivery.") var acceptOnly = false
    @Option(help: "Seconds to wait for every message to be delivered.") var drainTimeout = 120
    @Option(help: "Channel weights, e.g. sms:40,email:30,push:20,wechat:10 (default: all SMS).") var mix = "sms:1"
    @Option(help: "SMS use this stored template, with `name` and `order` in data, instead of literal content.")
    var smsTemplate: String?

    func run() async throws {
        guard let mode = LoadPlan.Mode(rawValue: mode) else { throw ValidationError("--mode must be single or batch") }
        guard messages > 0, messages <= 10_000_000 else { throw ValidationError("--messages must be 1…10,000,000") }
        guard host == "localhost" || host.hasPrefix("127.") || host == "::1" else {
            throw ValidationError("load tests only target loopback addresses")
        }
        guard let channelMix = ChannelMix(parsing: mix) else {
            throw ValidationError("--mix must look like sms:40,email:30,push:20,wechat:10")
        }
        var plan = LoadPlan(
            host: host, port: port, apiKey: apiKey, mode: mode, messages: messages, batchSize: batchSize,
            connections: connections, rate: rate, mix: channelMix)
        plan.smsTemplate = smsTemplate
        var redis: (any RedisCommands)?
        if !acceptOnly {
            if let seeds = ProcessInfo.processInfo.environment["HERALD_REDIS_CLUSTER"], redisUrl == nil {
                let cluster = RedisClusterClient(seeds: try ClusterSeeds.parse(seeds), timeoutMillis: 30_000)
                try await cluster.refreshTopology()
                redis = cluster
            } else {
                let url = redisUrl ?? ProcessInfo.processInfo.environment["HERALD_REDIS_URL"]
                    ?? "unix://" + URL(fileURLWithPath: ".herald/redis.sock").standardizedFileURL.path
                redis = RedisClient(endpoint: try RedisEndpoint(url: url), connections: 1, timeoutMillis: 30_000)
            }
        }
        let report = try await LoadGenerator(plan: plan).run(redis: redis, drainTimeout: .seconds(drainTimeout))
        print(report)
        redis?.close()
    }
}
