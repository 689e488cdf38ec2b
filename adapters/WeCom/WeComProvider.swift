import Foundation
import HeraldCore
import HeraldProviders
import NIOCore

/// WeCom (企业微信) app messages to one member:
/// `POST /cgi-bin/message/send?access_token=…` with `touser` (the userid),
/// `agentid`, and a text, textcard or markdown body (`WeComAppMessage`).
///
/// WeCom has no idempotency key. `enable_duplicate_check` makes it drop a
/// request whose JSON is identical to one it took within
/// `WeComConfiguration.duplicateCheckSeconds`, and a retried send's JSON is
/// byte for byte the first one's (sorted keys, the same values). The body also
/// carries Herald's id as `herald_message_id`, a field WeCom does not
/// document: if its duplicate check compares the JSON as sent, two different
/// messages with the same content are not taken for one; whether it does is
/// not documented either (see README).
///
/// The access token comes from `/cgi-bin/gettoken`, is shared by all
/// instances through the `SharedTokenStore` (one per corp and app), and is
/// refreshed once when WeCom calls it invalid, expired or missing.
public struct WeComProvider: ChannelProvider {
    public let name = WeComRegistration.name
    public let channel = Channel.wecom
    let configuration: WeComConfiguration
    let client: ProviderHTTPClient
    /// This app's access token, shared with the other instances.
    public let tokens: AccessTokenCache

    /// `sharedTokens` is where every instance finds this app's token (nil: this instance alone).
    public init(configuration: WeComConfiguration, client: ProviderHTTPClient, sharedTokens: (any SharedTokenStore)?) {
        self.configuration = configuration
        self.client = client
        self.tokens = AccessTokenCache(key: configuration.tokenKey, shared: sharedTokens) {
            try await Self.fetchToken(configuration: configuration, client: client)
        }
    }

    struct TokenReply: Decodable {
        let errcode: Int?
        let errmsg: String?
        let access_token: String?
        let expires_in: Int?
    }

    static func fetchToken(configuration: WeComConfiguration, client: ProviderHTTPClient) async throws -> AccessTokenCache.Minted {
        let query = FormURLEncoding.encode([("corpid", configuration.corpID), ("corpsecret", configuration.corpSecret)])
        let response = try await client.execute(ProviderRequest(url: configuration.baseURL + "/cgi-bin/gettoken?" + query))
        guard (200..<300).contains(response.status),
              let reply = try? JSONDecoder().decode(TokenReply.self, from: Data(response.body.readableBytesView))
        else { throw WeComTokenError(code: nil, description: "gettoken answered HTTP \(response.status)") }
        guard let token = reply.access_token, !token.isEmpty, (reply.errcode ?? 0) == 0 else {
            throw WeComTokenError(
                code: reply.errcode,
                description: "WeCom refused a token: \(reply.errcode ?? 0) \(String((reply.errmsg ?? "").prefix(200)))")
        }
        return .init(token: token, expiresInSeconds: reply.expires_in ?? 7_200)
    }

    /// Sends one message; a message that does not fit WeCom's limits fails before any request.
    public func send(_ message: OutboundMessage) async -> SendOutcome {
        let shape: WeComAppMessage
        do throws(APIError) {
            shape = try WeComAppMessage(body: message.body, title: message.title, data: message.dataFields)
        } catch {
            return .permanent(code: error.code, message: (error.field.map { $0 + ": " } ?? "") + error.message)
        }
        let body = Self.requestBody(message, shape, configuration: configuration)
        do {
            switch try await tokens.withToken({ token in try await post(body, to: message.to, token: token) }) {
            case .tokenRejected(let code): return .retryable(code: code, message: "access token rejected twice", retryAfterMillis: nil)
            case .done(let outcome): return outcome
            }
        } catch let error as WeComTokenError {
            return error.outcome
        } catch {
            return HTTPOutcome.transportFailure(error)
        }
    }

    typealias Attempt = AccessTokenCache.Answer<SendOutcome>

    private func post(_ body: [UInt8], to userID: String, token: String) async throws -> Attempt {
        var request = ProviderRequest(url: configuration.baseURL + "/cgi-bin/message/send?access_token=" + FormURLEncoding.escape(token))
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = ByteBuffer(bytes: body)
        let response = try await client.execute(request)
        guard (200..<300).contains(response.status),
              let reply = try? JSONDecoder().decode(WeComSendReply.self, from: Data(response.body.readableBytesView))
        else {
            return .done(HTTPOutcome.classify(
                status: response.status >= 300 ? response.status : 502, headers: response.headers,
                code: "http_\(response.status)", message: "WeCom answered HTTP \(response.status)"))
        }
        return Self.outcome(reply, to: userID)
    }

