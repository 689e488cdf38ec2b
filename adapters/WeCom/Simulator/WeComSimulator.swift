import Crypto
import Foundation
import HeraldCore
import HeraldProviders
import HeraldSimulators
import Hummingbird
import NIOCore
import Synchronization

/// WeCom's app-message API on loopback, in its wire format:
/// `GET /cgi-bin/gettoken` issues access tokens for the configured corpid and
/// app secret (40013 unknown corpid, 40001 wrong secret); `POST
/// /cgi-bin/message/send` checks the token (41001 missing, 40014 unknown,
/// 42001 expired), the agentid (40056), the body per msgtype, and answers
/// `{"errcode":0,"errmsg":"ok","invaliduser":"",…,"msgid":…}`; with
/// `enable_duplicate_check` a request whose JSON is identical to one taken
/// within `duplicate_check_interval` is answered ok again (the first msgid)
/// and not delivered twice; `GET /cgi-bin/agent/get` describes the app
/// (`close` 1 once `closeApp()`). WeCom posts no receipts.
///
/// Faults: invalidRecipient → 81013 with the userid in `invaliduser`;
/// throttled → 45009; serverError → -1; badRequest → 82004; optedOut (WeCom
/// has no opt-out) → errcode 0 with the userid in `invaliduser`, as for a
/// member outside the app's visible range in a multi-recipient send. Tests
/// steer the rest with `answer(_:with:)`, `refuseTokens(errcode:)` and `expireTokens()`.
public final class WeComSimulator: SimulatedProvider {
    public let name = WeComRegistration.name

    /// The simulated corp and app, and how the run wants the simulator to behave.
    public struct Configuration: Sendable {
        public var corpID: String
        public var corpSecret: String
        public var agentID: Int
        public var latency: Duration
        public var faults: FaultRule

        public init(corpID: String, corpSecret: String, agentID: Int, latency: Duration = .zero,
                    faults: @escaping FaultRule = { _, _ in nil })
        {
            self.corpID = corpID
            self.corpSecret = corpSecret
            self.agentID = agentID
            self.latency = latency
            self.faults = faults
        }
    }

    /// What a test makes message/send answer for one userid.
    public enum ScriptedReply: Sendable, Equatable {
        /// That errcode, with an errmsg in WeCom's style.
        case errcode(Int)
        /// errcode 0 with the userid in `invaliduser` (or `unlicenseduser`): not delivered.
        case listed(unlicensed: Bool)
    }

    private struct State {
        var tokens: [String: Bool] = [:]
        var tokensIssued = 0
        var tokenRefusal: Int?
        var closed = false
        var scripted: [String: ScriptedReply] = [:]
        /// Request JSON taken, by its SHA-256, for the duplicate check; `order` expires them oldest first.
        var recent: [String: String] = [:]
        var order: [(digest: String, until: ContinuousClock.Instant)] = []
        var duplicatesDropped = 0
    }

    public let configuration: Configuration
    public let ledger: SimulatorLedger
    private let state = Mutex(State())

    /// `ledger` records what was sent (tests read the payloads back).
    public init(configuration: Configuration, ledger: SimulatorLedger = SimulatorLedger()) {
        self.configuration = configuration
        self.ledger = ledger
    }

    /// Access tokens issued so far.
    public var tokensIssued: Int { state.withLock { $0.tokensIssued } }
    /// Requests answered ok without delivering, as repeats within the duplicate-check interval.
    public var duplicatesDropped: Int { state.withLock { $0.duplicatesDropped } }

    /// Every token issued so far now answers 42001, as after WeCom's 2 hours (or an early invalidation).
    public func expireTokens() {
        state.withLock { state in
            for key in state.tokens.keys { state.tokens[key] = false }
        }
    }

    /// gettoken answers `errcode` (40013, 40001, 40091, 60020…) from now on; nil issues tokens again.
    public func refuseTokens(errcode: Int?) { state.withLock { $0.tokenRefusal = errcode } }

