/// One endpoint a provider calls, e.g. `POST /v1/receipts/twilio`.
public struct WebhookRoute: Sendable, Hashable, CustomStringConvertible {
    /// The two methods providers use for webhooks.
    public enum Method: String, Sendable, Hashable {
        case get = "GET"
        case post = "POST"
    }

    /// What the route is for; it decides the path and the metric an effect is counted under.
    public enum Purpose: String, Sendable, Hashable {
        /// Delivery receipts and events: `/v1/receipts/{provider}`.
        case receipts
        /// Messages people send to us: `/v1/inbound/{provider}`.
        case inbound
    }

    /// The HTTP method the provider uses.
    public var method: Method
    /// Receipts or inbound messages.
    public var purpose: Purpose
    /// The provider's name, the last path component.
    public var provider: String

    public init(_ method: Method, _ purpose: Purpose, provider: String) {
        self.method = method
        self.purpose = purpose
        self.provider = provider
    }

    /// The path below the server root, without a leading slash.
    public var path: String { "v1/" + purpose.rawValue + "/" + provider }

    public var description: String { method.rawValue + " /" + path }
}
