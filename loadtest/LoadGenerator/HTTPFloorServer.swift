import NIOCore
import NIOHTTP1
import NIOPosix

/// The cheapest HTTP/1.1 server SwiftNIO makes: NIO's HTTP codec and one
/// synchronous handler that answers every request with a fixed `202` and a
/// message id, touching no framework, no Swift concurrency, no Redis. Run
/// against the load generator it measures what one request costs on this
/// machine at the least, so benchmark targets can be checked against a floor
/// (`loadtest/floor.sh`).
public enum HTTPFloorServer {
    /// Binds `host:port` and serves until the process ends.
    public static func run(host: String, port: Int) async throws {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(FixedReplyHandler())
                }
            }
            .bind(host: host, port: port).get()
        try await channel.closeFuture.get()
    }
}

/// Answers each complete request with the same small JSON body.
final class FixedReplyHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private static let body = #"{"id":"01JFLOOR000000000000000000","status":"queued"}"#
    private var keepAlive = true

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            keepAlive = head.isKeepAlive
        case .body:
            break
        case .end:
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/json")
            headers.add(name: "Content-Length", value: String(Self.body.utf8.count))
            let head = HTTPResponseHead(version: .http1_1, status: .accepted, headers: headers)
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: Self.body)))), promise: nil)
            let keepAlive = self.keepAlive
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
                if !keepAlive { channel.close(promise: nil) }
            }
        }
    }
}
