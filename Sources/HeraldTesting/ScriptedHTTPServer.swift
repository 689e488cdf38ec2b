import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// A loopback HTTP/1.1 server (optionally TLS) whose reply is chosen by the
/// request path, for testing the provider HTTP client against real sockets:
/// `/echo` answers the method, Host header and body; `/close` answers and
/// closes the connection (`Connection: close`); `/big` answers a 2 MiB body;
/// `/silent` never answers; `/redirect` answers 302 to `/echo`. It counts the
/// connections it accepted.
public final class ScriptedHTTPServer: Sendable {
    public let port: Int
    private let channel: any Channel
    private let accepted: Counter

    /// Connections accepted so far.
    public var connections: Int { accepted.value.load(ordering: .sequentiallyConsistent) }

    private init(port: Int, channel: any Channel, accepted: Counter) {
        self.port = port
        self.channel = channel
        self.accepted = accepted
    }

    deinit { channel.close(promise: nil) }

    public static func start(tls: TLSConfiguration? = nil) async throws -> ScriptedHTTPServer {
        let counter = Counter()
        let context = try tls.map { try NIOSSLContext(configuration: $0) }
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                counter.value.add(1, ordering: .sequentiallyConsistent)
                return channel.eventLoop.makeCompletedFuture {
                    if let context { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context)) }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(ScriptedReplyHandler())
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return ScriptedHTTPServer(port: channel.localAddress!.port!, channel: channel, accepted: counter)
    }

    public func url(_ path: String, secure: Bool = false) -> String {
        (secure ? "https" : "http") + "://127.0.0.1:\(port)" + path
    }

    /// Shared by the child initializer, which counts, and the server, which reads.
    private final class Counter: Sendable {
        public let value = Atomic<Int>(0)
    }
}

public final class ScriptedReplyHandler: ChannelInboundHandler {
    public typealias InboundIn = HTTPServerRequestPart
    public typealias OutboundOut = HTTPServerResponsePart

    private var head: HTTPRequestHead?
    private var body = ByteBuffer()

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let received):
            head = received
            body.clear()
        case .body(var part):
            body.writeBuffer(&part)
        case .end:
            guard let head else { return }
            switch head.uri {
            case "/silent":
                return
            case "/big":
                reply(context, body: String(repeating: "x", count: 2 << 20), close: false)
            case "/close":
                reply(context, body: "bye", close: true)
            case "/redirect":
                reply(context, body: "", close: false, status: .found, extra: [("Location", "/echo")])
            default:
                let text = "\(head.method.rawValue) \(head.headers["Host"].first ?? "") "
                    + String(decoding: body.readableBytesView, as: UTF8.self)
                reply(context, body: text, close: false)
            }
        }
    }

    private func reply(_ context: ChannelHandlerContext, body: String, close: Bool, status: HTTPResponseStatus = .ok,
                       extra: [(String, String)] = [])
    {
        var headers = HTTPHeaders([("Content-Length", String(body.utf8.count))] + extra)
        if close { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            if close { channel.close(promise: nil) }
        }
    }
}
