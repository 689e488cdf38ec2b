import Foundation
import HeraldCore
import HeraldProviders
import NIOCore

/// SMS through Aliyun's SendSms (RPC style, version 2017-05-25): a signed form
/// POST carrying SignName, TemplateCode, TemplateParam (JSON) and
/// PhoneNumbers. SendSms is not idempotent, so Herald's message id travels as
/// `OutId` and comes back in every SmsReport, which settles a message whose
/// send timed out before it is tried again.
public struct AliyunSMSProvider: ChannelProvider {
    public let name = AliyunRegistration.name
    public let channel = Channel.sms
    let configuration: AliyunConfiguration
    let client: ProviderHTTPClient
    /// SendSms's API (version 2017-05-25) with the account's AccessKey.
    let rpc: AliyunRPCCall

    public init(configuration: AliyunConfiguration, client: ProviderHTTPClient) {
        self.configuration = configuration
        self.client = client
        self.rpc = AliyunRPCCall(
            endpoint: configuration.endpoint, version: "2017-05-25", regionID: configuration.regionID,
            accessKeyID: configuration.accessKeyID, accessKeySecret: configuration.accessKeySecret)
    }

    public func send(_ message: OutboundMessage) async -> SendOutcome {
        let request = rpc.request(action: "SendSms", [
            ("PhoneNumbers", Self.phoneNumber(message.to)), ("SignName", configuration.signName),
            ("TemplateCode", configuration.templateCode),
            ("TemplateParam", Self.templateParam(body: message.body, dataJSON: message.dataJSON)),
            ("OutId", message.id),
        ])
        do {
            let response = try await client.execute(request)
            return Self.outcome(status: response.status, body: response.body)
        } catch {
            return HTTPOutcome.transportFailure(error, ambiguousDelayMillis: configuration.ambiguousRetryMillis)
        }
    }

    /// Aliyun wants mainland numbers without a country code and others as
    /// country code + number, never with `+`.
    static func phoneNumber(_ e164: String) -> String {
        let digits = e164.hasPrefix("+") ? String(e164.dropFirst()) : e164
        return digits.hasPrefix("86") && digits.count == 13 ? String(digits.dropFirst(2)) : digits
    }

    /// The template's variables: the message's `data` object when given,
    /// else the literal body as `content`.
    static func templateParam(body: String, dataJSON: String?) -> String {
        if let dataJSON, dataJSON.hasPrefix("{") { return dataJSON }
        return #"{"content":\#(JSONText.quoted(body))}"#
    }

    struct Reply: Decodable {
        let Code: String?
        let Message: String?
        let BizId: String?
    }

    /// Maps SendSms's reply onto a `SendOutcome`. The `Code` decides, not the
    /// HTTP status: `OK`; throttling codes are retried later; a bad number is
    /// an invalid recipient; `isp.*` is Aliyun's own trouble.
    static func outcome(status: UInt, body: ByteBuffer) -> SendOutcome {
        guard let reply = try? JSONDecoder().decode(Reply.self, from: Data(body.readableBytesView)), let code = reply.Code
        else {
            if status >= 500 { return .retryable(code: "http_\(status)", message: "HTTP \(status)", retryAfterMillis: nil) }
            return .retryable(code: "bad_response", message: "Aliyun answered HTTP \(status) without a Code", retryAfterMillis: nil)
        }
        let message = String((reply.Message ?? code).prefix(200))
        switch code {
        case "OK":
            guard let bizID = reply.BizId, !bizID.isEmpty else {
                return .retryable(code: "bad_response", message: "Aliyun answered OK without a BizId", retryAfterMillis: nil)
            }
            return .accepted(providerMessageID: bizID, status: .sent)
        case "isv.BUSINESS_LIMIT_CONTROL", "Throttling.User", "Throttling", "isv.DAY_LIMIT_CONTROL":
            // Aliyun's flow control is per number per minute, hour and day: try again after a minute.
            return .retryable(code: code, message: message, retryAfterMillis: 60_000)
        case "isv.MOBILE_NUMBER_ILLEGAL", "isv.MOBILE_COUNT_OVER_LIMIT", "isv.BLACK_KEY_CONTROL_LIMIT":
            return .invalidRecipient(code: code, message: message)
        default:
            if code.hasPrefix("isp.") || status >= 500 { return .retryable(code: code, message: message, retryAfterMillis: nil) }
            return .permanent(code: code, message: message)
        }
    }
}
