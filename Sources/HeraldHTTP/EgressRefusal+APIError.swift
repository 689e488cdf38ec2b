import HeraldCore
import HeraldProviders

extension EgressRefusal {
    /// The 422 a refused target answers, naming `field` (a webhook's `to`,
    /// a subscription's `url`). It names no resolved address: a caller learns
    /// that the target is refused, not what lies behind the name.
    /// - Parameters:
    ///   - barred: how the refused addresses relate to what is being checked ("webhooks may not reach").
    ///   - allowedNetworksKey: the setting that lets an operator allow a non-public network.
    func apiError(field: String, barred: String, allowedNetworksKey: String) -> APIError {
        switch self {
        case .unresolvable(let reason):
            .invalid(field, "the host in '\(field)' \(reason)", code: "unresolvable_host")
        case .notAllowed:
            .invalid(field, "the host in '\(field)' resolves to an address \(barred): loopback, private, link-local "
                + "and other non-public networks are refused unless \(allowedNetworksKey) lists them",
                code: "address_not_allowed")
        }
    }
}
