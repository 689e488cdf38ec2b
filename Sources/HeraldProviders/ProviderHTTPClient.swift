import DequeModule
import NIOCore
import NIOHTTP1
import NIOSSL
import Synchronization

/// The HTTP/1.1 client every HTTP adapter sends through: keep-alive
/// connections pooled per provider origin, TLS for https, a connect and a read
/// timeout, and a cap on response size. It does on NIO's HTTP codec only what
/// a provider call needs; AsyncHTTPClient cost several times as much CPU per
/// request (BENCHMARKS.md), and APNs, which needs HTTP/2, keeps using it.
public final class ProviderHTTPClient: Sendable {
    /// How connections to one origin are shared.
    private struct Pool {
        var idle: [(connection: ProviderConnection, since: ContinuousClock.Instant)] = []
        var open = 0
        var waiters = Deque<CheckedContinuation<ProviderConnection?, Never>>()
    }

    public let maxConnectionsPerHost: Int
    public let connectTimeout: TimeAmount
    public let readTimeout: TimeAmount
    /// An idle connection older than this is closed rather than reused: a
    /// provider may already have dropped it.
    public let idleTimeout: Duration
    public let maxResponseBytes: Int
    /// Whether a response longer than `maxResponseBytes` is cut there and
    /// returned (its connection then closed) instead of failing: for callers
    /// that need little more than the status.
    public let truncatesLongResponses: Bool
    /// When set, every connection is vetted first: its host is resolved, the
    /// addresses are checked, and only those addresses are connected to.
    public let egress: EgressGuard?
    private let tls: NIOSSLContext
    private let pools = Mutex<[ProviderOrigin: Pool]>([:])
    private let isShutDown = Atomic<Bool>(false)

