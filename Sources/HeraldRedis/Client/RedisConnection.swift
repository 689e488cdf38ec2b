import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// One Redis connection: a non-blocking SwiftNIO channel on one event loop,
/// whose bytes hiredis's reader parses (`RedisChannelHandler`). A call never
/// leaves the event loops: no thread of its own, no semaphore. Concurrent
/// callers are pipelined: what they write in one event-loop tick goes out in
/// one flush, and each gets its own replies.
///
/// The connection is made on first use and again after it broke (commands in
/// flight then fail with `.connectionLost`); AUTH and SELECT run before any
/// caller's command.
public final class RedisConnection: Sendable {
    private struct State {
        var channel: (any Channel)?
        var connecting: EventLoopFuture<any Channel>?
        var closed = false
    }

    private let endpoint: RedisEndpoint
    private let timeoutMillis: Int
    private let eventLoop: any EventLoop
    private let state = Mutex(State())

    /// - Parameters:
    ///   - timeoutMillis: connect and per-reply timeout; a reply slower than this
    ///     is treated as a lost connection.
    public init(endpoint: RedisEndpoint, timeoutMillis: Int = 5_000, name: String = "redis") {
        self.endpoint = endpoint
        self.timeoutMillis = timeoutMillis
        eventLoop = MultiThreadedEventLoopGroup.singleton.next()
    }

    /// Sends one command and returns its reply (error replies are returned, not thrown).
    public func send(_ command: [String]) async throws -> RedisValue {
        try await pipeline([command])[0]
    }

    /// Sends commands back to back and returns their replies in order.
    ///
    /// - Parameter readTimeoutMillis: a longer timeout for this request, for
    ///   blocking commands such as `XREADGROUP … BLOCK`.
    public func pipeline(_ commands: [[String]], readTimeoutMillis: Int? = nil) async throws -> [RedisValue] {
        guard !commands.isEmpty else { return [] }
        let channel = try await connected()
        return try await Self.request(commands, on: channel, timeoutMillis: readTimeoutMillis ?? timeoutMillis)
    }

    private static func request(_ commands: [[String]], on channel: any Channel, timeoutMillis: Int) async throws
        -> [RedisValue]
    {
        let promise = channel.eventLoop.makePromise(of: [RedisValue].self)
        channel.write(RedisRequest(commands: commands, promise: promise, timeoutMillis: timeoutMillis)).whenFailure { error in
            promise.fail(RedisError.connectionLost("\(error)"))
        }
        return try await promise.futureResult.get()
    }

    /// The open channel, connecting (once, for every waiting caller) when there is none.
    private func connected() async throws -> any Channel {
        enum Step { case ready(any Channel), wait(EventLoopFuture<any Channel>), start(EventLoopPromise<any Channel>), closed }
        let step: Step = state.withLock { state in
            if state.closed { return .closed }
            if let channel = state.channel, channel.isActive { return .ready(channel) }
            if let connecting = state.connecting { return .wait(connecting) }
            let promise = eventLoop.makePromise(of: (any Channel).self)
            state.connecting = promise.futureResult
            return .start(promise)
        }
        switch step {
        case .closed: throw RedisError.closed
        case .ready(let channel): return channel
        case .wait(let future): return try await future.get()
        case .start(let promise):
            do {
                let channel = try await connect()
                let keep = state.withLock { state -> Bool in
                    state.connecting = nil
                    guard !state.closed else { return false }
                    state.channel = channel
                    return true
                }
                guard keep else {
                    channel.close(promise: nil)
                    throw RedisError.closed
                }
                promise.succeed(channel)
                return channel
            } catch {
                state.withLock { $0.connecting = nil }
                let failure = error as? RedisError ?? RedisError.connectionFailed("\(endpoint): \(error)")
                promise.fail(failure)
                throw failure
            }
        }
    }

    /// The TLS client context of a `rediss://` endpoint (its CA file read now, so a change applies on reconnect).
    private func tlsContext() throws -> NIOSSLContext? {
        guard let tls = endpoint.tls, case .tcp = endpoint.address else { return nil }
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let caFile = tls.caFile { configuration.trustRoots = .file(caFile) }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw RedisError.connectionFailed("\(endpoint): TLS setup failed: \(error)")
        }
    }

    private func connect() async throws -> any Channel {
        let tls = try tlsContext()
        var serverName: String?
        if case .tcp(let host, _) = endpoint.address, (try? SocketAddress(ipAddress: host, port: 0)) == nil { serverName = host }
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(.milliseconds(Int64(timeoutMillis)))
            .channelInitializer { [serverName] channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    if let tls { try sync.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: serverName)) }
                    try sync.addHandler(RedisChannelHandler())
                }
            }
        let channel: any Channel
        do {
            switch endpoint.address {
            case .tcp(let host, let port):
                channel = try await bootstrap.channelOption(.socketOption(.tcp_nodelay), value: 1)
                    .connect(host: host, port: port).get()
            case .unix(let path):
                channel = try await bootstrap.connect(unixDomainSocketPath: path).get()
            }
        } catch {
            throw RedisError.connectionFailed("\(endpoint): \(error)")
        }
        var handshake: [[String]] = []
        if let password = endpoint.password {
            handshake.append(endpoint.username.map { ["AUTH", $0, password] } ?? ["AUTH", password])
        }
        if endpoint.database != 0 { handshake.append(["SELECT", String(endpoint.database)]) }
        // Over TLS a PING completes the TLS handshake before any caller's command, so a certificate that
        // does not verify is a connection failure here, not a lost reply later.
        if tls != nil, handshake.isEmpty { handshake.append(["PING"]) }
        guard !handshake.isEmpty else { return channel }
        do {
            let replies = try await Self.request(handshake, on: channel, timeoutMillis: timeoutMillis)
            for (command, reply) in zip(handshake, replies) {
                if case .error(let message) = reply { throw RedisError.connectionFailed("\(command[0]) refused: \(message)") }
            }
            return channel
        } catch RedisError.connectionLost(let detail) {
            channel.close(promise: nil)
            throw RedisError.connectionFailed("\(endpoint): \(detail)")
        } catch {
            channel.close(promise: nil)
            throw error
        }
    }

    /// Stops accepting commands and closes the socket; commands in flight fail with `.connectionLost`.
    /// Does not wait, so it is safe to call from async code.
    public func close() {
        let channel = state.withLock { state -> (any Channel)? in
            state.closed = true
            defer { state.channel = nil }
            return state.channel
        }
        channel?.close(promise: nil)
    }
}
