import HTTPTypes
import Hummingbird
import Logging

/// The provider simulators on one loopback port (each under its provider's
/// own paths), and `GET /sim/stats` with what each received.
public struct SimulatorServer: Sendable {
    public let simulators: [any SimulatedProvider]

    public init(_ simulators: [any SimulatedProvider]) {
        self.simulators = simulators
    }

    public func application(
        host: String = "127.0.0.1", port: Int, logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router()
        for simulator in simulators { simulator.register(on: router) }
        let simulators = self.simulators
        router.get("sim/stats") { _, _ in
            let json = "{" + simulators.map { #""\#($0.name)":\#($0.ledger.json)"# }.joined(separator: ",") + "}"
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: json)))
        }
        return Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "herald-sim", backlog: 1024),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }
}
