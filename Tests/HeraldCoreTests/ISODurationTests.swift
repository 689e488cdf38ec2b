import HeraldCore
import Testing

@Suite("ISO 8601 durations")
struct ISODurationTests {
    static let examples: [(String, Int64)] = [
        ("P3D", 259_200_000), ("PT4H", 14_400_000), ("P1DT6H30M", 109_800_000), ("PT90S", 90_000), ("PT1M", 60_000), ("P0D", 0),
    ]

    @Test("days and time parse, and their shortest text reads back", arguments: examples)
    func parses(text: String, millis: Int64) {
        #expect(ISODuration.millis(text) == millis)
        #expect(ISODuration.millis(ISODuration.format(millis: millis)) == millis)
    }

    @Test("refused", arguments: ["", "P", "PT", "3D", "P1Y", "P1M", "P2W", "PT1D", "P1H", "PT1M1H", "P1D2D", "P1DT", "P-1D", "P1.5D",
                                 "P9999999999D", "pt1h"])
    func refused(text: String) {
        #expect(ISODuration.millis(text) == nil)
    }
}
