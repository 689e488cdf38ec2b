import Foundation
import HeraldCore
import Testing

@Suite("Core")
struct CoreTests {
    @Test("message ids carry their channel, are unique and sort by time")
    func messageIDs() {
        let first = MessageID.make(channel: .sms, nowMillis: 1_700_000_000_000)
        let second = MessageID.make(channel: .sms, nowMillis: 1_700_000_000_001)
        #expect(MessageID.channel(of: first) == .sms)
        #expect(first.count == "sms_".count + 26)
        #expect(first < second)
        let many = Set((0..<10_000).map { _ in MessageID.make(channel: .email, nowMillis: 1) })
        #expect(many.count == 10_000)
        #expect(MessageID.channel(of: "sms_short") == nil)
        #expect(MessageID.channel(of: "fax_" + String(repeating: "0", count: 26)) == nil)
        #expect(MessageID.channel(of: "sms_" + String(repeating: "0", count: 25) + "\"") == nil)
    }

    @Test("a partitioned id names its channel and partition; partition 0 keeps the plain form")
    func partitionedMessageIDs() {
        let seventh = MessageID.make(channel: .sms, partition: 7, nowMillis: 1)
        #expect(seventh.hasPrefix("sms07_"))
        #expect(MessageID.parse(seventh)?.channel == .sms)
        #expect(MessageID.parse(seventh)?.partition == 7)
        #expect(MessageID.parse(MessageID.make(channel: .wechat, partition: 42, nowMillis: 1))?.partition == 42)
        let plain = MessageID.make(channel: .email, partition: 0, nowMillis: 1)
        #expect(plain.hasPrefix("email_"))
        #expect(MessageID.parse(plain)?.partition == 0)
        let suffix = "_" + String(repeating: "0", count: 26)
        #expect(MessageID.parse("sms00" + suffix) == nil)
        #expect(MessageID.parse("sms7" + suffix) == nil)
        #expect(MessageID.parse("sms1x" + suffix) == nil)
        #expect(MessageID.parse("07" + suffix) == nil)
    }

