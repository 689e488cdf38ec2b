import Foundation
import HeraldCore
import HeraldProviders
import NIOCore

/// WeChat mini-program subscribe messages:
/// `POST /cgi-bin/message/subscribe/send?access_token=…` with touser (the
/// mini-program's openid), template_id, page, miniprogram_state, lang and the
/// keywords as `{"thing1":{"value":…}}`. The access token is the
/// mini-program's own (its appid), shared by every instance and refreshed
/// once on 40001/42001, as for the official account. 43101 (no subscription
/// left for this template) declines only that template for that person.
public struct MiniProgramProvider: ChannelProvider {
    public let name = MiniProgramRegistration.name
    public let channel = Channel.miniprogram
    let configuration: MiniProgramConfiguration
    let client: ProviderHTTPClient
    public let tokens: AccessTokenCache

    public init(configuration: MiniProgramConfiguration, client: ProviderHTTPClient, sharedTokens: (any SharedTokenStore)?) {
        self.configuration = configuration
        self.client = client
        let account = configuration.account
        tokens = AccessTokenCache(key: account.tokenKey, shared: sharedTokens) {
            try await WeChatProvider.fetchToken(configuration: account, client: client)
        }
    }

    /// A subscribe message's topic is its template: a person subscribes (and runs out) per template.
    public func topic(of message: OutboundMessage) -> String? {
        if case .string(let id)? = message.dataFields["template_id"], !id.isEmpty { return id }
        return nil
    }

    public func send(_ message: OutboundMessage) async -> SendOutcome {
        guard let body = Self.subscribeMessage(message, configuration: configuration) else {
            return .permanent(code: "no_template", message: "a miniprogram message names its template in data.template_id")
        }
        let templateID = topic(of: message) ?? ""
        return await WeChatProvider.withToken(tokens) { token in
            try await post(body, token: token, templateID: templateID, messageID: message.id)
        }
    }

    struct SendReply: Decodable {
        let errcode: Int?
        let errmsg: String?
        let msgid: Int64?
    }

    private func post(_ body: [UInt8], token: String, templateID: String, messageID: String) async throws
        -> WeChatProvider.Attempt
    {
        var request = ProviderRequest(
            url: configuration.account.baseURL + "/cgi-bin/message/subscribe/send?access_token=" + FormURLEncoding.escape(token))
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = ByteBuffer(bytes: body)
        let response = try await client.execute(request)
        guard (200..<300).contains(response.status),
              let reply = try? JSONDecoder().decode(SendReply.self, from: Data(response.body.readableBytesView))
        else {
            return .done(HTTPOutcome.classify(
                status: response.status >= 300 ? response.status : 502, headers: response.headers,
                code: "http_\(response.status)", message: "WeChat answered HTTP \(response.status)"))
        }
        return Self.outcome(reply, templateID: templateID, messageID: messageID)
    }

    /// WeChat answers HTTP 200 for everything; `errcode` decides.
    static func outcome(_ reply: SendReply, templateID: String, messageID: String) -> WeChatProvider.Attempt {
        let code = reply.errcode ?? 0
        let message = String((reply.errmsg ?? "").prefix(200))
        switch code {
        case 0:
            // The msgid comes back on most answers and in the sent event; without
            // it the event cannot be matched, and the message stays `sent`.
            guard let msgid = reply.msgid else {
                return .done(.accepted(providerMessageID: "herald-" + messageID, status: .sent))
            }
            return .done(.accepted(providerMessageID: String(msgid), status: .sent))
        case 40001, 40014, 42001: return .tokenRejected(String(code))
        case 43101: return .done(.declined(code: "43101", message: message, topic: templateID))
        case 40003: return .done(.invalidRecipient(code: "40003", message: message))
        case -1, 45009, 43108: return .done(.retryable(code: String(code), message: message, retryAfterMillis: nil))
        case 40037: return .done(.permanent(code: "40037", message: "WeChat does not know this template_id for the mini-program: " + message))
        case 47003: return .done(.permanent(code: "47003", message: "a keyword breaks the template's rules: " + message))
        default: return .done(.permanent(code: String(code), message: message))
        }
    }

    /// The subscribe/send body: `data`'s keywords become `{"value": …}`
    /// objects; `template_id`, `page` (or `url`) are lifted out.
    static func subscribeMessage(_ message: OutboundMessage, configuration: MiniProgramConfiguration) -> [UInt8]? {
        var data = message.dataFields
        guard case .string(let templateID)? = data.removeValue(forKey: "template_id"), !templateID.isEmpty else { return nil }
        var payload: [String: JSONValue] = [
            "touser": .string(message.to), "template_id": .string(templateID),
            "miniprogram_state": data.removeValue(forKey: "miniprogram_state") ?? .string(configuration.state),
            "lang": data.removeValue(forKey: "lang") ?? .string(configuration.lang),
        ]
        let url = data.removeValue(forKey: "url")
        if let page = data.removeValue(forKey: "page") ?? url { payload["page"] = page }
        payload["data"] = .object(WeChatProvider.keywordValues(data))
        return JSONValue.object(payload).encoded()
    }
}
