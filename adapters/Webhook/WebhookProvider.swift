import Foundation
import HeraldCore
import HeraldProviders
import NIOCore
import NIOHTTP1

/// Delivers a message as a signed JSON POST to the URL in `to`. A 2xx reply
/// is delivery; 410 Gone means the endpoint is retired (invalid recipient).
/// Redirects are not followed (a 3xx fails the message). `client` should be
/// `WebhookEgress.client`: a host it refuses to connect to fails the message
/// for good, as `address_not_allowed`.
public struct WebhookProvider: ChannelProvider {
    public let name = WebhookRegistration.name
    public let channel = Channel.webhook
    let secret: String
    let client: ProviderHTTPClient

    public init(secret: String, client: ProviderHTTPClient) {
        self.secret = secret
        self.client = client
    }

    struct Payload: Encodable {
        let id: String
        let channel = "webhook"
        let body: String
        let subject: String?
        let title: String?
        let data: JSONValue?
        let attempt: Int
    }

    public func send(_ message: OutboundMessage) async -> SendOutcome {
        let payload = Payload(
            id: message.id, body: message.body, subject: message.subject, title: message.title, data: message.data,
            attempt: message.attempt)
        guard let body = try? JSONEncoder().encode(payload) else {
            return .permanent(code: "encode", message: "payload could not be encoded")
        }
        let bytes = [UInt8](body)
        var request = ProviderRequest(url: message.to)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Herald-Message-Id", value: message.id)
        request.headers.add(name: "Idempotency-Key", value: message.id)
        request.headers.add(
            name: WebhookSignature.headerName,
            value: WebhookSignature.header(secret: secret, timestamp: WallClock.nowMillis() / 1000, body: bytes))
        request.body = ByteBuffer(bytes: bytes)
        do {
            let response = try await client.execute(request)
            switch response.status {
            case 200..<300: return .accepted(providerMessageID: message.id, status: .delivered)
            case 404, 410: return .invalidRecipient(code: "http_\(response.status)", message: "endpoint gone")
            default:
                return HTTPOutcome.classify(
                    status: response.status, headers: response.headers, code: "http_\(response.status)",
                    message: "webhook answered HTTP \(response.status)")
            }
        } catch ProviderHTTPError.addressNotAllowed {
            return .permanent(
                code: "address_not_allowed",
                message: "the webhook's host resolves to an address Herald may not connect to (not public, and not in "
                    + WebhookEgress.allowedNetworksKey + ")")
        } catch {
            return HTTPOutcome.transportFailure(error)
        }
    }
}
