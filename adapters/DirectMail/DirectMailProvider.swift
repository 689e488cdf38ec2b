import Foundation
import HeraldCore
import HeraldProviders
import NIOCore
import NIOHTTP1

/// Email through Aliyun DirectMail's SingleSendMail (RPC style, version
/// 2015-11-23): a form POST signed as every Aliyun RPC call is
/// (`AliyunRPCCall`), carrying the sender address, the recipient, the subject,
/// the HTML or text body and, on marketing mail, the RFC 8058 one-click
/// List-Unsubscribe headers in `Headers`. The reply's `EnvId` is kept as the
/// provider id. DirectMail posts no receipts over HTTP, so an accepted message
/// stays `sent`; SingleSendMail has no dedupe field either, so a timed-out
/// send is retried like any transport failure.
public struct DirectMailProvider: ChannelProvider {
    /// `directmail`, as registered.
    public let name = DirectMailRegistration.name
    /// DirectMail carries email.
    public let channel = Channel.email
    let configuration: DirectMailConfiguration
    let client: ProviderHTTPClient
    /// The account's signed calls (SingleSendMail, DescAccountSummary).
    let rpc: AliyunRPCCall

    /// A sender for `configuration`'s account, sending through `client`.
    public init(configuration: DirectMailConfiguration, client: ProviderHTTPClient) {
        self.configuration = configuration
        self.client = client
        self.rpc = configuration.rpc
    }

    /// SingleSendMail's own parameters for one message: DirectMail takes one
    /// body, so the HTML one when there is one, else the text one.
    func parameters(for message: OutboundMessage) -> [(String, String)] {
        var parameters = [
            ("AccountName", configuration.accountName), ("AddressType", "1"), ("ReplyToAddress", "false"),
            ("ToAddress", message.to), ("Subject", message.subject ?? ""),
        ]
        if let html = message.html { parameters.append(("HtmlBody", html)) } else { parameters.append(("TextBody", message.body)) }
        if let alias = configuration.fromAlias { parameters.append(("FromAlias", alias)) }
        if let tag = configuration.tagName { parameters.append(("TagName", tag)) }
        if let unsubscribe = headers(for: message) { parameters.append(("Headers", unsubscribe)) }
        return parameters
    }

    /// The `Headers` parameter (a JSON object in a string): the one-click
    /// unsubscribe link of marketing mail, as SMTP and SendGrid put it in
    /// theirs; nil for transactional mail or without unsubscribe links.
    func headers(for message: OutboundMessage) -> String? {
        guard message.category == .marketing, let links = configuration.unsubscribeLinks else { return nil }
        let link = "<" + links.url(channel: .email, recipient: message.to) + ">"
        return #"{"List-Unsubscribe":\#(JSONText.quoted(link)),"List-Unsubscribe-Post":"List-Unsubscribe=One-Click"}"#
    }

    /// Sends `message` by one SingleSendMail call and classifies the reply.
    public func send(_ message: OutboundMessage) async -> SendOutcome {
        let request = rpc.request(action: "SingleSendMail", parameters(for: message))
        do {
            let response = try await client.execute(request)
            return Self.outcome(status: response.status, headers: response.headers, body: response.body)
        } catch {
            return HTTPOutcome.transportFailure(error)
        }
    }

    /// What an RPC reply carries: `EnvId` on success, `Code` and `Message` on an error.
    struct Reply: Decodable {
        let EnvId: String?
        let Code: String?
        let Message: String?
    }

    /// Maps SingleSendMail's reply onto a `SendOutcome` by its `Code`. Only
    /// documented codes are named: a bad or known-invalid address is an
    /// invalid recipient; `InvalidSendMail.Spam`, DirectMail's one answer for
    /// frequency, quota and account-status refusals, waits at least a minute;
    /// DirectMail's own trouble is retried; a refusal an operator must fix
    /// names the setting.
    static func outcome(status: UInt, headers: HTTPHeaders = HTTPHeaders(), body: ByteBuffer) -> SendOutcome {
        let reply = try? JSONDecoder().decode(Reply.self, from: Data(body.readableBytesView))
        if status == 200, let envID = reply?.EnvId, !envID.isEmpty {
            return .accepted(providerMessageID: envID, status: .delivered)
        }
        guard let code = reply?.Code, !code.isEmpty else {
            if status == 200 {
                return .retryable(code: "bad_response", message: "DirectMail answered 200 without an EnvId", retryAfterMillis: nil)
            }
            return HTTPOutcome.classify(status: status, headers: headers, code: "http_\(status)", message: "HTTP \(status)")
        }
        let message = String((reply?.Message ?? code).prefix(200))
        switch code {
        case "InvalidToAddress", "InvalidToAddress.Spam":
            return .invalidRecipient(code: code, message: message)
        case "InvalidSendMail.Spam":
            return .throttled(code: code, message: message, retryAfterMillis: 60_000)
        case "Throttling", "Throttling.User":
            // The RPC gateway's own rate limit (Alibaba Cloud's common error codes).
            return .throttled(code: code, message: message, retryAfterMillis: nil)
        case "ServiceUnavailable", "InternalError":
            return .retryable(code: code, message: message, retryAfterMillis: nil)
        default:
            if let fix = fix(for: code) { return .permanent(code: code, message: message + " (" + fix + ")") }
            if status >= 500 { return .retryable(code: code, message: message, retryAfterMillis: nil) }
            return .permanent(code: code, message: message)
        }
    }

    /// What an operator changes when DirectMail refuses the account rather
    /// than the message; nil for the other codes.
    static func fix(for code: String) -> String? {
        switch code {
        case "Signature", "SignatureDoesNotMatch", "InvalidAccessKeyId.NotFound":
            "check HERALD_DIRECTMAIL_ACCESS_KEY_ID and HERALD_DIRECTMAIL_ACCESS_KEY_SECRET"
        case "Forbidden":
            "the RAM user of HERALD_DIRECTMAIL_ACCESS_KEY_ID needs the AliyunDirectMailFullAccess policy"
        case "Forbidden.RiskControl", "Forbidden.UserVerification":
            "the Alibaba Cloud account behind HERALD_DIRECTMAIL_ACCESS_KEY_ID is restricted: see its console"
        case "InvalidMailAddress.NotFound", "InvalidMailAddressStatus.Malformed", "InvalidMailAddressSendType.Malformed",
             "InvalidMailAddressDomain.Malformed":
            "check HERALD_DIRECTMAIL_ACCOUNT_NAME: a verified, active sender address of the DirectMail console"
        case "InvalidFromAlias.Malformed":
            "check HERALD_EMAIL_FROM_NAME: DirectMail takes fewer than 15 characters"
        case "InvalidTimeStamp.Expired":
            "this host's clock is more than 15 minutes off"
        default:
            nil
        }
    }
}
