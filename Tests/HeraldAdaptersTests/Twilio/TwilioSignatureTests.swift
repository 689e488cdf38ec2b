import HeraldProviders
import NIOCore
import Testing
@testable import HeraldAdapters

@Suite("Twilio")
struct TwilioSignatureTests {
    /// The example from Twilio's security documentation.
    @Test("the signature matches Twilio's documented example")
    func documentedExample() {
        let parameters = [
            ("CallSid", "CA1234567890ABCDE"), ("Caller", "+14158675310"), ("Digits", "1234"),
            ("From", "+14158675310"), ("To", "+18005551212"),
        ]
        let url = "https://mycompany.com/myapp.php?foo=1&bar=2"
        #expect(TwilioSignature.compute(url: url, parameters: parameters, authToken: "12345") == "GvWf1cFY/Q7PnoempGyD5oXAezc=")
        #expect(TwilioSignature.isValid(signature: "GvWf1cFY/Q7PnoempGyD5oXAezc=", url: url, parameters: parameters, authToken: "12345"))
        #expect(!TwilioSignature.isValid(signature: "GvWf1cFY/Q7PnoempGyD5oXAezd=", url: url, parameters: parameters, authToken: "12345"))
        #expect(TwilioSignature.compute(url: url, parameters: parameters.reversed(), authToken: "12345") == "GvWf1cFY/Q7PnoempGyD5oXAezc=",
                "parameters are signed sorted by name, whatever order they came in")
    }

    @Test("status callbacks map to Herald statuses")
    func callbackMapping() {
        let delivered = TwilioStatusCallback(parameters: [("MessageSid", "SMabc123"), ("MessageStatus", "delivered")])
        #expect(delivered?.status == .delivered)
        let failed = TwilioStatusCallback(parameters: [("MessageSid", "SMabc123"), ("MessageStatus", "undelivered"), ("ErrorCode", "30003")])
        #expect(failed?.status == .undelivered)
        #expect(failed?.errorCode == "30003")
        #expect(TwilioStatusCallback(parameters: [("MessageSid", "SMabc123"), ("MessageStatus", "queued")])?.status == nil)
        #expect(TwilioStatusCallback(parameters: [("MessageStatus", "delivered")]) == nil)
        #expect(TwilioStatusCallback(parameters: [("MessageSid", "SM../x"), ("MessageStatus", "delivered")]) == nil)
    }

    @Test("the sid is read out of Twilio's reply wherever it stands, escapes included; a reply without one is retried")
    func createdReply() {
        func outcome(_ json: String) -> SendOutcome {
            TwilioProvider.outcome(status: 201, headers: [:], body: ByteBuffer(string: json))
        }
        #expect(outcome(#"{"account_sid":"AC1","sid" : "SMabc","status":"queued"}"#) == .accepted(providerMessageID: "SMabc", status: .sent))
        #expect(outcome(#"{"sid":"SM\"x"}"#) == .accepted(providerMessageID: #"SM"x"#, status: .sent))
        let withoutSid = SendOutcome.retryable(code: "bad_response", message: "Twilio accepted without a sid", retryAfterMillis: nil)
        #expect(outcome(#"{"sid":42}"#) == withoutSid)
        #expect(outcome(#"{"status":"queued"}"#) == withoutSid)
    }
}