    @Test("a message payload round-trips any text, separators and emoji included, and refuses what is not one")
    func messagePayload() {
        let fields = [("to", "+14155550100"), ("body", "a:3:b 🎉\u{0}\n:"), ("subject", ""), ("data", #"{"k":"v:1"}"#)]
        let packed = MessagePayload.encode(fields)
        let decoded = MessagePayload.decode(packed)
        #expect(decoded?.map(\.0) == fields.map(\.0))
        #expect(decoded?.map(\.1) == fields.map(\.1))
        #expect(MessagePayload.decode("")?.isEmpty == true)
        #expect(MessagePayload.decode("to:99:short") == nil)
        #expect(MessagePayload.decode("to:x:1") == nil)
        #expect(MessagePayload.decode("to") == nil)
        #expect(MessagePayload.decode("to::") == nil)
    }

    @Test("an idempotency key always picks the same partition; others spread over all")
    func partitionChoice() {
        let partitions = ChannelPartitions(count: 16)
        #expect(partitions.pick(idempotencyKey: "order-42") == partitions.pick(idempotencyKey: "order-42"))
        let keyed = Set((0..<2_000).map { partitions.pick(idempotencyKey: "key-\($0)") })
        #expect(keyed == Set(0..<16))
        let random = Set((0..<2_000).map { _ in partitions.pick(idempotencyKey: nil) })
        #expect(random == Set(0..<16))
        #expect(ChannelPartitions.single.pick(idempotencyKey: "anything") == 0)
    }

    @Test("backoff stays within the full-jitter window and under the cap")
    func backoff() {
        let policy = BackoffPolicy(baseMillis: 1_000, capMillis: 600_000, maxAttempts: 8)
        #expect(policy.ceilingMillis(afterAttempt: 1) == 1_000)
        #expect(policy.ceilingMillis(afterAttempt: 4) == 8_000)
        #expect(policy.ceilingMillis(afterAttempt: 30) == 600_000)
        #expect(policy.ceilingMillis(afterAttempt: 200) == 600_000)
        for attempt in 1...12 {
            for _ in 0..<50 {
                let delay = policy.delayMillis(afterAttempt: attempt)
                #expect((0...policy.ceilingMillis(afterAttempt: attempt)).contains(delay))
            }
        }
        #expect(policy.delayMillis(afterAttempt: 1, retryAfterMillis: 30_000) == 30_000)
    }

    @Test("form encoding round-trips and rejects bad escapes")
    func formEncoding() throws {
        let pairs = [("Body", "Hello wörld & more=+"), ("To", "+14155550100"), ("Empty", "")]
        let encoded = FormURLEncoding.encode(pairs)
        #expect(encoded.contains("%2B14155550100"))
        #expect(FormURLEncoding.encode([("a b", "ö~-._"), ("x", "1&2=3")]) == "a%20b=%C3%B6~-._&x=1%262%3D3")
        #expect(FormURLEncoding.encode([]) == "")
        #expect(FormURLEncoding.escape("+1 (415)") == "%2B1%20%28415%29")
        let decoded = try #require(FormURLEncoding.decode(encoded))
        #expect(decoded.map(\.0) == pairs.map(\.0))
        #expect(decoded.map(\.1) == pairs.map(\.1))
        #expect(FormURLEncoding.decode("a=b+c")?.first?.1 == "b c")
        #expect(FormURLEncoding.decode("a=%zz") == nil)
        #expect(FormURLEncoding.decode("a=%4") == nil, "a truncated escape")
        #expect(FormURLEncoding.decode("a=%FF") == nil, "not UTF-8")
        let loose = try #require(FormURLEncoding.decode("&&flag&a=1=2&"))
        #expect(loose.map(\.0) == ["flag", "a"])
        #expect(loose.map(\.1) == ["", "1=2"])
        #expect(FormURLEncoding.decode("")?.isEmpty == true)
    }

    @Test("hand-written JSON strings escape quotes, backslashes and control characters and parse back unchanged")
    func jsonQuoting() throws {
        let samples = ["plain", "", "quote \" and \\ backslash", "line\nbreak\r\ttab", "bell\u{07} nul\u{00} esc\u{1B}",
                       "\u{08}\u{0C}", "wörld 你好 😀", "</script>"]
        for sample in samples {
            let quoted = JSONText.quoted(sample)
            let parsed = try JSONSerialization.jsonObject(with: Data(quoted.utf8), options: .fragmentsAllowed) as? String
            #expect(parsed == sample, "\(quoted)")
        }
        let control = #""a\u0001""#
        let quotes = #""say \"hi\"""#
        #expect(JSONText.quoted("a\u{01}") == control)
        #expect(JSONText.quoted("say \"hi\"") == quotes)
    }

    @Test("free text is scrubbed of phone numbers and e-mail addresses, and nothing else")
    func scrubbing() {
        #expect(PIIMask.scrub("sent to +8613800138000, cc alice.b@example.com.") == "sent to +86*********00, cc a***@example.com.")
        #expect(PIIMask.scrub("to=+14155550100&from=bob@mail.example.org") == "to=+14*******00&from=b***@mail.example.org")
        #expect(PIIMask.scrub("alice+news@example.com x+8613800138000") == "a***@example.com x+86*********00")
        let untouched = ["at 1732345678901 ms", "version 1.2.3 +5 retries", "user@localhost", "a@.com", "cost +12 ms", "日本語 ok"]
        for text in untouched { #expect(PIIMask.scrub(text) == text) }
    }

    @Test("PII is masked")
    func masking() {
        #expect(PIIMask.phone("+8613800138000") == "+86*********00")
        #expect(PIIMask.email("alice@example.com") == "a***@example.com")
        #expect(!PIIMask.token("abcdef123456").contains("123456"))
        #expect(PIIMask.url("https://hooks.example.com/secret/token?k=v") == "https://hooks.example.com/…")
    }
}
