import HeraldCore
import HeraldProviders
import NIOCore

/// Echo's sender: `POST /echo/send` with a bearer token and a JSON body;
/// `200 {"ref":…}` is accepted, 5xx retried, any other status permanent.
struct EchoProvider: ChannelProvider {
    let name = EchoRegistration.name
    let channel = Channel.sms
    let baseURL: String
    let token: String
    let client: ProviderHTTPClient

    func send(_ message: OutboundMessage) async -> SendOutcome {
        var request = ProviderRequest(url: baseURL + "/echo/send")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer " + token)
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = ByteBuffer(string: #"{"to":\#(JSONText.quoted(message.to)),"body":\#(JSONText.quoted(message.body))}"#)
        do {
            let response = try await client.execute(request)
            let text = String(buffer: response.body)
            guard response.status == 200, let ref = EchoJSON.string("ref", in: text) else {
                return HTTPOutcome.classify(status: response.status, headers: response.headers, code: "echo", message: text)
            }
            return .accepted(providerMessageID: ref, status: .sent)
        } catch {
            return HTTPOutcome.transportFailure(error)
        }
    }
}
