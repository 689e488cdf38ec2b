import HTTPTypes
import Hummingbird
import HummingbirdHTTP2
import Logging
import NIOSSL

/// The provider simulators on one loopback port (each under its provider's
/// own paths), and `GET /sim/stats` with what each received.
public struct SimulatorServer: Sendable {
    public let simulators: [any SimulatedProvider]

    public init(_ simulators: [any SimulatedProvider]) {
        self.simulators = simulators
    }

    /// The simulators' application; with `tls`, HTTP/2 over TLS (negotiated by
    /// ALPN, HTTP/1.1 otherwise), as APNs requires.
    public func application(
        host: String = "127.0.0.1", port: Int, logger: Logger, tls: TLSConfiguration? = nil,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let router = Router()
        for simulator in simulators { simulator.register(on: router) }
        let simulators = self.simulators
        router.get("sim/stats") { _, _ in
            let json = "{" + simulators.map { #""\#($0.name)":\#($0.ledger.json)"# }.joined(separator: ",") + "}"
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: json)))
        }
        return Application(
            router: router, server: try tls.map { try .http2Upgrade(tlsConfiguration: $0) } ?? .http1(),
            configuration: .init(address: .hostname(host, port: port), serverName: "herald-sim", backlog: 1024),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }
}
