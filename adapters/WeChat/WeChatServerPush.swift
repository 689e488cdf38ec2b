import HeraldProviders

/// The check every push to a WeChat server URL passes first (an official
/// account's or a mini-program's): `signature` = SHA-1 of the sorted token,
/// timestamp and nonce, a timestamp inside the replay window, and for the
/// GET handshake, `echostr` echoed back.
public enum WeChatServerPush {
    /// Throws when the push is not WeChat's; returns the handshake's reply for
    /// a GET, nil for a POST whose body is then the caller's to read.
    public static func verify(_ request: WebhookRequest, on route: WebhookRoute, token: String, window: ReplayWindow)
        throws(WebhookRejection) -> WebhookResult?
    {
        guard let signature = request.queryValue("signature"), let timestamp = request.queryValue("timestamp"),
              let nonce = request.queryValue("nonce")
        else { throw .missingSignature("signature, timestamp and nonce are required") }
        guard WeChatSignature.isValid(signature: signature, token: token, timestamp: timestamp, nonce: nonce) else {
            throw .invalidSignature("signature does not match")
        }
        guard window.accepts(timestamp: timestamp, nowMillis: request.nowMillis) else {
            throw .stale("timestamp is outside the replay window")
        }
        guard route.method == .get else { return nil }
        guard let echo = request.queryValue("echostr"), !echo.isEmpty, echo.unicodeScalars.count <= 256 else {
            throw .malformed("echostr is required")
        }
        return WebhookResult(effects: [], reply: .text(echo))
    }
}
