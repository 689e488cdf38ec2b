import HTTPTypes
import Hummingbird
import Logging

/// The provider simulators on one loopback port: Twilio's Messages API,
/// a webhook sink, and `GET /sim/stats` with what they received.
public struct SimulatorServer: Sendable {
    public let twilio: TwilioSimulator
    public let webhooks: WebhookSink

    public init(twilio: TwilioSimulator, webhooks: WebhookSink) {
        self.twilio = twilio
        self.webhooks = webhooks
    }

    public func application(
        host: String = "127.0.0.1", port: Int, logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router()
        twilio.register(on: router)
        webhooks.register(on: router)
        router.get("sim/stats") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"],
                     body: .init(byteBuffer: ByteBuffer(string: #"{"twilio":\#(twilio.ledger.json),"webhooks":\#(webhooks.ledger.json)}"#)))
        }
        return Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "herald-sim", backlog: 1024),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }
}
