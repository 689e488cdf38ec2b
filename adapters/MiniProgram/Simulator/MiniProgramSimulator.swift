import Foundation
import HeraldCore
import HeraldProviders
import HeraldSimulators
import Hummingbird
import NIOCore
import Synchronization

/// WeChat's mini-program subscribe API on loopback, under `/mp` (so it can
/// share the simulators' port with the official account's, which has the
/// same paths): `GET /mp/cgi-bin/token`, and `POST
/// /mp/cgi-bin/message/subscribe/send`, which checks the token, the body
/// (`data` an object of `{"value":…}`, `miniprogram_state`, `lang`) and each
/// keyword against WeChat's rules (47003 naming it), answers
/// `{"errcode":0,"errmsg":"ok","msgid":…}` and then pushes the signed
/// `subscribe_msg_sent_event`. A person runs out of a template after one
/// message unless they subscribe again (`subscribe`), as with one-time
/// subscriptions: the next send of it answers 43101.
public final class MiniProgramSimulator: SimulatedProvider {
    public let name = MiniProgramRegistration.name
    /// Where the simulator's paths start, below the simulators' base URL.
    public static let pathPrefix = "/mp"

    let serverToken: String
    let eventURL: String
    let eventDelay: Duration
    let latency: Duration
    let faults: FaultRule
    public let ledger: SimulatorLedger
    let poster: ReceiptPoster
    let tokens: SimulatedWeChatTokens
    /// Subscriptions left, by `openid|template`; absent means one (a first subscription).
    private let used = Mutex<Set<String>>([])
    private let nextMsgID = Atomic<Int64>(3_000_000_000_000_000_000)

    public init(context: SimulatorContext, appID: String) {
        serverToken = context.secrets["server_token"]
        eventURL = context.heraldURL + "/v1/receipts/" + MiniProgramRegistration.name
        eventDelay = context.callbackDelay
        latency = context.latency
        faults = context.faults
        ledger = context.ledger()
        poster = ReceiptPoster(client: context.client, ledger: ledger)
        tokens = SimulatedWeChatTokens(appID: appID, appSecret: context.secrets["app_secret"])
    }

    /// Access tokens issued so far.
    public var tokensIssued: Int { tokens.issued }

    /// Every token issued so far now answers 42001.
    public func expireTokens() { tokens.expireAll() }

    /// The person subscribes to the template again (one more message of it may go).
    public func subscribe(_ openID: String, template: String) {
        _ = used.withLock { $0.remove(Suppression.topicRecipient(openID, topic: template)) }
    }

    public func register(on router: Router<BasicRequestContext>) {
        router.get(RouterPath(Self.pathPrefix + "/cgi-bin/token"), use: tokens.issue)
        router.post(RouterPath(Self.pathPrefix + "/cgi-bin/message/subscribe/send"), use: send)
    }

    struct SubscribeMessage: Decodable {
        let touser: String?
        let template_id: String?
        let miniprogram_state: String?
        let lang: String?
        let data: [String: [String: String]]?
    }

    @Sendable func send(_ request: Request, context: BasicRequestContext) async throws -> Response {
        if latency > .zero { try await Task.sleep(for: latency) }
        if let refusal = tokens.refusal(request) { return refusal }
        let body = try await request.body.collect(upTo: 1 << 20)
        guard let message = try? JSONDecoder().decode(SubscribeMessage.self, from: Data(body.readableBytesView)),
              let data = message.data
        else { return Self.json(#"{"errcode":47001,"errmsg":"data format error"}"#) }
        guard let openID = message.touser, (6...64).contains(openID.utf8.count) else {
            return Self.json(#"{"errcode":40003,"errmsg":"invalid openid"}"#)
        }
        guard let template = message.template_id, !template.isEmpty else {
            return Self.json(#"{"errcode":40037,"errmsg":"invalid template_id"}"#)
        }
        guard ["developer", "trial", "formal"].contains(message.miniprogram_state ?? ""),
              ["zh_CN", "en_US", "zh_HK", "zh_TW"].contains(message.lang ?? "")
        else { return Self.json(#"{"errcode":47003,"errmsg":"argument invalid! miniprogram_state or lang"}"#) }
        for (key, value) in data.sorted(by: { $0.key < $1.key }) {
            guard let text = value["value"], SubscribeKeywords.problem(type: SubscribeKeywords.type(of: key), value: text) == nil
            else { return Self.json(#"{"errcode":47003,"errmsg":"argument invalid! data.\#(key).value invalid"}"#) }
        }
        switch faults(openID, ledger.request(to: openID)) {
        case .serverError?: return Self.json(#"{"errcode":-1,"errmsg":"system error"}"#)
        case .throttled?: return Self.json(#"{"errcode":45009,"errmsg":"reach max api daily quota limit"}"#)
        case .invalidRecipient?: return Self.json(#"{"errcode":40003,"errmsg":"invalid openid"}"#)
        case .optedOut?: return Self.json(#"{"errcode":43101,"errmsg":"user refuse to accept the msg"}"#)
        case .badRequest?: return Self.json(#"{"errcode":40037,"errmsg":"invalid template_id"}"#)
        case nil: break
        }
        let key = Suppression.topicRecipient(openID, topic: template)
        guard used.withLock({ $0.insert(key).inserted }) else {
            return Self.json(#"{"errcode":43101,"errmsg":"user refuse to accept the msg"}"#)
        }
        let msgID = nextMsgID.add(1, ordering: .relaxed).newValue
        ledger.recordAccepted(to: openID)
        ledger.keep(String(decoding: body.readableBytesView, as: UTF8.self), for: openID)
        let xml = MiniProgramEvent.sentXML(
            account: "gh_miniprogram", openID: openID, createTime: Int64(Date().timeIntervalSince1970),
            results: [.init(templateID: template, msgID: String(msgID), errorCode: "0", errorStatus: "success")])
        SimulatedWeChatTokens.push(xml, to: eventURL, serverToken: serverToken, openID: openID, delay: eventDelay, poster: poster)
        return Self.json(#"{"errcode":0,"errmsg":"ok","msgid":\#(msgID)}"#)
    }

    static func json(_ body: String) -> Response { SimulatedWeChatTokens.json(body) }
}
