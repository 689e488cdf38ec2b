import Foundation
import HeraldCore
import HeraldProviders
import NIOCore

/// WeChat Official Account template messages:
/// `POST /cgi-bin/message/template/send?access_token=…` with touser (openid),
/// template_id, url or miniprogram, data, and `client_msg_id` (Herald's id),
/// which WeChat uses to drop a repeated send. The access token comes from
/// `/cgi-bin/token`, is shared by all instances, and is refreshed once when
/// WeChat calls it invalid (40001) or expired (42001).
public struct WeChatProvider: ChannelProvider {
    public let name = WeChatRegistration.name
    public let channel = Channel.wechat
    let configuration: WeChatConfiguration
    let client: ProviderHTTPClient
    public let tokens: AccessTokenCache

    public init(configuration: WeChatConfiguration, client: ProviderHTTPClient, sharedTokens: (any SharedTokenStore)?) {
        self.configuration = configuration
        self.client = client
        self.tokens = AccessTokenCache(key: configuration.tokenKey, shared: sharedTokens) {
            try await Self.fetchToken(configuration: configuration, client: client)
        }
    }

    struct TokenReply: Decodable {
        let access_token: String?
        let expires_in: Int?
        let errcode: Int?
        let errmsg: String?
    }

    struct TokenError: Error, CustomStringConvertible {
        let description: String
    }

    /// Mints an access token for `configuration`'s appid (an official account's or a mini-program's).
    public static func fetchToken(configuration: WeChatConfiguration, client: ProviderHTTPClient) async throws -> AccessTokenCache.Minted {
        let query = FormURLEncoding.encode([
            ("grant_type", "client_credential"), ("appid", configuration.appID), ("secret", configuration.appSecret),
        ])
        let request = ProviderRequest(url: configuration.baseURL + "/cgi-bin/token?" + query)
        let response = try await client.execute(request)
        let reply = try JSONDecoder().decode(TokenReply.self, from: Data(response.body.readableBytesView))
        guard let token = reply.access_token, !token.isEmpty else {
            throw TokenError(description: "WeChat refused a token: \(reply.errcode ?? 0) \(reply.errmsg ?? "")")
        }
        return .init(token: token, expiresInSeconds: reply.expires_in ?? 7_200)
    }

    public func send(_ message: OutboundMessage) async -> SendOutcome {
        guard let body = Self.templateMessage(message, defaultTemplateID: configuration.defaultTemplateID) else {
            return .permanent(code: "no_template", message: "no template_id in data and no default template configured")
        }
        return await Self.withToken(tokens) { token in try await post(body, token: token) }
    }

    /// What one call with an access token came to: WeChat rejected the token
    /// (refresh it and call again, once), or an outcome.
    public typealias Attempt = AccessTokenCache.Answer<SendOutcome>

    /// Runs `call` through the token cache's one-refresh discipline
    /// (`AccessTokenCache.withToken`) and turns what is left into an outcome:
    /// a token rejected twice or not obtained is retried later. Every WeChat
    /// API Herald calls (official account, mini-program) goes through it.
    public static func withToken(_ tokens: AccessTokenCache, _ call: (String) async throws -> Attempt) async -> SendOutcome {
        do {
            switch try await tokens.withToken(call) {
            case .tokenRejected(let code): return .retryable(code: code, message: "access token rejected twice", retryAfterMillis: nil)
            case .done(let result): return result
            }
        } catch let error as TokenError {
            return .retryable(code: "token", message: error.description, retryAfterMillis: nil)
        } catch {
            return HTTPOutcome.transportFailure(error)
        }
    }

    struct SendReply: Decodable {
        let errcode: Int?
        let errmsg: String?
        let msgid: Int64?
    }

    private func post(_ body: [UInt8], token: String) async throws -> Attempt {
        var request = ProviderRequest(
            url: configuration.baseURL + "/cgi-bin/message/template/send?access_token=" + FormURLEncoding.escape(token))
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
        return Self.outcome(reply)
    }

    /// WeChat answers HTTP 200 for everything; `errcode` decides.
    static func outcome(_ reply: SendReply) -> Attempt {
        let code = reply.errcode ?? 0
        let message = String((reply.errmsg ?? "").prefix(200))
        switch code {
        case 0:
            guard let msgid = reply.msgid else {
                return .done(.retryable(code: "bad_response", message: "WeChat answered ok without msgid", retryAfterMillis: nil))
            }
            return .done(.accepted(providerMessageID: String(msgid), status: .sent))
        case 40001, 40014, 42001: return .tokenRejected(String(code))
        case 43004, 43101: return .done(.optedOut(code: String(code), message: message))
        case 40003, 40013: return .done(.invalidRecipient(code: String(code), message: message))
        case -1, 45009, 45011, 45047: return .done(.retryable(code: String(code), message: message, retryAfterMillis: nil))
        default: return .done(.permanent(code: String(code), message: message))
        }
    }

    /// The template/send body: `data` fields become template keywords
    /// (`"name": "李雷"` → `"name": {"value": "李雷"}`), except the reserved
    /// `template_id`, `url` and `miniprogram`; with no keywords the body is
    /// sent as `content`.
    static func templateMessage(_ message: OutboundMessage, defaultTemplateID: String?) -> [UInt8]? {
        var data = message.dataFields
        var templateID = defaultTemplateID
        if case .string(let id)? = data.removeValue(forKey: "template_id") { templateID = id }
        guard let templateID, !templateID.isEmpty else { return nil }
        var payload: [String: JSONValue] = [
            "touser": .string(message.to), "template_id": .string(templateID), "client_msg_id": .string(message.id),
        ]
        if let url = data.removeValue(forKey: "url") { payload["url"] = url }
        if let miniprogram = data.removeValue(forKey: "miniprogram") { payload["miniprogram"] = miniprogram }
        var keywords = keywordValues(data)
        if keywords.isEmpty { keywords["content"] = .object(["value": .string(message.body)]) }
        payload["data"] = .object(keywords)
        return JSONValue.object(payload).encoded()
    }

    /// WeChat's keyword form, shared by template and subscribe messages:
    /// `"name": "李雷"` → `"name": {"value": "李雷"}`; an object is taken as
    /// given, any other value as its text.
    public static func keywordValues(_ data: [String: JSONValue]) -> [String: JSONValue] {
        data.mapValues { value in
            switch value {
            case .object: value
            case .string: .object(["value": value])
            default: .object(["value": .string(value.text)])
            }
        }
    }
}
