import HeraldCore
import HeraldProviders

/// The Official Account's server URL. `GET` answers WeChat's `echostr`
/// handshake; `POST` takes pushed events (plaintext mode):
/// TEMPLATESENDJOBFINISH results, deduplicated by MsgID and status, and
/// unfollows, which suppress the openid. Both are authenticated by the sha1
/// signature over the configured token, timestamp and nonce, and a timestamp
/// outside the replay window is refused.
public struct WeChatWebhook: ProviderWebhook {
    public let provider = WeChatRegistration.name
    public let routes = [WebhookRoute(.get, .receipts, provider: WeChatRegistration.name), WebhookRoute(.post, .receipts, provider: WeChatRegistration.name)]
    let token: String
    let window: ReplayWindow

    public init(token: String, window: ReplayWindow) {
        self.token = token
        self.window = window
    }

    public func handle(_ request: WebhookRequest, on route: WebhookRoute) throws(WebhookRejection) -> WebhookResult {
        if let handshake = try WeChatServerPush.verify(request, on: route, token: token, window: window) { return handshake }
        guard let event = WeChatEvent(xml: String(decoding: request.body, as: UTF8.self)) else {
            throw .malformed("expected a WeChat event XML document")
        }
        let effect: WebhookEffect = switch event.kind {
        case .templateSendFinished(let msgID, let status):
            .receipt(ProviderReceipt(
                channel: .wechat, providerMessageID: msgID, kind: .status(WeChatEvent.status(for: status)),
                detail: status == "success" ? "" : status, eventID: "wechat:" + msgID + ":" + status,
                suppression: WeChatEvent.suppression(for: status)))
        case .unfollowed:
            .suppress(recipient: event.openID, channel: .wechat, suppression: Suppression(scope: .all, reason: .unsubscribed),
                      outcome: "unfollowed")
        case .other:
            .ignored(outcome: "ignored")
        }
        return WebhookResult(effects: [effect], reply: .text("success"))
    }
}
