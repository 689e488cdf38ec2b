import Foundation
import HeraldCore
import HeraldSimulators
import Hummingbird
import NIOCore
import Synchronization

/// What every simulated WeChat API shares: the access tokens one appid is
/// issued (`GET cgi-bin/token`), checked on each call (40001 unknown, 42001
/// expired) and expired on demand, and the signed pushes to a server URL.
public final class SimulatedWeChatTokens: Sendable {
    let appID: String
    let appSecret: String
    private let tokens = Mutex<(valid: [String: Bool], issued: Int)>(([:], 0))

    public init(appID: String, appSecret: String) {
        self.appID = appID
        self.appSecret = appSecret
    }

    /// Access tokens issued so far.
    public var issued: Int { tokens.withLock { $0.issued } }

    /// Every token issued so far now answers 42001, as after WeChat's 2 hours.
    public func expireAll() {
        tokens.withLock { state in
            for key in state.valid.keys { state.valid[key] = false }
        }
    }

    /// `GET cgi-bin/token`: a token for the right appid and secret.
    @Sendable public func issue(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        guard query.get("grant_type") == "client_credential" else {
            return Self.json(#"{"errcode":40002,"errmsg":"invalid grant_type"}"#)
        }
        guard query.get("appid") == appID else { return Self.json(#"{"errcode":40013,"errmsg":"invalid appid"}"#) }
        guard query.get("secret") == appSecret else { return Self.json(#"{"errcode":40125,"errmsg":"invalid appsecret"}"#) }
        let token = "sim-" + RandomHex.make()
        tokens.withLock {
            $0.valid[token] = true
            $0.issued += 1
        }
        return Self.json(#"{"access_token":"\#(token)","expires_in":7200}"#)
    }

    /// The error reply for a call whose `access_token` is unknown or expired, nil when it is good.
    public func refusal(_ request: Request) -> Response? {
        let token: String = request.uri.queryParameters.get("access_token").map { String($0) } ?? ""
        switch tokens.withLock({ $0.valid[token] }) {
        case nil: return Self.json(#"{"errcode":40001,"errmsg":"invalid credential, access_token is invalid or not latest"}"#)
        case false?: return Self.json(#"{"errcode":42001,"errmsg":"access_token expired"}"#)
        case true?: return nil
        }
    }

    /// Posts `xml` to a server URL signed with `serverToken`, as WeChat does, after `delay`.
    public static func push(_ xml: String, to url: String, serverToken: String, openID: String, delay: Duration,
                            poster: ReceiptPoster)
    {
        poster.later(delay) {
            let timestamp = String(Int64(Date().timeIntervalSince1970))
            let nonce = String(UInt32.random(in: 0...UInt32.max))
            let signature = WeChatSignature.compute(token: serverToken, timestamp: timestamp, nonce: nonce)
            let query = FormURLEncoding.encode([
                ("signature", signature), ("timestamp", timestamp), ("nonce", nonce), ("openid", openID),
            ])
            await poster.post(url: url + "?" + query, contentType: "text/xml", body: xml)
        }
    }

    /// WeChat's JSON answer (HTTP 200 whatever the errcode).
    public static func json(_ body: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; encoding=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
