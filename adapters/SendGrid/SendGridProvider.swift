import Foundation
import HeraldCore
import HeraldProviders
import NIOCore
import NIOHTTP1

/// Email through SendGrid's v3 `POST /v3/mail/send`. Herald's id rides along
/// as the `herald_id` custom arg, which SendGrid copies into every Event
/// Webhook event, so events find their message without a lookup; the
/// `X-Message-Id` of the 202 is kept as the provider id.
public struct SendGridProvider: ChannelProvider {
    public let name = SendGridRegistration.name
    public let channel = Channel.email
    let configuration: SendGridConfiguration
    let client: ProviderHTTPClient

    public init(configuration: SendGridConfiguration, client: ProviderHTTPClient) {
        self.configuration = configuration
        self.client = client
    }

    struct Address: Encodable {
        let email: String
        let name: String?
    }

    struct Personalization: Encodable {
        let to: [Address]
        let custom_args: [String: String]
    }

    struct Content: Encodable {
        let type: String
        let value: String
    }

    struct Mail: Encodable {
        let personalizations: [Personalization]
        let from: Address
        let subject: String
        let content: [Content]
        let headers: [String: String]?
        let categories: [String]
    }

    /// The mail/send body for one message.
    func mail(for message: OutboundMessage) -> Mail {
        var content = [Content(type: "text/plain", value: message.body)]
        if let html = message.html { content.append(Content(type: "text/html", value: html)) }
        var headers: [String: String]?
        if message.category == .marketing, let links = configuration.unsubscribeLinks {
            let url = links.url(channel: .email, recipient: message.to)
            headers = ["List-Unsubscribe": "<\(url)>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"]
        }
        return Mail(
            personalizations: [Personalization(to: [Address(email: message.to, name: nil)],
                                               custom_args: ["herald_id": message.id])],
            from: Address(email: configuration.fromAddress, name: configuration.fromName),
            subject: message.subject ?? "", content: content, headers: headers,
            categories: [message.category.rawValue])
    }

    public func send(_ message: OutboundMessage) async -> SendOutcome {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        guard let body = try? encoder.encode(mail(for: message)) else {
            return .permanent(code: "encode", message: "mail could not be encoded")
        }
        var request = ProviderRequest(url: configuration.baseURL + "/v3/mail/send")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer " + configuration.apiKey)
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = ByteBuffer(bytes: body)
        do {
            let response = try await client.execute(request)
            return Self.outcome(status: response.status, headers: response.headers, body: response.body)
        } catch {
            return HTTPOutcome.transportFailure(error)
        }
    }

    struct Failure: Decodable {
        struct Item: Decodable {
            let message: String?
            let field: String?
        }
        let errors: [Item]?
    }

    /// 202 with X-Message-Id is acceptance; a 400 about a recipient's address is
    /// an invalid recipient; 429 waits for `X-RateLimit-Reset`.
    static func outcome(status: UInt, headers: HTTPHeaders, body: ByteBuffer) -> SendOutcome {
        if (200..<300).contains(status) {
            guard let messageID = headers.first(name: "X-Message-Id"), !messageID.isEmpty else {
                return .retryable(code: "bad_response", message: "SendGrid accepted without X-Message-Id", retryAfterMillis: nil)
            }
            return .accepted(providerMessageID: messageID, status: .sent)
        }
        let first = (try? JSONDecoder().decode(Failure.self, from: Data(body.readableBytesView)))?.errors?.first
        let message = String((first?.message ?? "HTTP \(status)").prefix(200))
        let code = "http_\(status)"
        if status == 400, let field = first?.field, field.hasPrefix("personalizations"), field.hasSuffix("email") {
            return .invalidRecipient(code: code, message: message)
        }
        if status == 429 {
            let reset = headers.first(name: "X-RateLimit-Reset").flatMap(Int64.init)
            let wait = reset.map { max(0, $0 * 1000 - WallClock.nowMillis()) } ?? HTTPOutcome.retryAfterMillis(headers)
            return .throttled(code: code, message: message, retryAfterMillis: wait)
        }
        return HTTPOutcome.classify(status: status, headers: headers, code: code, message: message)
    }
}
