import Foundation
import HeraldCore
import Testing

@Suite("Validation")
struct ValidationTests {
    @Test("E.164", arguments: [
        ("+14155550100", true), ("+8613800138000", true), ("+442079460000", true),
        ("14155550100", false), ("+0123456789", false), ("+1415555010012345", false), ("+1 415 555", false),
        ("+", false), ("+1234567", true), ("+123456", false),
    ])
    func e164(value: String, valid: Bool) {
        #expect(PhoneNumber.isValidE164(value) == valid)
    }

    @Test("email addresses", arguments: [
        ("alice@example.com", true), ("a.b+tag@sub.example.co", true), ("用户@例子.中国", true),
        ("no-at.example.com", false), ("a@b", false), ("a@@b.com", false), (".a@b.com", false),
        ("a b@c.com", false), ("a@-b.com", false), ("a@b..com", false),
    ])
    func email(value: String, valid: Bool) {
        #expect(EmailAddress.isValid(value) == valid)
    }

    func validate(_ json: String) throws(APIError) -> NewMessage {
        let request = try RequestDecoder.decode(MessageRequest.self, from: Data(json.utf8))
        return try MessageValidator().validate(request, nowMillis: 1_700_000_000_000)
    }

    @Test("a full message validates, with defaults applied")
    func fullMessage() throws {
        let message = try validate(#"""
            {"channel":"sms","to":"+8613800138000","content":{"body":"你好"},"category":"marketing",
             "priority":"high","campaign":"c-42","user_id":"u-9","timezone":"Asia/Shanghai",
             "send_at":"2030-01-01T00:00:00Z","expires_at":"2030-01-02T00:00:00.500Z","idempotency_key":"k-1",
             "data":{"name":"李雷","n":3}}
            """#)
        #expect(message.channel == .sms)
        #expect(message.priority == .high)
        #expect(message.category == .marketing)
        #expect(message.sendAtMillis == 1_893_456_000_000)
        #expect(message.expiresAtMillis == 1_893_542_400_500)
        #expect(message.dataJSON?.contains("李雷") == true)
        let plain = try validate(#"{"channel":"webhook","to":"https://example.com/h","content":{"body":"x"}}"#)
        #expect(plain.priority == .normal)
        #expect(plain.category == .transactional)
    }

    @Test("errors name the field", arguments: [
        (#"{"to":"+14155550100","content":{"body":"x"}}"#, "channel", "missing_field"),
        (#"{"channel":"sms","to":"+14155550100","content":{"body":""}}"#, "content.body", "missing_field"),
        (#"{"channel":"sms","to":"+14155550100","content":{"body":5}}"#, "content.body", "invalid_type"),
        (#"{"channel":"email","to":"a@b.com","content":{"body":"x"}}"#, "content.subject", "missing_field"),
        (#"{"channel":"sms","to":"+14155550100","content":{"body":"x"},"timezone":"Mars/Olympus"}"#, "timezone", "invalid_field"),
        (#"{"channel":"sms","to":"+14155550100","content":{"body":"x"},"expires_at":"2001-01-01T00:00:00Z"}"#, "expires_at", "invalid_field"),
        (#"{"channel":"webhook","to":"ftp://x.com/a","content":{"body":"x"}}"#, "to", "invalid_recipient"),
        (#"{"channel":"sms","to":"+14155550100","content":{"body":"x"},"idempotency_key":"has space"}"#, "idempotency_key", "invalid_field"),
    ])
    func errors(json: String, field: String, code: String) {
        #expect {
            _ = try validate(json)
        } throws: { error in
            guard let error = error as? APIError else { return false }
            return error.field == field && error.code == code && error.status == 422
        }
    }

    @Test("an SMS body longer than 1600 characters is refused")
    func longSMS() {
        let body = String(repeating: "x", count: 1_601)
        #expect(throws: APIError.self) {
            try validate(#"{"channel":"sms","to":"+14155550100","content":{"body":"\#(body)"}}"#)
        }
    }
}
