import HeraldCore

/// What a provider posts back to Herald (delivery receipts, inbound replies,
/// handshakes), owned by the adapter that understands it. The adapter checks
/// the provider's signature and parses its wire format into effects; the HTTP
/// layer only mounts the routes of the providers that are configured and
/// applies the effects. A provider Herald is not configured for offers no
/// webhook, so its endpoints answer 404 and no secret of it is ever accepted.
///
/// `handle` is synchronous and does no I/O: a request is refused or turned
/// into effects before anything is written, so a rejected receipt changes nothing.
public protocol ProviderWebhook: Sendable {
    /// The provider's name in metrics and keys ("twilio").
    var provider: String { get }
    /// The endpoints this provider posts to.
    var routes: [WebhookRoute] { get }
    /// Verifies and parses one request to `route`, or throws the rejection that refuses it.
    func handle(_ request: WebhookRequest, on route: WebhookRoute) throws(WebhookRejection) -> WebhookResult
}
