import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// Posts receipts to a Herald on loopback over a small pool of keep-alive
/// HTTP/1.1 connections, with NIO's codec and nothing else. The simulators
/// post one or two receipts per message; through AsyncHTTPClient that cost
/// them as much CPU as Herald spent on the whole message, CPU the benchmark
/// then could not give to Herald. Remote and https URLs still go through
/// AsyncHTTPClient (`ReceiptPoster`).
final class LoopbackHTTPPoster: Sendable {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private struct Pool {
        var idle: [PosterConnection] = []
        var open = 0
        var waiters: [CheckedContinuation<PosterConnection?, Never>] = []
    }

    let host: String
    let port: Int
    let maxConnections: Int
    private let pool = Mutex(Pool())

    init(host: String, port: Int, maxConnections: Int = 32) {
        self.host = host
        self.port = port
        self.maxConnections = maxConnections
    }

    private static let posters = Mutex<[String: LoopbackHTTPPoster]>([:])

    /// The process's poster for `host:port`.
    static func shared(host: String, port: Int) -> LoopbackHTTPPoster {
        posters.withLock { posters in
            if let poster = posters["\(host):\(port)"] { return poster }
            let poster = LoopbackHTTPPoster(host: host, port: port)
            posters["\(host):\(port)"] = poster
            return poster
        }
    }

    /// POSTs `body` to `target` (path and query); returns the response status.
    func post(target: String, contentType: String, headers: [(String, String)], body: String) async throws -> UInt {
        let connection = try await acquire()
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: target)
        head.headers.add(name: "Host", value: "\(host):\(port)")
        head.headers.add(name: "Content-Type", value: contentType)
        head.headers.add(name: "Content-Length", value: String(body.utf8.count))
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        do {
            let status = try await connection.send(head, body: ByteBuffer(string: body))
            release(connection)
            return status
        } catch {
            discard(connection)
            throw error
        }
    }

    /// An idle connection, or a new one in a free slot; waits when every slot is busy.
    private func acquire() async throws -> PosterConnection {
        // nil: a slot to open a connection in (free now, or handed over by `freeSlot`).
        let handed = await withCheckedContinuation { (continuation: CheckedContinuation<PosterConnection?, Never>) in
            let immediate: PosterConnection?? = pool.withLock { pool in
                if let connection = pool.idle.popLast() { return .some(connection) }
                if pool.open < maxConnections {
                    pool.open += 1
                    return .some(nil)
                }
                pool.waiters.append(continuation)
                return .none
            }
            if let immediate { continuation.resume(returning: immediate) }
        }
        if let handed { return handed }
        do {
            return try await PosterConnection.connect(host: host, port: port)
        } catch {
            freeSlot()
            throw error
        }
    }

    private func release(_ connection: PosterConnection) {
        let waiter = pool.withLock { pool -> CheckedContinuation<PosterConnection?, Never>? in
            if !pool.waiters.isEmpty { return pool.waiters.removeFirst() }
            pool.idle.append(connection)
            return nil
        }
        waiter?.resume(returning: connection)
    }

    private func discard(_ connection: PosterConnection) {
        connection.close()
        freeSlot()
    }

    /// A connection slot is free (closed, or never opened): the first waiter
    /// opens a connection in it, else the pool shrinks.
    private func freeSlot() {
        let waiter = pool.withLock { pool -> CheckedContinuation<PosterConnection?, Never>? in
            if !pool.waiters.isEmpty { return pool.waiters.removeFirst() }
            pool.open -= 1
            return nil
        }
        waiter?.resume(returning: nil)
    }
}

/// One keep-alive connection with one request in flight at a time.
final class PosterConnection: Sendable {
    let channel: any Channel
    let handler: NIOLoopBound<PosterHandler>

    private init(channel: any Channel, handler: NIOLoopBound<PosterHandler>) {
        self.channel = channel
        self.handler = handler
    }

    static func connect(host: String, port: Int) async throws -> PosterConnection {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(PosterHandler())
                }
            }
            .connect(host: host, port: port).get()
        let handler = try await channel.eventLoop.submit {
            NIOLoopBound(try channel.pipeline.syncOperations.handler(type: PosterHandler.self), eventLoop: channel.eventLoop)
        }.get()
        return PosterConnection(channel: channel, handler: handler)
    }

    /// Sends one request and waits (at most 10 s) for its status.
    func send(_ head: HTTPRequestHead, body: ByteBuffer) async throws -> UInt {
        let loop = channel.eventLoop
        let promise = loop.makePromise(of: UInt.self)
        let handler = self.handler
        let channel = self.channel
        loop.execute {
            handler.value.pending = promise
            channel.write(HTTPClientRequestPart.head(head), promise: nil)
            channel.write(HTTPClientRequestPart.body(.byteBuffer(body)), promise: nil)
            channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
            let timeout = loop.scheduleTask(in: .seconds(10)) {
                promise.fail(LoopbackHTTPPoster.Failure(description: "no response within 10 s"))
            }
            promise.futureResult.whenComplete { _ in timeout.cancel() }
        }
        return try await promise.futureResult.get()
    }

    func close() {
        channel.close(promise: nil)
    }
}

/// Completes the request in flight with the response's status once the whole
/// response has arrived; fails it if the connection drops.
final class PosterHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    var pending: EventLoopPromise<UInt>?
    private var status: UInt = 0

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): status = head.status.code
        case .body: break
        case .end:
            let promise = pending
            pending = nil
            promise?.succeed(status)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        pending?.fail(LoopbackHTTPPoster.Failure(description: "connection closed"))
        pending = nil
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        pending?.fail(error)
        pending = nil
        context.close(promise: nil)
    }
}
