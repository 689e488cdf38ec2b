import Foundation
import HeraldCore
import HeraldProviders
import NIOCore
import NIOHTTP1

/// SMS through Twilio's Messages API: a form POST to
/// `/2010-04-01/Accounts/{AccountSid}/Messages.json` with basic auth, asking
/// for status callbacks to Herald's receipt endpoint.
public struct TwilioProvider: ChannelProvider {
    public let name = TwilioRegistration.name
    public let channel = Channel.sms
    /// Each message's StatusCallback URL carries `herald_id` (`TwilioMessageRequest`).
    public let receiptsNameMessage = true
    let configuration: TwilioConfiguration
    let client: ProviderHTTPClient
    let requests: TwilioMessageRequest

    public init(configuration: TwilioConfiguration, client: ProviderHTTPClient) {
        self.configuration = configuration
        self.client = client
        requests = TwilioMessageRequest(configuration: configuration)
    }

    public func send(_ message: OutboundMessage) async -> SendOutcome {
        do {
            let response = try await client.execute(requests.request(for: message))
            return Self.outcome(status: response.status, headers: response.headers, body: response.body)
        } catch {
            return HTTPOutcome.transportFailure(error)
        }
    }

    struct Created: Decodable { let sid: String }
    struct Failure: Decodable {
        let code: Int?
        let message: String?
    }

    /// Maps Twilio's reply onto a `SendOutcome`. Twilio's error codes decide
    /// what the HTTP status alone cannot: 21211/21614 are bad numbers, 21610 an
    /// opted-out recipient, 20429 throttling.
    public static func outcome(status: UInt, headers: HTTPHeaders, body: ByteBuffer) -> SendOutcome {
        if (200..<300).contains(status) {
            // Only the sid matters: JSONParser reads Twilio's twenty-field reply
            // far cheaper than JSONDecoder, which stays for what it declines.
            let parsed: String? =
                if case .object(let reply)? = body.withUnsafeReadableBytes({ JSONParser.parse($0) }),
                   case .string(let sid)? = reply["sid"] { sid } else { nil }
            let sid = parsed ?? (try? JSONDecoder().decode(Created.self, from: Data(body.readableBytesView)))?.sid
            guard let sid, !sid.isEmpty else {
                return .retryable(code: "bad_response", message: "Twilio accepted without a sid", retryAfterMillis: nil)
            }
            return .accepted(providerMessageID: sid, status: .sent)
        }
        let failure = try? JSONDecoder().decode(Failure.self, from: Data(body.readableBytesView))
        let code = failure?.code.map(String.init) ?? "http_\(status)"
        let message = failure?.message.map { String($0.prefix(200)) } ?? "HTTP \(status)"
        switch failure?.code {
        case 21211, 21214, 21217, 21401, 21421, 21614, 21612:
            return .invalidRecipient(code: code, message: message)
        case 21610:
            return .optedOut(code: code, message: message)
        case 20429:
            return .throttled(code: code, message: message, retryAfterMillis: HTTPOutcome.retryAfterMillis(headers))
        default:
            return HTTPOutcome.classify(status: status, headers: headers, code: code, message: message)
        }
    }
}
