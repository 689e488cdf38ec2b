import Foundation
import HeraldRedis
import Logging

/// The Redis a local `herald serve` uses when `HERALD_REDIS_URL` is unset: a
/// child `redis-server` with AOF (fsync every second) under the data folder,
/// on a Unix socket. A server left running by an earlier herald is reused.
enum PrivateRedis {
    static func start(dataDirectory: String, logger: Logger) throws -> (RedisEndpoint, LocalRedisServer?) {
        let directory = URL(fileURLWithPath: dataDirectory).standardizedFileURL.path + "/redis"
        var socket = URL(fileURLWithPath: dataDirectory).standardizedFileURL.path + "/redis.sock"
        if socket.utf8.count > 100 { socket = NSTemporaryDirectory() + "herald-\(abs(directory.hashValue)).sock" }
        let endpoint = RedisEndpoint(address: .unix(path: socket))
        if LocalRedisServer.isAnswering(endpoint) {
            logger.notice("reusing the private redis-server already running", metadata: ["socket": "\(socket)"])
            return (endpoint, nil)
        }
        // Message hashes stay in the compact listpack encoding (about half the
        // memory of a hashtable: BENCHMARKS.md), as herald doctor advises for any Redis.
        let server = try LocalRedisServer(directory: directory, unixSocket: socket, appendOnly: true,
                                          settings: ["--hash-max-listpack-value", "1024"])
        logger.notice("started a private redis-server (AOF everysec)", metadata: ["dir": "\(directory)", "socket": "\(socket)"])
        return (endpoint, server)
    }
}
