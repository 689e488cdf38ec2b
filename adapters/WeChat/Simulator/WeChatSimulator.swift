import Foundation
import HeraldCore
import HeraldProviders
import HeraldSimulators
import Hummingbird
import NIOCore
import Synchronization

/// WeChat's Official Account API on loopback: `GET /cgi-bin/token` issues
/// access tokens for the configured appid/secret, `POST
/// /cgi-bin/message/template/send` checks the token (40001 unknown, 42001
/// expired), the body and `client_msg_id` (a repeat returns the first msgid
/// and sends nothing), and answers `{"errcode":0,"errmsg":"ok","msgid":…}`.
/// After a delay it pushes the TEMPLATESENDJOBFINISH event, signed, to the
/// server URL; openids starting with `blocked` get `failed:user block`.
public final class WeChatSimulator: SimulatedProvider {
    public let name = WeChatRegistration.name

    public struct Configuration: Sendable {
        public var appID: String
        public var appSecret: String
        /// The server URL's token events are signed with.
        public var serverToken: String
        /// Where events are pushed; nil pushes none.
        public var eventURL: String?
        public var eventDelay: Duration
        public var latency: Duration
        public var faults: FaultRule

        public init(
            appID: String, appSecret: String, serverToken: String, eventURL: String?,
            eventDelay: Duration = .milliseconds(10), latency: Duration = .zero,
            faults: @escaping FaultRule = { _, _ in nil }
        ) {
            self.appID = appID
            self.appSecret = appSecret
            self.serverToken = serverToken
            self.eventURL = eventURL
            self.eventDelay = eventDelay
            self.latency = latency
            self.faults = faults
        }
    }

    private struct State {
        var msgIDs: [String: Int64] = [:]
        var nextMsgID: Int64 = 2_000_000_000_000_000_000
    }

    public let configuration: Configuration
    public let ledger: SimulatorLedger
    let poster: ReceiptPoster
    private let state = Mutex(State())
    let tokens: SimulatedWeChatTokens

    public init(configuration: Configuration, client: ProviderHTTPClient, ledger: SimulatorLedger = SimulatorLedger()) {
        self.configuration = configuration
        self.ledger = ledger
        self.poster = ReceiptPoster(client: client, ledger: ledger)
        tokens = SimulatedWeChatTokens(appID: configuration.appID, appSecret: configuration.appSecret)
    }

    /// Access tokens issued so far.
    public var tokensIssued: Int { tokens.issued }

    /// Every token issued so far now answers 42001, as after WeChat's 2 hours.
    public func expireTokens() { tokens.expireAll() }

    public func register(on router: Router<BasicRequestContext>) {
        router.get("cgi-bin/token", use: tokens.issue)
        router.post("cgi-bin/message/template/send", use: send)
    }

    struct TemplateMessage: Decodable {
        let touser: String?
        let template_id: String?
        let client_msg_id: String?
        let data: [String: JSONValue]?
    }

    @Sendable func send(_ request: Request, context: BasicRequestContext) async throws -> Response {
        if configuration.latency > .zero { try await Task.sleep(for: configuration.latency) }
        if let refusal = tokens.refusal(request) { return refusal }
        let body = try await request.body.collect(upTo: 1 << 20)
        guard let message = try? JSONDecoder().decode(TemplateMessage.self, from: Data(body.readableBytesView)),
              let data = message.data, !data.isEmpty
        else { return Self.json(#"{"errcode":47001,"errmsg":"data format error"}"#) }
        guard let openID = message.touser, (6...64).contains(openID.utf8.count) else {
            return Self.json(#"{"errcode":40003,"errmsg":"invalid openid"}"#)
        }
        guard message.template_id?.isEmpty == false else {
            return Self.json(#"{"errcode":40037,"errmsg":"invalid template_id"}"#)
        }
        if let clientID = message.client_msg_id, let first = state.withLock({ $0.msgIDs[clientID] }) {
            return Self.json(#"{"errcode":0,"errmsg":"ok","msgid":\#(first)}"#)
        }
        let attempt = ledger.request(to: openID)
        switch configuration.faults(openID, attempt) {
        case .serverError?: return Self.json(#"{"errcode":-1,"errmsg":"system error"}"#)
        case .throttled?: return Self.json(#"{"errcode":45009,"errmsg":"reach max api daily quota limit"}"#)
        case .invalidRecipient?: return Self.json(#"{"errcode":40003,"errmsg":"invalid openid"}"#)
        case .optedOut?: return Self.json(#"{"errcode":43004,"errmsg":"require subscribe"}"#)
        case .badRequest?: return Self.json(#"{"errcode":40037,"errmsg":"invalid template_id"}"#)
        case nil: break
        }
        let msgID = state.withLock { state in
            state.nextMsgID += 1
            if let clientID = message.client_msg_id { state.msgIDs[clientID] = state.nextMsgID }
            return state.nextMsgID
        }
        ledger.recordAccepted(to: openID)
        ledger.keep(String(decoding: body.readableBytesView, as: UTF8.self), for: openID)
        if let url = configuration.eventURL {
            let status = openID.hasPrefix("blocked") ? "failed:user block" : "success"
            let xml = WeChatEvent.templateSendFinishedXML(
                account: "gh_" + configuration.appID, openID: openID, createTime: Int64(Date().timeIntervalSince1970),
                msgID: String(msgID), status: status)
            SimulatedWeChatTokens.push(xml, to: url, serverToken: configuration.serverToken, openID: openID,
                                       delay: configuration.eventDelay, poster: poster)
        }
        return Self.json(#"{"errcode":0,"errmsg":"ok","msgid":\#(msgID)}"#)
    }

    static func json(_ body: String) -> Response { SimulatedWeChatTokens.json(body) }
}
