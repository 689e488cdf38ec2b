/// A provider's request as an adapter sees it: no HTTP framework types, so
/// adapters and their tests need no server. Headers and query parameters are
/// looked up on demand: a Twilio callback, the hot path, reads one header.
public struct WebhookRequest: Sendable {
    /// The URL the provider called, as configured at the provider
    /// (`HERALD_PUBLIC_URL` + path + query): what Twilio signs.
    public var url: String
    /// The body, already capped at the receipt size limit.
    public var body: [UInt8]
    /// When the request arrived, in Unix milliseconds: signed timestamps are checked against it.
    public var nowMillis: Int64
    private let headerLookup: @Sendable (String) -> String?
    private let queryLookup: @Sendable (String) -> String?

    /// A request whose header fields (any case) and query parameters (first value) are read through the closures.
    public init(url: String, body: [UInt8], nowMillis: Int64, header: @escaping @Sendable (String) -> String?,
                query: @escaping @Sendable (String) -> String?)
    {
        self.url = url
        self.body = body
        self.nowMillis = nowMillis
        self.headerLookup = header
        self.queryLookup = query
    }

    /// A request from plain values, as tests and tools make them.
    public init(url: String, query: [(name: String, value: String)], headers: [String: String], body: [UInt8],
                nowMillis: Int64)
    {
        let lowercased = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
        let pairs = query.map { ($0.name, $0.value) }
        self.init(url: url, body: body, nowMillis: nowMillis, header: { lowercased[$0.lowercased()] },
                  query: { name in pairs.first { $0.0 == name }?.1 })
    }

    /// The first value of a query parameter.
    public func queryValue(_ name: String) -> String? { queryLookup(name) }

    /// A header's value; `name` in any case.
    public func header(_ name: String) -> String? { headerLookup(name) }
}