    /// Disables (or enables again) the app: agent/get then reports `close` 1.
    public func closeApp(_ closed: Bool = true) { state.withLock { $0.closed = closed } }

    /// message/send answers `reply` for `userID` from now on.
    public func answer(_ userID: String, with reply: ScriptedReply) { state.withLock { $0.scripted[userID] = reply } }

    public func register(on router: Router<BasicRequestContext>) {
        router.get("cgi-bin/gettoken", use: token)
        router.post("cgi-bin/message/send", use: send)
        router.get("cgi-bin/agent/get", use: agent)
    }

    @Sendable func token(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        if let refusal = state.withLock({ $0.tokenRefusal }) { return Self.error(refusal) }
        guard query.get("corpid") == configuration.corpID else { return Self.error(40013) }
        guard query.get("corpsecret") == configuration.corpSecret else { return Self.error(40001) }
        let token = "sim-" + RandomHex.make(64)
        state.withLock {
            $0.tokens[token] = true
            $0.tokensIssued += 1
        }
        return Self.json(#"{"errcode":0,"errmsg":"ok","access_token":"\#(token)","expires_in":7200}"#)
    }

    /// The token check every API call starts with: nil when the token is valid, else WeCom's answer.
    private func refusal(_ request: Request) -> Response? {
        guard let token = request.uri.queryParameters.get("access_token"), !token.isEmpty else { return Self.error(41001) }
        switch state.withLock({ $0.tokens[String(token)] }) {
        case nil: return Self.error(40014)
        case false?: return Self.error(42001)
        case true?: return nil
        }
    }

    struct Card: Decodable {
        let title: String?
        let description: String?
        let url: String?
    }

    struct Content: Decodable {
        let content: String?
    }

    struct SendRequest: Decodable {
        let touser: String?
        let agentid: Int?
        let msgtype: String?
        let text: Content?
        let markdown: Content?
        let textcard: Card?
        let enable_duplicate_check: Int?
        let duplicate_check_interval: Int?
    }

    @Sendable func send(_ request: Request, context: BasicRequestContext) async throws -> Response {
        if configuration.latency > .zero { try await Task.sleep(for: configuration.latency) }
        if let refusal = refusal(request) { return refusal }
        let body = try await request.body.collect(upTo: 1 << 20)
        let bytes = Data(body.readableBytesView)
        guard let message = try? JSONDecoder().decode(SendRequest.self, from: bytes) else { return Self.error(47001) }
        guard message.agentid == configuration.agentID else { return Self.error(40056) }
        guard let userID = message.touser, !userID.isEmpty else { return Self.error(82001) }
        if let code = Self.contentError(message) { return Self.error(code) }

        let digest = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        let now = ContinuousClock.now
        let checked = message.enable_duplicate_check == 1
        if checked, let first = state.withLock({ state -> String? in
            while let oldest = state.order.first, oldest.until < now {
                state.recent[oldest.digest] = nil
                state.order.removeFirst()
            }
            guard let first = state.recent[digest] else { return nil }
            state.duplicatesDropped += 1
            return first
        }) {
            return Self.accepted(msgID: first)
        }

        let attempt = ledger.request(to: userID)
        let lowered = userID.lowercased()
        switch state.withLock({ $0.scripted[userID] }) {
        case .errcode(let code)?: return Self.error(code)
        case .listed(let unlicensed)?: return Self.accepted(msgID: RandomHex.make(32), listing: lowered, unlicensed: unlicensed)
        case nil: break
        }
        switch configuration.faults(userID, attempt) {
        case .serverError?: return Self.error(-1)
        case .throttled?: return Self.error(45009)
        case .invalidRecipient?:
            return Self.json(#"{"errcode":81013,"errmsg":"\#(Self.errmsg(81013))","invaliduser":"\#(lowered)","msgid":""}"#)
        case .optedOut?: return Self.accepted(msgID: RandomHex.make(32), listing: lowered, unlicensed: false)
        case .badRequest?: return Self.error(82004)
        case nil: break
        }
        let msgID = RandomHex.make(32)
        if checked {
            let interval = min(max(message.duplicate_check_interval ?? 1_800, 1), 14_400)
            state.withLock { state in
                state.recent[digest] = msgID
                state.order.append((digest, now.advanced(by: .seconds(interval))))
            }
        }
        ledger.recordAccepted(to: userID)
        ledger.keep(String(decoding: bytes, as: UTF8.self), for: userID)
        return Self.accepted(msgID: msgID)
    }

    /// What WeCom says of a body its msgtype does not fit.
    static func contentError(_ message: SendRequest) -> Int? {
        switch message.msgtype {
        case "text": message.text?.content?.isEmpty == false ? nil : 44004
        case "markdown": message.markdown?.content?.isEmpty == false ? nil : 44004
        case "textcard":
            if message.textcard?.description?.isEmpty != false { 41033 }
            else if message.textcard?.title?.isEmpty != false || message.textcard?.url?.isEmpty != false { 40058 }
            else { nil }
        default: 40008
        }
    }

    @Sendable func agent(_ request: Request, context: BasicRequestContext) async throws -> Response {
        if let refusal = refusal(request) { return refusal }
        guard request.uri.queryParameters.get("agentid").flatMap({ Int($0) }) == configuration.agentID else {
            return Self.error(40056)
        }
        let close = state.withLock { $0.closed } ? 1 : 0
        return Self.json(#"{"errcode":0,"errmsg":"ok","agentid":\#(configuration.agentID),"name":"Herald simulator","#
            + #""square_logo_url":"","description":"","allow_userinfos":{"user":[]},"allow_partys":{"partyid":[1]},"#
            + #""allow_tags":{"tagid":[]},"close":\#(close),"redirect_domain":"","report_location_flag":0,"#
            + #""isreportenter":0,"home_url":""}"#)
    }

    static func accepted(msgID: String, listing userID: String? = nil, unlicensed: Bool = false) -> Response {
        let invalid = unlicensed ? "" : userID ?? ""
        let unlicensedUsers = unlicensed ? userID ?? "" : ""
        return json(#"{"errcode":0,"errmsg":"ok","invaliduser":"\#(invalid)","invalidparty":"","invalidtag":"","#
            + #""unlicenseduser":"\#(unlicensedUsers)","msgid":"\#(msgID)"}"#)
    }

    static func error(_ code: Int) -> Response {
        json(#"{"errcode":\#(code),"errmsg":"\#(errmsg(code))"}"#)
    }

    /// WeCom's errmsg for the codes the simulator answers with: the text, a hint and the doc link.
    static func errmsg(_ code: Int) -> String {
        let text = switch code {
        case -1: "system busy"
        case 40001: "invalid secret"
        case 40013: "invalid corpid"
        case 40014: "invalid access_token"
        case 41001: "access_token missing"
        case 42001: "access_token expired"
        case 40056: "invalid agentid"
        case 40008: "invalid message type"
        case 40058: "invalid parameter"
        case 40091: "secret is invalid"
        case 41033: "missing description"
        case 44004: "empty content"
        case 45002: "content size out of limit"
        case 45009: "api freq out of limit"
        case 45033: "api concurrent out of limit"
        case 47001: "data format error"
        case 48002: "api forbidden"
        case 60020: "not allow to access from your ip"
        case 81013: "user & party & tag all invalid"
        case 82001: "All touser & toparty & totag invalid"
        case 82004: "invalid message content"
        case 301002: "not allow operate another agent with this accesstoken."
        default: "error"
        }
        return text + ", hint: [sim\(RandomHex.make(16))], from ip: 127.0.0.1, more info at "
            + "https://open.work.weixin.qq.com/devtool/query?e=\(code)"
    }

    static func json(_ body: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=UTF-8"],
                 body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
