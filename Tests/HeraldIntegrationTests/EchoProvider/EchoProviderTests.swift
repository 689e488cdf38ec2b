import HeraldTesting
import NIOHTTP1
import Testing

/// The proof that a provider is one unit: Echo is declared only in this
/// folder, and is served, simulated and receives receipts through the same
/// registry every built-in provider goes through.
@Suite("A provider registered from a test")
struct EchoProviderTests {
    static var options: HarnessOptions {
        var options = HarnessOptions()
        options.extraProviders = [EchoRegistration.self]
        options.smsProviders = [EchoRegistration.name]
        return options
    }

    @Test("an SMS through a provider the test registered is sent to its simulator and delivered by its signed receipt")
    func sentAndDelivered() async throws {
        try await withHarness(Self.options) { h in
            let id = try await h.sendSMS(to: "+14155550177")
            try await h.waitForStatus(id, "delivered")
            #expect(h.ledger(EchoRegistration.name).accepted(to: "+14155550177") == 1)
            #expect(try await h.message(id).fields["provider"] == EchoRegistration.name)
        }
    }

    @Test("its receipt endpoint is mounted and refuses a wrong token (403) and a missing one (401)")
    func forgedReceiptsRefused() async throws {
        try await withHarness(Self.options) { h in
            let url = h.apiURL + "/v1/receipts/" + EchoRegistration.name
            let body = #"{"ref":"Eforged","status":"delivered"}"#
            let forged = try await h.request(.POST, url, body: body, headers: [("X-Echo-Token", "wrong")])
            let unsigned = try await h.request(.POST, url, body: body)
            #expect(forged.status == 403)
            #expect(unsigned.status == 401)
        }
    }
}
