/// A provider's request as an adapter sees it: no HTTP framework types, so
/// adapters and their tests need no server.
public struct WebhookRequest: Sendable {
    /// The URL the provider called, as configured at the provider
    /// (`HERALD_PUBLIC_URL` + path + query): what Twilio signs.
    public var url: String
    /// Query parameters in order; a name may repeat.
    public var query: [(name: String, value: String)]
    /// Header fields with lowercased names.
    public var headers: [String: String]
    /// The body, already capped at the receipt size limit.
    public var body: [UInt8]
    /// When the request arrived, in Unix milliseconds: signed timestamps are checked against it.
    public var nowMillis: Int64

    public init(url: String, query: [(name: String, value: String)], headers: [String: String], body: [UInt8],
                nowMillis: Int64)
    {
        self.url = url
        self.query = query
        self.headers = headers
        self.body = body
        self.nowMillis = nowMillis
    }

    /// The first value of a query parameter.
    public func queryValue(_ name: String) -> String? {
        query.first(where: { $0.name == name })?.value
    }

    /// A header's value; `name` in any case.
    public func header(_ name: String) -> String? {
        headers[name.lowercased()]
    }
}
