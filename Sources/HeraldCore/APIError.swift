/// An error a caller can act on: an HTTP status, a stable machine-readable
/// `code`, a human message and, when one field is to blame, its name.
///
/// Every validation failure is expressed with this type so every endpoint
/// answers `{"error":{"code","message","field"}}` the same way.
public struct APIError: Error, Sendable, Equatable {
    public var status: Int
    public var code: String
    public var message: String
    public var field: String?
    /// Sent as `Retry-After` (a 429 or 503 that knows when to come back).
    public var retryAfterSeconds: Int?
    /// For a 409 about something's state (a campaign's), the state it is in.
    public var state: String?

    public init(status: Int, code: String, message: String, field: String? = nil, retryAfterSeconds: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.retryAfterSeconds = retryAfterSeconds
    }

    public static func invalid(_ field: String, _ message: String, code: String = "invalid_field") -> APIError {
        APIError(status: 422, code: code, message: message, field: field)
    }

    public static func missing(_ field: String) -> APIError {
        APIError(status: 422, code: "missing_field", message: "'\(field)' is required", field: field)
    }

    public static func malformedJSON(_ detail: String) -> APIError {
        APIError(status: 400, code: "invalid_json", message: "request body is not valid JSON: \(detail)")
    }

    public static func tooLarge(limit: Int) -> APIError {
        APIError(status: 413, code: "body_too_large", message: "request body exceeds \(limit) bytes")
    }

    public static let unauthorized = APIError(
        status: 401, code: "unauthorized", message: "missing or invalid bearer API key")

    public static func notFound(_ what: String) -> APIError {
        APIError(status: 404, code: "not_found", message: "\(what) not found")
    }
}
