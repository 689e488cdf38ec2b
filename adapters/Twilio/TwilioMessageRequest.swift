import Foundation
import HeraldCore
import HeraldProviders
import NIOCore

/// The HTTP request of one SMS to Twilio's Messages API, with what every
/// request shares (the URL, the basic-auth header, the callback's prefix)
/// worked out once: a worker builds one per message, so it is a hot path
/// (`herald-stages twilio-request` measures it).
public struct TwilioMessageRequest: Sendable {
    let url: String
    let authorization: String
    let from: String
    /// The status callback up to the message id: Twilio signs the URL it
    /// calls, query included, so the id in it finds the message's partition
    /// without a lookup.
    let callbackPrefix: String?

    public init(configuration: TwilioConfiguration) {
        url = configuration.messagesURL
        from = configuration.from
        let credentials = Data("\(configuration.accountSID):\(configuration.authToken)".utf8).base64EncodedString()
        authorization = "Basic " + credentials
        callbackPrefix = configuration.statusCallbackURL.map { callback in
            callback + (callback.utf8.contains(UInt8(ascii: "?")) ? "&" : "?") + "herald_id="
        }
    }

    /// The form POST that sends `message`.
    public func request(for message: OutboundMessage) -> ProviderRequest {
        var form = [("To", message.to), ("From", from), ("Body", message.body)]
        if let callbackPrefix { form.append(("StatusCallback", callbackPrefix + message.id)) }
        var request = ProviderRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Authorization", value: authorization)
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        request.body = ByteBuffer(string: FormURLEncoding.encode(form))
        return request
    }
}
