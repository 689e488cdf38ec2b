import Foundation
import HeraldCore
import HeraldProviders
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A status-event receiver on loopback, as a caller's service would run one:
/// it checks every POST's `Herald-Signature` against the secrets it is
/// given (a batch with no valid signature is counted and answered 401),
/// records each event, and answers the status it is told to (`answer`).
public final class EventReceiver: Sendable {
    /// One POST as received.
    public struct Batch: Sendable {
        public let events: [[String: JSONValue]]
        public let signed: Bool
        public let eventCount: String?
    }

    fileprivate final class State: Sendable {
        let batches = Mutex<[Batch]>([])
        let status = Atomic<Int>(200)
        let secrets = Mutex<[String]>([])
        let unsigned = Atomic<Int>(0)
    }

    public let port: Int
    private let channel: any NIOCore.Channel
    private let state: State

    private init(port: Int, channel: any NIOCore.Channel, state: State) {
        self.port = port
        self.channel = channel
        self.state = state
    }

    deinit { channel.close(promise: nil) }

    /// Starts one that accepts events signed with any of `secrets` (more can be added later: `trust`).
    public static func start(secrets: [String] = []) async throws -> EventReceiver {
        let state = State()
        state.secrets.withLock { $0 = secrets }
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(EventReceiverHandler(state: state))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return EventReceiver(port: channel.localAddress!.port!, channel: channel, state: state)
    }

    public var url: String { "http://127.0.0.1:\(port)/events" }

    /// Trusts one more signing secret (a subscription's, known once it is created).
    public func trust(_ secret: String) { state.secrets.withLock { $0.append(secret) } }

    /// The status every following POST is answered with.
    public func answer(_ status: Int) { state.status.store(status, ordering: .sequentiallyConsistent) }

    /// Every batch received with a valid signature, in order.
    public var batches: [Batch] { state.batches.withLock { $0 } }

    /// Every event of every signed batch, in order of arrival.
    public var events: [[String: JSONValue]] { batches.flatMap(\.events) }

    /// POSTs whose signature did not verify.
    public var unsignedPosts: Int { state.unsigned.load(ordering: .sequentiallyConsistent) }

    fileprivate final class EventReceiverHandler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let state: State
        var head: HTTPRequestHead?
        var body = ByteBuffer()

        init(state: State) { self.state = state }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let received):
                head = received
                body.clear()
            case .body(var part):
                body.writeBuffer(&part)
            case .end:
                guard let head else { return }
                let bytes = Array(body.readableBytesView)
                let header = head.headers.first(name: WebhookSignature.headerName) ?? ""
                let now = WallClock.nowMillis() / 1000
                let signed = state.secrets.withLock { secrets in
                    secrets.contains { WebhookSignature.verify(header: header, body: bytes, secret: $0, nowSeconds: now) }
                }
                var status = state.status.load(ordering: .sequentiallyConsistent)
                if signed {
                    if (200..<300).contains(status) {
                        var events: [[String: JSONValue]] = []
                        if case .array(let items)? = bytes.withUnsafeBytes({ JSONParser.parse($0) }) {
                            for case .object(let event) in items { events.append(event) }
                        }
                        state.batches.withLock {
                            $0.append(Batch(events: events, signed: true, eventCount: head.headers.first(name: "Herald-Event-Count")))
                        }
                    }
                } else {
                    state.unsigned.add(1, ordering: .sequentiallyConsistent)
                    status = 401
                }
                var headers = HTTPHeaders()
                headers.add(name: "Content-Length", value: "0")
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version,
                                                                     status: HTTPResponseStatus(statusCode: status),
                                                                     headers: headers))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                self.head = nil
            }
        }
    }
}
