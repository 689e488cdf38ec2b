import HeraldCore
import Testing

@Suite("SMS segments")
struct SMSSegmentsTests {
    @Test("GSM-7: 160 septets in one part, then 153 a part", arguments: [
        (1, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3), (460, 4),
    ])
    func gsm(length: Int, parts: Int) {
        let segments = SMSSegments(String(repeating: "a", count: length))
        #expect(segments.encoding == .gsm7 && segments.count == parts)
    }

    @Test("extension characters take two septets: 80 × ] is one part, 81 × ] two, and an escape pair is never split")
    func extensionTable() {
        #expect(SMSSegments(String(repeating: "]", count: 80)) == SMSSegments(String(repeating: "a", count: 1)))
        #expect(SMSSegments(String(repeating: "]", count: 81)).count == 2)
        // 152 septets then "€" (2): it cannot straddle the 153-septet boundary, so part one ends
        // before it; 306 septets in all, which split anywhere would be 2 parts, are 3.
        let body = String(repeating: "a", count: 152) + "€" + String(repeating: "a", count: 152)
        #expect(SMSSegments(body).count == 3)
        #expect(SMSSegments(String(repeating: "a", count: 306)).count == 2)
    }

    @Test("UCS-2: 70 units in one part, then 67; Chinese text", arguments: [(70, 1), (71, 2), (134, 2), (135, 3)])
    func ucs2(length: Int, parts: Int) {
        let segments = SMSSegments(String(repeating: "订", count: length))
        #expect(segments.encoding == .ucs2 && segments.count == parts)
    }

    @Test("a grapheme is never split: an emoji on a part boundary moves whole to the next part")
    func graphemes() {
        // 66 units then a surrogate pair (2 units): 68 > 67, so the pair opens part two.
        let body = String(repeating: "订", count: 66) + "😀" + String(repeating: "订", count: 10)
        #expect(SMSSegments(body).count == 2)
        let family = "👨‍👩‍👧‍👦"  // one grapheme, 11 UTF-16 units
        let packed = String(repeating: "订", count: 60) + family + String(repeating: "订", count: 10)
        #expect(SMSSegments(packed).count == 2, "60 + 11 > 67: the family moves whole")
        #expect(SMSSegments("🇨🇳" + String(repeating: "a", count: 100)).encoding == .ucs2)
    }

    @Test("extension characters count once when the message is already UCS-2")
    func extensionInUCS2() {
        let body = "订" + String(repeating: "[", count: 69)
        #expect(SMSSegments(body) == SMSSegments(String(repeating: "订", count: 70)))
    }
}
