import HeraldProviders

extension WebhookRequest {
    /// The fixed "now" of `testing(…)` requests, so signed timestamps in tests are reproducible.
    public static let testNow: Int64 = 1_790_000_000_000

    /// A request as a provider's webhook would see it, for the adapters' own
    /// tests of what their webhook accepts and refuses (no server involved).
    public static func testing(url: String = "https://herald.example/v1/receipts/x", query: [(String, String)] = [],
                               headers: [String: String] = [:], body: String = "") -> WebhookRequest
    {
        WebhookRequest(url: url, query: query.map { (name: $0.0, value: $0.1) },
                       headers: Dictionary(uniqueKeysWithValues: headers.map { ($0.key.lowercased(), $0.value) }),
                       body: Array(body.utf8), nowMillis: testNow)
    }
}