    /// - Parameter trustRootsPEM: certificates to trust instead of the system's (test providers).
    public init(
        maxConnectionsPerHost: Int = 256, connectTimeout: TimeAmount = .seconds(5), readTimeout: TimeAmount = .seconds(15),
        idleTimeout: Duration = .seconds(30), maxResponseBytes: Int = 1 << 20, truncatesLongResponses: Bool = false,
        egress: EgressGuard? = nil, trustRootsPEM: String? = nil
    ) throws {
        precondition(maxConnectionsPerHost > 0)
        self.maxConnectionsPerHost = maxConnectionsPerHost
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
        self.idleTimeout = idleTimeout
        self.maxResponseBytes = maxResponseBytes
        self.truncatesLongResponses = truncatesLongResponses
        self.egress = egress
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let trustRootsPEM {
            configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(trustRootsPEM.utf8)))
        }
        tls = try NIOSSLContext(configuration: configuration)
    }

    /// A client for the dispatcher: the system's trust roots never fail to load.
    public static func make(maxConnectionsPerHost: Int = 256, timeoutSeconds: Int64 = 15) -> ProviderHTTPClient {
        try! ProviderHTTPClient(maxConnectionsPerHost: maxConnectionsPerHost, readTimeout: .seconds(timeoutSeconds))
    }

    /// Sends `request` and returns the whole response. Throws
    /// `ProviderHTTPError` when no response arrives (see its cases for whether
    /// the request can have reached the provider).
    public func execute(_ request: ProviderRequest) async throws -> ProviderResponse {
        guard let (origin, target) = ProviderOrigin.parse(request.url) else { throw ProviderHTTPError.invalidURL(request.url) }
        var head = HTTPRequestHead(version: .http1_1, method: request.method, uri: target, headers: request.headers)
        if !head.headers.contains(name: "Host") { head.headers.add(name: "Host", value: origin.hostHeader) }
        if let body = request.body {
            head.headers.replaceOrAdd(name: "Content-Length", value: String(body.readableBytes))
        } else if request.method == .POST || request.method == .PUT {
            head.headers.replaceOrAdd(name: "Content-Length", value: "0")
        }
        let connection = try await acquire(origin)
        do {
            let (response, keepAlive) = try await connection.send(head, body: request.body, timeout: readTimeout)
            release(connection, to: origin, reusable: keepAlive)
            return response
        } catch {
            release(connection, to: origin, reusable: false)
            throw error
        }
    }

    /// Closes idle connections; later requests fail.
    public func shutdown() async {
        isShutDown.store(true, ordering: .sequentiallyConsistent)
        let (idle, waiters) = pools.withLock { pools in
            let idle = pools.values.flatMap { $0.idle.map(\.connection) }
            let waiters = pools.values.flatMap(\.waiters)
            pools = [:]
            return (idle, waiters)
        }
        for connection in idle { connection.close() }
        for waiter in waiters { waiter.resume(returning: nil) }
    }

    /// An idle live connection, or a new one in a free slot; waits while every slot is busy.
    private func acquire(_ origin: ProviderOrigin) async throws -> ProviderConnection {
        var stale: [ProviderConnection] = []
        let handed = await withCheckedContinuation { (continuation: CheckedContinuation<ProviderConnection?, Never>) in
            let now = ContinuousClock.now
            let immediate: ProviderConnection?? = withPool(origin) { pool in
                while let (connection, since) = pool.idle.popLast() {
                    if connection.channel.isActive, since.duration(to: now) < idleTimeout { return .some(connection) }
                    stale.append(connection)
                    pool.open -= 1
                }
                if pool.open < maxConnectionsPerHost {
                    pool.open += 1
                    return .some(nil)
                }
                pool.waiters.append(continuation)
                return .none
            }
            if let immediate { continuation.resume(returning: immediate) }
        }
        for connection in stale { connection.close() }
        if let handed { return handed }
        // A slot to open a connection in (free now, or handed over by `freeSlot`).
        do {
            guard !isShutDown.load(ordering: .sequentiallyConsistent) else {
                throw ProviderHTTPError.connectFailed("client shut down")
            }
            let addresses = try await vetted(origin)
            return try await ProviderConnection.connect(
                to: origin, at: addresses, tls: origin.secure ? tls : nil, connectTimeout: connectTimeout,
                maxResponseBytes: maxResponseBytes, truncatesLongResponses: truncatesLongResponses)
        } catch {
            freeSlot(of: origin)
            throw error
        }
    }

    /// The addresses `egress` lets a connection to `origin` use; nil without
    /// a guard (the bootstrap resolves the host itself).
    private func vetted(_ origin: ProviderOrigin) async throws -> [SocketAddress]? {
        guard let egress else { return nil }
        do {
            return try await egress.vet(host: origin.host, port: origin.port)
        } catch {
            switch error {
            case .notAllowed(let scope): throw ProviderHTTPError.addressNotAllowed(scope)
            case .unresolvable: throw ProviderHTTPError.connectFailed("\(error)")
            }
        }
    }

    private func release(_ connection: ProviderConnection, to origin: ProviderOrigin, reusable: Bool) {
        guard reusable, connection.channel.isActive, !isShutDown.load(ordering: .sequentiallyConsistent) else {
            connection.close()
            freeSlot(of: origin)
            return
        }
        let waiter = withPool(origin) { pool -> CheckedContinuation<ProviderConnection?, Never>? in
            if let waiter = pool.waiters.popFirst() { return waiter }
            pool.idle.append((connection, .now))
            return nil
        }
        waiter?.resume(returning: connection)
    }

    /// Runs `body` on the pool of `origin` in place (a copy would copy its queues on every change).
    private func withPool<Result>(_ origin: ProviderOrigin, _ body: (inout Pool) -> Result) -> Result {
        pools.withLock { pools in body(&pools[origin, default: Pool()]) }
    }

    /// A slot is free (its connection closed or never opened): the first
    /// waiter opens a connection in it, else the pool shrinks.
    private func freeSlot(of origin: ProviderOrigin) {
        let waiter = withPool(origin) { pool -> CheckedContinuation<ProviderConnection?, Never>? in
            if let waiter = pool.waiters.popFirst() { return waiter }
            pool.open -= 1
            return nil
        }
        waiter?.resume(returning: nil)
    }
}
