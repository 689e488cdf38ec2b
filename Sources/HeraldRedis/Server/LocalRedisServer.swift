import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A private `redis-server` child process. `herald serve` starts one when no
/// `HERALD_REDIS_URL` is configured, and the tests start one per test on a
/// free loopback port: Herald is always exercised against a real Redis.
public final class LocalRedisServer: Sendable {
    public let endpoint: RedisEndpoint
    let process: ChildProcess
    public var pid: pid_t { process.pid }

    /// Starts `redis-server` and waits (up to `startupTimeout`) until it answers PING.
    ///
    /// - Parameters:
    ///   - directory: data folder; with `appendOnly` the AOF lives here.
    ///   - unixSocket: listen on this socket instead of TCP.
    ///   - settings: further `--name value` settings (the private server's encodings).
    public init(
        directory: String, port: Int? = nil, unixSocket: String? = nil, appendOnly: Bool,
        executable: String = "redis-server", startupTimeout: Duration = .seconds(10), settings: [String] = []
    ) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var arguments = [
            "--bind", "127.0.0.1", "--port", String(port ?? 0), "--dir", directory, "--save", "",
            "--appendonly", appendOnly ? "yes" : "no", "--appendfsync", "everysec", "--daemonize", "no",
            "--protected-mode", "yes", "--logfile", directory + "/redis.log",
        ]
        if let unixSocket { arguments += ["--unixsocket", unixSocket, "--unixsocketperm", "700"] }
        arguments += settings
        process = try ChildProcess(try Self.locate(executable).path, arguments: arguments)
        if let unixSocket {
            endpoint = RedisEndpoint(address: .unix(path: unixSocket))
        } else {
            endpoint = RedisEndpoint(address: .tcp(host: "127.0.0.1", port: port ?? 6379))
        }
        let deadline = ContinuousClock.now.advanced(by: startupTimeout)
        while ContinuousClock.now < deadline {
            guard process.isRunning else { break }
            if Self.isAnswering(endpoint) { return }
            usleep(20_000)
        }
        process.kill()
        throw RedisError.connectionFailed("redis-server did not start within \(startupTimeout); see \(directory)/redis.log")
    }

    /// True when something answers PING at `endpoint` already (a server left by an earlier run).
    public static func isAnswering(_ endpoint: RedisEndpoint) -> Bool {
        RedisProbe.answersPing(endpoint)
    }

    /// Stops the server (SIGTERM: Redis flushes its AOF) and waits for it to exit.
    public func stop() {
        process.stop()
    }

    /// Kills the server without letting it flush: a crash.
    public func kill() {
        process.kill()
    }

    deinit { stop() }

    /// Ports handed out by this process, so two callers racing never get the
    /// same one (asking the kernel for port 0 and closing it would let a
    /// parallel caller receive it again before either binds).
    private static let nextPort = Atomic<Int>(Int.random(in: 0..<20_000))

    /// A TCP port on 127.0.0.1 that nothing listens on right now and that no
    /// other caller in this process has been given. Drawn from 10000–29999,
    /// below Linux's ephemeral range (32768–60999), so an outgoing connection
    /// cannot take it between this check and the server's bind.
    public static func freePort() throws -> Int {
        for _ in 0..<1_000 {
            let port = 10_000 + nextPort.add(1, ordering: .relaxed).oldValue % 20_000
            if isFree(port) { return port }
        }
        throw RedisError.connectionFailed("no free loopback port found")
    }

    private static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return bound == 0
    }

    /// An executable by path, or the first of that name on PATH: how tests start a redis-server with their own flags.
    public static func locate(_ executable: String) throws -> URL {
        if executable.contains("/") { return URL(fileURLWithPath: executable) }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/usr/local/bin").split(separator: ":")
        {
            let path = "\(directory)/\(executable)"
            if FileManager.default.isExecutableFile(atPath: path) { return URL(fileURLWithPath: path) }
        }
        throw RedisError.connectionFailed("\(executable) not found on PATH; install redis-server")
    }
}
