import HeraldCore
import HeraldProviders

/// The mini-program's message-push server URL (`/v1/receipts/miniprogram`):
/// signed like an official account's. A subscribe send's result is a
/// receipt (`ErrorCode` 0 delivered, else undelivered); a template the person
/// refuses blocks it for them (`not_subscribed`), and one they accept again
/// lifts that block.
public struct MiniProgramWebhook: ProviderWebhook {
    public let provider = MiniProgramRegistration.name
    public let routes = [WebhookRoute(.get, .receipts, provider: MiniProgramRegistration.name),
                         WebhookRoute(.post, .receipts, provider: MiniProgramRegistration.name)]
    let token: String
    let window: ReplayWindow

    public init(token: String, window: ReplayWindow) {
        self.token = token
        self.window = window
    }

    public func handle(_ request: WebhookRequest, on route: WebhookRoute) throws(WebhookRejection) -> WebhookResult {
        if let handshake = try WeChatServerPush.verify(request, on: route, token: token, window: window) { return handshake }
        guard let event = MiniProgramEvent(body: String(decoding: request.body, as: UTF8.self)) else {
            throw .malformed("expected a mini-program event (XML or JSON)")
        }
        var effects: [WebhookEffect]
        switch event.kind {
        case .sent(let results):
            effects = results.map { result in
                let delivered = result.errorCode == "0"
                return .receipt(ProviderReceipt(
                    channel: .miniprogram, providerMessageID: result.msgID, kind: .status(delivered ? .delivered : .undelivered),
                    detail: delivered ? "" : result.errorCode + " " + result.errorStatus,
                    eventID: "miniprogram:" + result.msgID + ":" + result.errorCode))
            }
        case .subscriptions(let changes):
            effects = changes.map { change in
                let key = Suppression.topicRecipient(event.openID, topic: change.templateID)
                return change.accepted
                    ? .liftUnsubscribe(recipient: key, channel: .miniprogram, outcome: "subscribed")
                    : .suppress(recipient: key, channel: .miniprogram,
                                suppression: Suppression(scope: .all, reason: .notSubscribed), outcome: "refused")
            }
        case .other:
            effects = [.ignored(outcome: "ignored")]
        }
        if effects.isEmpty { effects = [.ignored(outcome: "empty")] }
        return WebhookResult(effects: effects, reply: .text("success"))
    }
}
