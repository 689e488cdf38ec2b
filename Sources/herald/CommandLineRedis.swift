import ArgumentParser
import HeraldRedis

/// The configured Redis for a one-off command (`herald partitions`,
/// `herald keys`): a command never starts the sandbox's private Redis, whose
/// data belongs to a running gateway.
enum CommandLineRedis {
    static func connect(_ config: HeraldConfiguration, purpose: String) async throws -> any RedisCommands {
        if let seeds = try config.redisClusterSeeds() {
            let cluster = RedisClusterClient(seeds: seeds)
            try await cluster.refreshTopology()
            return cluster
        } else if let url = config.redisURL {
            return RedisClient(endpoint: try RedisEndpoint(url: url), connections: 1)
        }
        throw ValidationError("set HERALD_REDIS_URL or HERALD_REDIS_CLUSTER: \(purpose)")
    }
}
