import Foundation
import HeraldCore
import Testing

@Suite("Opt-out notice on marketing SMS")
struct OptOutNoticeTests {
    static let english = OptOutNotice("Reply STOP to opt out")!
    static let chinese = OptOutNotice("拒收请回复R")!

    @Test("a body without an opt-out instruction gets the configured one",
          arguments: [("Spring sale: 20% off today", "Spring sale: 20% off today Reply STOP to opt out"),
                      ("Spring sale ", "Spring sale Reply STOP to opt out")])
    func appended(body: String, expected: String) {
        #expect(Self.english.applied(to: body) == expected)
    }

    @Test("a body that already tells how to opt out is left alone",
          arguments: ["Sale today. Reply STOP to opt out", "Sale today. reply stop to opt out", "Sale! Text QUIT to end",
                      "双十一五折，退订回T", "双十一五折，拒收请回复R", "Sale today. ＲＥＰＬＹ ＳＴＯＰ ＴＯ ＯＰＴ ＯＵＴ"])
    func kept(body: String) {
        #expect(Self.english.applied(to: body) == body)
    }

    @Test("the Chinese notice is added to a Chinese body without one")
    func chineseNotice() {
        #expect(Self.chinese.applied(to: "双十一大促，全场五折") == "双十一大促，全场五折 拒收请回复R")
    }

    @Test("the validator appends it to marketing SMS only")
    func validator() throws {
        let validator = MessageValidator(smsOptOutNotice: Self.english)
        func body(_ json: String) throws -> String {
            let request = try JSONDecoder().decode(MessageRequest.self, from: Data(json.utf8))
            return try validator.validate(request, nowMillis: 1_790_000_000_000).content.body
        }
        #expect(try body(#"{"channel":"sms","to":"+14155550100","category":"marketing","content":{"body":"Sale"}}"#)
            == "Sale Reply STOP to opt out")
        #expect(try body(#"{"channel":"sms","to":"+14155550100","content":{"body":"Your code is 1234"}}"#)
            == "Your code is 1234")
        #expect(try body(#"{"channel":"email","to":"a@example.com","category":"marketing","content":{"subject":"s","body":"Sale"}}"#)
            == "Sale")
        #expect(OptOutNotice("  ") == nil)
    }

    @Test("a configured signature is prefixed once, before the opt-out text is added, and counts toward the parts")
    func signature() throws {
        let validator = MessageValidator(smsOptOutNotice: Self.chinese, smsSignature: "【Herald】")
        func message(_ body: String, category: String = "marketing") throws -> NewMessage {
            let json = #"{"channel":"sms","to":"+8613800138000","category":"\#(category)","content":{"body":"\#(body)"}}"#
            return try validator.validate(
                try JSONDecoder().decode(MessageRequest.self, from: Data(json.utf8)), nowMillis: 1_790_000_000_000)
        }
        #expect(try message("双十一五折").content.body == "【Herald】双十一五折 拒收请回复R")
        #expect(try message("【Herald】验证码 1234", category: "transactional").content.body == "【Herald】验证码 1234")
        let full = try message(String(repeating: "订", count: 62), category: "transactional")
        #expect(full.segments == 1 && full.content.body.count == 70, "62 + the 8-character signature fill one UCS-2 part")
    }
}
