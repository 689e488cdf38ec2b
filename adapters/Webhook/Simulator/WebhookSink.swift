import Foundation
import HeraldProviders
import HeraldSimulators
import HTTPTypes
import Hummingbird
import NIOCore

/// A webhook receiver on loopback that verifies `Herald-Signature` and can be
/// told to fail, for tests and for the local demo (`to` = `<sim>/hooks/demo`).
public struct WebhookSink: SimulatedProvider {
    public let name = "webhooks"
    public let secret: String
    public let ledger: SimulatorLedger
    public let faults: FaultRule

    public init(secret: String, ledger: SimulatorLedger = SimulatorLedger(), faults: @escaping FaultRule = { _, _ in nil }) {
        self.secret = secret
        self.ledger = ledger
        self.faults = faults
    }

    public func register(on router: Router<BasicRequestContext>) {
        router.post("hooks/:name") { request, context in
            let name = context.parameters.get("name") ?? ""
            let body = try await request.body.collect(upTo: 1 << 20)
            let bytes = [UInt8](body.readableBytesView)
            guard let header = request.headers[HTTPField.Name(WebhookSignature.headerName)!],
                  WebhookSignature.verify(header: header, body: bytes, secret: secret,
                                          nowSeconds: Int64(Date().timeIntervalSince1970))
            else { return Response(status: .unauthorized) }
            let recipient = "hooks/" + name
            switch faults(recipient, ledger.request(to: recipient)) {
            case .serverError?: return Response(status: .internalServerError)
            case .throttled(let seconds)?: return Response(status: .tooManyRequests, headers: [.retryAfter: String(seconds)])
            case .invalidRecipient?, .optedOut?: return Response(status: .gone)
            case .badRequest?: return Response(status: .badRequest)
            case nil:
                ledger.recordAccepted(to: recipient)
                return Response(status: .noContent)
            }
        }
    }
}
