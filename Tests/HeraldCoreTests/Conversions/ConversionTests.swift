import Foundation
import HeraldCore
import Testing

@Suite("Conversion validation")
struct ConversionTests {
    static let now: Int64 = 1_800_000_000_000

    static func validate(_ json: String) throws -> Conversion {
        let request = try RequestDecoder.decode(ConversionRequest.self, from: Data(json.utf8))
        return try Conversion.validate(request, nowMillis: now)
    }

    @Test("each way of naming what caused it")
    func targets() throws {
        let base = #""event":"purchase","occurred_at":"2027-01-15T08:00:00Z","idempotency_key":"k1""#
        #expect(try Self.validate("{\(base),\"link_code\":\"Ab3dE9xQ\"}").target == .link("Ab3dE9xQ"))
        #expect(try Self.validate("{\(base),\"user_id\":\"u-1\",\"campaign\":\"spring\"}").target
            == .person(identity: "u:u-1", campaign: "spring"))
        #expect(try Self.validate("{\(base),\"to\":\"Ann@Example.com\"}").target == .person(identity: "t:ann@example.com", campaign: nil))
        let valued = try Self.validate("{\(base),\"user_id\":\"u\",\"value\":19.99,\"currency\":\"CNY\"}")
        #expect(valued.valueMicros == 19_990_000)
        #expect(valued.currency == "CNY")
    }

    @Test("bad conversions are refused naming the field", arguments: [
        (#"{"occurred_at":"2027-01-15T08:00:00Z","idempotency_key":"k","user_id":"u"}"#, "event"),
        (#"{"event":"buy now","occurred_at":"2027-01-15T08:00:00Z","idempotency_key":"k","user_id":"u"}"#, "event"),
        (#"{"event":"buy","idempotency_key":"k","user_id":"u"}"#, "occurred_at"),
        (#"{"event":"buy","occurred_at":"2030-01-01T00:00:00Z","idempotency_key":"k","user_id":"u"}"#, "occurred_at"),
        (#"{"event":"buy","occurred_at":"yesterday","idempotency_key":"k","user_id":"u"}"#, "occurred_at"),
        (#"{"event":"buy","occurred_at":"2027-01-15T08:00:00Z","user_id":"u"}"#, "idempotency_key"),
        (#"{"event":"buy","occurred_at":"2027-01-15T08:00:00Z","idempotency_key":"k"}"#, "message_id"),
        (#"{"event":"buy","occurred_at":"2027-01-15T08:00:00Z","idempotency_key":"k","campaign":"c"}"#, "user_id"),
        (#"{"event":"buy","occurred_at":"2027-01-15T08:00:00Z","idempotency_key":"k","user_id":"u","to":"+15551234567"}"#, "to"),
        (#"{"event":"buy","occurred_at":"2027-01-15T08:00:00Z","idempotency_key":"k","link_code":"Ab3dE9xQ","user_id":"u"}"#, "user_id"),
        (#"{"event":"buy","occurred_at":"2027-01-15T08:00:00Z","idempotency_key":"k","message_id":"nope"}"#, "message_id"),
        (#"{"event":"buy","occurred_at":"2027-01-15T08:00:00Z","idempotency_key":"k","user_id":"u","currency":"CNY"}"#, "currency"),
        (#"{"event":"buy","occurred_at":"2027-01-15T08:00:00Z","idempotency_key":"k","user_id":"u","value":1,"currency":"cny"}"#, "currency"),
        (#"{"event":"buy","occurred_at":"2027-01-15T08:00:00Z","idempotency_key":"k","user_id":"u","value":2e9}"#, "value"),
    ])
    func refused(json: String, field: String) {
        do {
            _ = try Self.validate(json)
            Issue.record("accepted \(json)")
        } catch let error as APIError {
            #expect(error.field == field, "\(error.message)")
        } catch {
            Issue.record("\(error)")
        }
    }
}