    /// WeCom answers HTTP 200 for everything; `errcode` decides, and an
    /// `errcode` 0 that lists our userid in `invaliduser` or `unlicenseduser`
    /// delivered nothing to them.
    static func outcome(_ reply: WeComSendReply, to userID: String) -> Attempt {
        let code = reply.errcode ?? 0
        if WeComErrcode.tokenRejected.contains(code) { return .tokenRejected(String(code)) }
        guard code == 0 else { return .done(WeComErrcode.outcome(code, message: reply.errmsg ?? "")) }
        if WeComSendReply.lists(reply.invaliduser, userID) {
            return .done(.invalidRecipient(
                code: "invaliduser", message: "WeCom took the call but listed the userid in invaliduser: "
                    + "not a member, or outside the app's visible range; nothing was delivered"))
        }
        if WeComSendReply.lists(reply.unlicenseduser, userID) {
            return .done(.invalidRecipient(
                code: "unlicenseduser", message: "WeCom took the call but listed the userid in unlicenseduser: "
                    + "the member has no (or an expired) API license; nothing was delivered"))
        }
        // No receipt follows, so acceptance is final (recorded delivered, as for FCM, APNs and SMTP).
        // A repeat WeCom dropped as a duplicate may come without a msgid; it was still taken.
        return .done(.accepted(providerMessageID: reply.msgid ?? "", status: .delivered))
    }

    /// The message/send body, with sorted keys so that a retry's JSON is the
    /// first attempt's to the byte (what WeCom's duplicate check compares).
    static func requestBody(_ message: OutboundMessage, _ shape: WeComAppMessage, configuration: WeComConfiguration) -> [UInt8] {
        var payload: [String: JSONValue] = [
            "touser": .string(message.to), "agentid": .number(Double(configuration.agentID)),
            "msgtype": .string(shape.kind.rawValue), "enable_duplicate_check": .number(1),
            "duplicate_check_interval": .number(Double(WeComConfiguration.duplicateCheckSeconds)),
            "herald_message_id": .string(message.id),
        ]
        switch shape.kind {
        case .text:
            payload["text"] = .object(["content": .string(shape.body)])
            payload["safe"] = .number(Double(configuration.safe))
        case .markdown:
            payload["markdown"] = .object(["content": .string(shape.body)])
        case .textcard:
            var card: [String: JSONValue] = [
                "title": .string(shape.title ?? ""), "description": .string(shape.body), "url": .string(shape.url ?? ""),
            ]
            if let button = shape.buttonText { card["btntxt"] = .string(button) }
            payload["textcard"] = .object(card)
        }
        return JSONValue.object(payload).encoded()
    }
}

/// WeCom's reply to message/send.
struct WeComSendReply: Decodable {
    let errcode: Int?
    let errmsg: String?
    let msgid: String?
    /// `|`-separated userids WeCom did not send to (lower-cased by WeCom).
    let invaliduser: String?
    /// `|`-separated userids without an API license.
    let unlicenseduser: String?

    enum CodingKeys: String, CodingKey {
        case errcode, errmsg, msgid, invaliduser, unlicenseduser
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        errcode = try? container.decodeIfPresent(Int.self, forKey: .errcode)
        errmsg = try? container.decodeIfPresent(String.self, forKey: .errmsg)
        // Documented as a string; taken as a number too.
        msgid = (try? container.decodeIfPresent(String.self, forKey: .msgid))
            ?? (try? container.decodeIfPresent(Int64.self, forKey: .msgid)).map { String($0) }
        invaliduser = try? container.decodeIfPresent(String.self, forKey: .invaliduser)
        unlicenseduser = try? container.decodeIfPresent(String.self, forKey: .unlicenseduser)
    }

    /// Whether a `|`-separated list names `userID` (WeCom lower-cases what it returns).
    static func lists(_ list: String?, _ userID: String) -> Bool {
        guard let list, !list.isEmpty else { return false }
        let wanted = userID.lowercased()
        return list.split(separator: "|").contains { $0.lowercased() == wanted }
    }
}
