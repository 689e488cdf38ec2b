#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOPosix

/// Resolves a host name with the system resolver (`getaddrinfo`: /etc/hosts,
/// then DNS), never on an event loop or the cooperative pool: the blocking
/// call runs on a small thread pool of its own, and the caller stops waiting
/// after `timeout` (the lookup itself cannot be interrupted and finishes on
/// its thread). An address written as such is returned without a lookup.
public struct HostResolver: Sendable {
    /// How long a lookup may take before it counts as failed.
    public var timeout: TimeAmount

    public init(timeout: TimeAmount = .seconds(3)) {
        self.timeout = timeout
    }

    /// Threads for blocking lookups, shared by every resolver of the process
    /// and never shut down (like NIO's own singletons): a lookup is short, and
    /// a hung one blocks only its thread.
    private static let pool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 8)
        pool.start()
        return pool
    }()

    /// Every address `host` resolves to, with `port`, in the resolver's order.
    public func resolve(host: String, port: Int) async throws(HostResolutionError) -> [SocketAddress] {
        if IPAddress(host) != nil, let address = try? SocketAddress(ipAddress: host, port: port) { return [address] }
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let promise = loop.makePromise(of: [SocketAddress].self)
        Self.pool.runIfActive(eventLoop: loop) { try Self.lookup(host: host, port: port) }.cascade(to: promise)
        let timeout = self.timeout
        let timer = loop.scheduleTask(in: timeout) {
            promise.fail(HostResolutionError.timedOut(milliseconds: timeout.nanoseconds / 1_000_000))
        }
        promise.futureResult.whenComplete { _ in timer.cancel() }
        do {
            return try await promise.futureResult.get()
        } catch let error as HostResolutionError {
            throw error
        } catch {
            throw .failed(String(describing: error).prefix(200).description)
        }
    }

    /// The blocking lookup (TCP addresses only).
    private static func lookup(host: String, port: Int) throws(HostResolutionError) -> [SocketAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Darwin)
        hints.ai_socktype = SOCK_STREAM
        #else
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #endif
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let code = getaddrinfo(host, String(port), &hints, &list)
        guard code == 0, let first = list else {
            throw .failed(code == 0 ? "no address" : String(cString: gai_strerror(code)))
        }
        defer { freeaddrinfo(first) }
        var addresses: [SocketAddress] = []
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry?.pointee {
            if let raw = current.ai_addr {
                switch current.ai_family {
                case AF_INET:
                    let v4 = UnsafeRawPointer(raw).loadUnaligned(as: sockaddr_in.self)
                    addresses.append(SocketAddress(v4, host: host))
                case AF_INET6:
                    let v6 = UnsafeRawPointer(raw).loadUnaligned(as: sockaddr_in6.self)
                    addresses.append(SocketAddress(v6, host: host))
                default:
                    break
                }
            }
            entry = current.ai_next
        }
        guard !addresses.isEmpty else { throw .failed("no address") }
        return addresses
    }
}
