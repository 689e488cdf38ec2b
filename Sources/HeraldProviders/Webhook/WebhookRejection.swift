/// Why a provider request is refused. Each maps to one 4xx, and a refused
/// request changes nothing.
public enum WebhookRejection: Error, Sendable, Equatable {
    /// 401: the signature (or token) the provider always sends is absent.
    case missingSignature(String)
    /// 403: the signature or token does not match this deployment's secret.
    case invalidSignature(String)
    /// 403: correctly signed, but older than the replay tolerance.
    case stale(String)
    /// 400: signed, but not the provider's format.
    case malformed(String)

    /// The HTTP status of the refusal.
    public var status: Int {
        switch self {
        case .missingSignature: 401
        case .invalidSignature, .stale: 403
        case .malformed: 400
        }
    }

    /// The machine-readable error code of the reply.
    public var code: String {
        switch self {
        case .missingSignature: "missing_signature"
        case .invalidSignature: "invalid_signature"
        case .stale: "stale_receipt"
        case .malformed: "malformed_receipt"
        }
    }

    /// What the reply tells the caller.
    public var message: String {
        switch self {
        case .missingSignature(let text), .invalidSignature(let text), .stale(let text), .malformed(let text): text
        }
    }
}
