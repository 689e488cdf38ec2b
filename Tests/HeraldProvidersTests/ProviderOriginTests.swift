@testable import HeraldProviders
import Testing

@Suite("Provider URLs")
struct ProviderOriginTests {
    @Test("scheme, host, default and explicit ports, and the request target are split out")
    func parses() throws {
        let twilio = try #require(ProviderOrigin.parse("https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json"))
        #expect(twilio.origin == ProviderOrigin(secure: true, host: "api.twilio.com", port: 443))
        #expect(twilio.target == "/2010-04-01/Accounts/AC1/Messages.json")
        #expect(twilio.origin.hostHeader == "api.twilio.com")
        let local = try #require(ProviderOrigin.parse("http://127.0.0.1:8081?token=a%20b"))
        #expect(local.origin == ProviderOrigin(secure: false, host: "127.0.0.1", port: 8081))
        #expect(local.target == "/?token=a%20b")
        #expect(local.origin.hostHeader == "127.0.0.1:8081")
        let bare = try #require(ProviderOrigin.parse("http://example.com"))
        #expect(bare.target == "/")
        #expect(bare.origin.port == 80)
        let ipv6 = try #require(ProviderOrigin.parse("https://[::1]:8443/send"))
        #expect(ipv6.origin == ProviderOrigin(secure: true, host: "::1", port: 8443))
        #expect(ipv6.origin.hostHeader == "[::1]:8443")
    }

    @Test("other schemes, user info, fragments, bad ports and spaces are refused")
    func refuses() {
        for url in ["ftp://example.com/", "example.com/send", "https://user:pw@example.com/", "https://example.com/a#b",
                    "http://example.com:0/", "http://example.com:99999/", "http://example.com:port/", "https:///path",
                    "http://example.com/a b", "http://[::1/"] {
            #expect(ProviderOrigin.parse(url) == nil, "\(url)")
        }
    }
}
