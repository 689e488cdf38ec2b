import Foundation
import HeraldCore
import HeraldProviders
import HeraldSimulators
import Hummingbird
import NIOCore

/// Echo's simulated API: checks the bearer token, answers a reference, and
/// posts a signed `delivered` receipt back to Herald.
struct EchoSimulator: SimulatedProvider {
    let name = EchoRegistration.name
    let token: String
    let receiptURL: String
    let callbackDelay: Duration
    let faults: FaultRule
    let client: ProviderHTTPClient
    let ledger: SimulatorLedger

    func register(on router: Router<BasicRequestContext>) {
        router.post("echo/send") { request, _ in
            guard request.headers[.authorization] == "Bearer " + token else { return Response(status: .unauthorized) }
            let body = try await request.body.collect(upTo: 1 << 16)
            guard let to = EchoJSON.string("to", in: String(buffer: body)) else { return Response(status: .badRequest) }
            if faults(to, ledger.request(to: to)) != nil { return Response(status: .internalServerError) }
            ledger.recordAccepted(to: to)
            let ref = "E" + RandomHex.make(16)
            let poster = ReceiptPoster(client: client, ledger: ledger)
            poster.later(callbackDelay) {
                await poster.post(url: receiptURL, contentType: "application/json", body: #"{"ref":"\#(ref)","status":"delivered"}"#,
                                  headers: [("X-Echo-Token", token)])
            }
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: #"{"ref":"\#(ref)"}"#)))
        }
    }
}
