import Crypto
import Foundation
import HeraldAdapters

/// Receipts and events posted to Herald exactly as three providers sign
/// them, with the sandbox secrets (or a forger's, to see them refused): what
/// the providers' own tests and the trust and retention tests share.
extension Harness {
    public func postAliyunReport(_ body: String, token: String? = Harness.secret(AliyunRegistration.self, "receipt_token")) async throws
        -> Harness.Reply
    {
        let query = token.map { "?token=" + $0 } ?? ""
        return try await request(
            .POST, apiURL + "/v1/receipts/aliyun" + query, body: body, headers: [("Content-Type", "application/json")])
    }

    /// Posts events signed with `key` (the harness's own key unless a forger's is given).
    public func postSendGridEvents(
        _ events: [SendGridEvent], key: P256.Signing.PrivateKey? = nil, timestamp: Int64? = nil,
        rawBody: String? = nil
    ) async throws -> Harness.Reply {
        let encoded = String(decoding: try JSONEncoder().encode(events), as: UTF8.self)
        let body = rawBody ?? encoded
        let stamp = String(timestamp ?? Int64(Date().timeIntervalSince1970))
        let signer = try key ?? SendGridRegistration.signingKey(Harness.secrets[provider: SendGridRegistration.name])
        let signature = SendGridEventSignature.sign(timestamp: stamp, body: Array(body.utf8), privateKey: signer)
        return try await request(.POST, apiURL + "/v1/receipts/sendgrid", body: body, headers: [
            ("Content-Type", "application/json"), (SendGridEventSignature.signatureHeader, signature),
            (SendGridEventSignature.timestampHeader, stamp),
        ])
    }

    public func pushWeChat(xml: String, token: String = Harness.secret(WeChatRegistration.self, "server_token"), timestamp: Int64? = nil,
                     signature: String? = nil) async throws -> Harness.Reply
    {
        let stamp = String(timestamp ?? Int64(Date().timeIntervalSince1970))
        let nonce = "1234567"
        let computed = WeChatSignature.compute(token: token, timestamp: stamp, nonce: nonce)
        let query = "signature=\(signature ?? computed)&timestamp=\(stamp)&nonce=\(nonce)"
        return try await request(.POST, apiURL + "/v1/receipts/wechat?" + query, body: xml,
                                   headers: [("Content-Type", "text/xml")])
    }
}
