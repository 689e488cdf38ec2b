import Foundation

/// The seed nodes of a Redis Cluster as `HERALD_REDIS_CLUSTER` (and the load
/// generator's `--redis-cluster`) write them: `host:port,host:port,…` or
/// `redis(s)://…` URLs. Parsed in one place so the gateway and the tools read
/// the same list the same way.
public enum ClusterSeeds {
    /// Why a list of seeds could not be read, for the setting's error message.
    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    public static func parse(_ text: String) throws(Invalid) -> [RedisEndpoint] {
        var seeds: [RedisEndpoint] = []
        for part in text.split(separator: ",") {
            let item = part.trimmingCharacters(in: .whitespaces)
            let url = item.contains("://") ? item : "redis://" + item
            guard let endpoint = try? RedisEndpoint(url: url) else {
                throw Invalid(description: "'\(item)' is not a Redis address")
            }
            guard case .tcp = endpoint.address, endpoint.database == 0 else {
                throw Invalid(description: "nodes are host:port (a cluster has only database 0), got '\(item)'")
            }
            seeds.append(endpoint)
        }
        guard !seeds.isEmpty else { throw Invalid(description: "names no node") }
        return seeds
    }
}
