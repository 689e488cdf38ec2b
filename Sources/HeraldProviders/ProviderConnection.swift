import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOTLS

/// One keep-alive HTTP/1.1 connection to a provider (over TLS for https),
/// carrying one request at a time. Made by `ProviderHTTPClient`, which pools it.
final class ProviderConnection: Sendable {
    let channel: any Channel
    private let handler: NIOLoopBound<ProviderResponseHandler>

    private init(channel: any Channel, handler: NIOLoopBound<ProviderResponseHandler>) {
        self.channel = channel
        self.handler = handler
    }

    /// Connects and, for https, completes the TLS handshake, so that every
    /// failure here means the request was never written. With `addresses`
    /// (vetted by an `EgressGuard`) it connects to those, in order, and to
    /// nothing else; the host name still goes in TLS SNI and certificate
    /// verification.
    static func connect(
        to origin: ProviderOrigin, at addresses: [SocketAddress]? = nil, tls: NIOSSLContext?, connectTimeout: TimeAmount,
        maxResponseBytes: Int, truncatesLongResponses: Bool = false
    ) async throws -> ProviderConnection {
        let serverName = (try? SocketAddress(ipAddress: origin.host, port: 0)) == nil ? origin.host : nil
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    if let tls { try sync.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: serverName)) }
                    try sync.addHTTPClientHandlers()
                    try sync.addHandler(ProviderResponseHandler(
                        maxResponseBytes: maxResponseBytes, truncates: truncatesLongResponses, awaitsTLS: tls != nil))
                }
            }
        let channel: any Channel
        do {
            if let addresses {
                channel = try await connect(bootstrap, toFirstOf: addresses)
            } else {
                channel = try await bootstrap.connect(host: origin.host, port: origin.port).get()
            }
        } catch {
            throw ProviderHTTPError.connectFailed(error)
        }
        do {
            let (handler, ready) = try await channel.eventLoop.submit {
                let handler = try channel.pipeline.syncOperations.handler(type: ProviderResponseHandler.self)
                return (NIOLoopBound(handler, eventLoop: channel.eventLoop), handler.ready!.futureResult)
            }.get()
            try await ready.get()
            return ProviderConnection(channel: channel, handler: handler)
        } catch {
            channel.close(promise: nil)
            throw ProviderHTTPError.connectFailed(error)
        }
    }

    /// The first of `addresses` that accepts a connection.
    private static func connect(_ bootstrap: ClientBootstrap, toFirstOf addresses: [SocketAddress]) async throws
        -> any Channel
    {
        var lastError: any Error = ProviderHTTPError.connectFailed("no address")
        for address in addresses {
            do {
                return try await bootstrap.connect(to: address).get()
            } catch {
                lastError = error
            }
        }
        throw lastError
    }

    /// Sends one request and waits for the whole response; `keepAlive` says
    /// whether the connection can carry another.
    func send(_ head: HTTPRequestHead, body: ByteBuffer?, timeout: TimeAmount) async throws
        -> (response: ProviderResponse, keepAlive: Bool)
    {
        let loop = channel.eventLoop
        let promise = loop.makePromise(of: ProviderResponseHandler.Completed.self)
        let handler = self.handler
        let channel = self.channel
        loop.execute {
            guard handler.value.begin(promise) else { return }
            channel.write(HTTPClientRequestPart.head(head), promise: nil)
            if let body { channel.write(HTTPClientRequestPart.body(.byteBuffer(body)), promise: nil) }
            channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
            let timer = loop.scheduleTask(in: timeout) {
                handler.value.fail(ProviderHTTPError.timeout(milliseconds: timeout.nanoseconds / 1_000_000))
                channel.close(promise: nil)
            }
            promise.futureResult.whenComplete { _ in timer.cancel() }
        }
        return try await promise.futureResult.get()
    }

    func close() {
        channel.close(promise: nil)
    }
}

/// Collects the response to the request in flight (up to a size limit) and
/// completes it; fails it when the connection drops or errs.
final class ProviderResponseHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias Completed = (response: ProviderResponse, keepAlive: Bool)

    /// Completed once the connection can take a request (after the TLS
    /// handshake); made when the handler joins the pipeline, settled at the
    /// latest when it leaves.
    private(set) var ready: EventLoopPromise<Void>?
    private let maxResponseBytes: Int
    /// Whether a body over `maxResponseBytes` completes the response, cut, instead of failing it.
    private let truncates: Bool
    private let awaitsTLS: Bool
    private var readySettled = false
    private var pending: EventLoopPromise<Completed>?
    private var head: HTTPResponseHead?
    private var body: ByteBuffer?
    private var closed = false

    init(maxResponseBytes: Int, truncates: Bool = false, awaitsTLS: Bool) {
        self.maxResponseBytes = maxResponseBytes
        self.truncates = truncates
        self.awaitsTLS = awaitsTLS
    }

    func handlerAdded(context: ChannelHandlerContext) {
        ready = context.eventLoop.makePromise()
        if !awaitsTLS, context.channel.isActive { settleReady(nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        settleReady(ProviderHTTPError.connectionClosed)
        fail(ProviderHTTPError.connectionClosed)
    }

    func channelActive(context: ChannelHandlerContext) {
        if !awaitsTLS { settleReady(nil) }
        context.fireChannelActive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted? = event as? TLSUserEvent { settleReady(nil) }
        context.fireUserInboundEventTriggered(event)
    }

    /// Takes the promise of a new request; false (the promise failed) when the
    /// connection is already closed.
    func begin(_ promise: EventLoopPromise<Completed>) -> Bool {
        guard !closed else {
            promise.fail(ProviderHTTPError.connectionClosed)
            return false
        }
        pending = promise
        head = nil
        body = nil
        return true
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let received):
            // Interim 1xx responses come before the real one.
            if (100..<200).contains(received.status.code) { return }
            head = received
        case .body(var part):
            guard head != nil else { return }
            if body == nil { body = part } else { body!.writeBuffer(&part) }
            if body!.readableBytes > maxResponseBytes {
                if truncates, let head, let promise = pending {
                    // The rest is never read: the connection closes, and its later parts are ignored.
                    pending = nil
                    self.head = nil
                    let cut = body!.getSlice(at: body!.readerIndex, length: maxResponseBytes) ?? ByteBuffer()
                    promise.succeed((ProviderResponse(status: head.status.code, headers: head.headers, body: cut), false))
                } else {
                    fail(ProviderHTTPError.responseTooLarge(limit: maxResponseBytes))
                }
                context.close(promise: nil)
            }
        case .end:
            guard let head, let promise = pending else { return }
            pending = nil
            let response = ProviderResponse(status: head.status.code, headers: head.headers, body: body ?? ByteBuffer())
            promise.succeed((response, head.isKeepAlive))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        settleReady(ProviderHTTPError.connectionClosed)
        fail(ProviderHTTPError.connectionClosed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        settleReady(error)
        fail(error)
        context.close(promise: nil)
    }

    /// Fails the request in flight, if any.
    func fail(_ error: any Error) {
        let promise = pending
        pending = nil
        promise?.fail(error)
    }

    private func settleReady(_ error: (any Error)?) {
        guard !readySettled, let ready else { return }
        readySettled = true
        if let error { ready.fail(error) } else { ready.succeed(()) }
    }
}
