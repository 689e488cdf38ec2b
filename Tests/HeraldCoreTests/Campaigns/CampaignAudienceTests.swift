import Foundation
import HeraldCore
import Testing

@Suite("Campaign audiences")
struct CampaignAudienceTests {
    static func audience(_ channel: Channel = .sms) -> CampaignAudience {
        CampaignAudience(campaignID: "c1", channel: channel, defaultZone: "Europe/Paris", validator: MessageValidator(),
                         fingerprints: RecipientFingerprint(key: [UInt8](repeating: 7, count: 32).withUnsafeBytes { Data($0) }))
    }

    @Test("a person is their user id, else their recipient: the same person gets the same number, another another")
    func identity() {
        var audience = Self.audience(.email)
        for (to, user) in [("a@example.com", "u1"), ("b@example.com", "u1"), ("Ann@Example.com", nil),
                           ("ann@example.com", nil), ("bob@example.com", nil)] as [(String, String?)]
        {
            audience.add(row: 0, to: to, userID: user, timezone: nil, locale: nil, toEncryption: nil, toKeyID: nil,
                         dataJSON: nil)
        }
        let people = audience.additions.map(\.person)
        #expect(people[0] == people[1], "the same user id")
        #expect(people[2] == people[3], "an address in another case")
        #expect(Set(people).count == 3)
        #expect(people.allSatisfy { $0 < 1 << 63 })
    }

    @Test("CSV rows: extra columns become data, a data column is JSON, bad rows are named by their line and field")
    func csv() throws {
        var audience = Self.audience()
        let csv = """
            to,user_id,timezone,name,data
            +14155550100,u1,America/New_York,Ann,"{""tier"":""gold""}"
            not-a-number,u2,,Bob,
            +14155550101,u3,Mars/Base,Cy,
            +14155550102,u4,,"Dee, Jr.",[1]
            +14155550103,,,Eve
            +14155550104,u6,,Fay,
            """
        Array(csv.utf8).withUnsafeBytes { try? audience.addCSV($0) }
        #expect(audience.additions.count == 2)
        #expect(audience.errors.map(\.row) == [3, 4, 5, 6])
        #expect(audience.errors.map(\.field) == ["to", "timezone", "data", ""])
        #expect(audience.rejected == 4)
        let first = try #require(CampaignRecipient.unpack(audience.additions[0].packed))
        #expect(first.recipient.to == "+14155550100" && first.recipient.userID == "u1")
        #expect(first.recipient.dataJSON?.contains(#""tier":"gold""#) == true)
        #expect(first.recipient.dataJSON?.contains(#""name":"Ann""#) == true)
        #expect(audience.additions[0].zone == "America/New_York")
        #expect(audience.additions[1].zone == "Europe/Paris", "no zone of their own: the campaign's")
    }

    @Test("a CSV without a 'to' column is refused whole")
    func noToColumn() {
        var audience = Self.audience()
        #expect(throws: APIError.self) { try Array("phone\n+14155550100\n".utf8).withUnsafeBytes { try audience.addCSV($0) } }
    }

    @Test("JSON rows of the wrong type are named; more than 10,000 is 413")
    func json() throws {
        var audience = Self.audience()
        let body = #"{"recipients":[{"to":"+14155550100","data":{"n":1}},{"to":5},"x",{"to":"+14155550101","data":[]}]}"#
        try Array(body.utf8).withUnsafeBytes { try audience.addJSON($0) }
        #expect(audience.additions.count == 1)
        #expect(audience.errors.map(\.row) == [1, 2, 3])
        #expect(audience.errors.map(\.code) == ["invalid_type", "invalid_type", "invalid_type"])
        var big = Self.audience()
        let many = #"{"recipients":["# + Array(repeating: #"{"to":"+14155550100"}"#, count: 10_001).joined(separator: ",") + "]}"
        do {
            try Array(many.utf8).withUnsafeBytes { try big.addJSON($0) }
            Issue.record("10,001 recipients accepted")
        } catch {
            #expect((error as? APIError)?.status == 413)
        }
    }
}
