import HeraldCore
import HeraldProviders

/// Echo's receipts: `POST /v1/receipts/echo` with `X-Echo-Token` and
/// `{"ref","status"}`; a wrong or missing token is refused.
struct EchoWebhook: ProviderWebhook {
    let provider = EchoRegistration.name
    let token: String
    var routes: [WebhookRoute] { [WebhookRoute(.post, .receipts, provider: provider)] }

    func handle(_ request: WebhookRequest, on route: WebhookRoute) throws(WebhookRejection) -> WebhookResult {
        guard let given = request.header("x-echo-token") else { throw .missingSignature("X-Echo-Token is missing") }
        guard ConstantTime.equal(given, token) else { throw .invalidSignature("X-Echo-Token does not match") }
        let text = String(decoding: request.body, as: UTF8.self)
        guard let ref = EchoJSON.string("ref", in: text),
              let status = EchoJSON.string("status", in: text).flatMap(MessageStatus.init(rawValue:))
        else { throw .malformed("expected {\"ref\",\"status\"}") }
        return WebhookResult(effects: [.receipt(ProviderReceipt(
            channel: .sms, providerMessageID: ref, kind: .status(status), eventID: ref + ":" + status.rawValue))])
    }
}
