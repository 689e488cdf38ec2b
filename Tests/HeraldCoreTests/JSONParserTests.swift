import Foundation
@testable import HeraldCore
import Testing

@Suite("Request JSON fast path")
struct JSONParserTests {
    /// Bodies the fast path must take, and decode exactly as JSONDecoder does.
    static let plain: [String] = [
        #"{"channel":"sms","to":"+14155550100","content":{"body":"hi"}}"#,
        #" { "channel" : "email" , "to":"a@b.com", "content":{"body":"x","subject":"S","html":"<b>x<\/b>","title":null} } "#,
        #"{"channel":"sms","to":"+14155550100","content":{"body":"caf\u00e9 \ud83d\ude00 \"q\" \\ \/ \b\f\n\r\t"},"unknown":[1,{"a":2}]}"#,
        #"{"channel":"push","to":"tok","content":{"body":"b"},"data":{"n":0,"m":-1.5e3,"k":1E2,"big":12345678901234567890,"t":true,"f":false,"z":null,"nested":{"arr":[1,"two",[3]],"s":"日本"}}}"#,
        #"{"channel":"sms","to":"+14155550100","content":{"body":"hi"},"category":"marketing","priority":"high","campaign":"c","user_id":"u1","timezone":"Europe/Paris","locale":"fr","send_at":"2030-01-01T00:00:00Z","expires_at":null,"idempotency_key":"k-1","to_encryption":"aes","template":"t"}"#,
        #"{"channel":null,"to":null,"data":null}"#,
        #"{}"#,
        "{\"channel\":\"sms\",\"to\":\"+14155550100\",\"content\":{\"body\":\"raw é 😀\"}}",
    ]

    /// Bodies the fast path must leave to JSONDecoder (wrong types, odd or broken JSON).
    static let unusual: [String] = [
        #"{"channel":"sms","to":5,"content":{"body":"hi"}}"#,
        #"{"channel":"sms","to":"+1","content":{"subject":"no body"}}"#,
        #"{"channel":"sms","content":"text"}"#,
        #"{"channel":"sms","content":{"body":1}}"#,
        #"{"channel":"sms","data":[1,2]}"#,
        #"{"channel":"sms","channel":"email"}"#,
        #"{"channel":"sms","to":"\ud83d"}"#,
        #"{"channel":"sms","to":"\udc00x"}"#,
        #"{"channel":"sms",}"#,
        #"[{"channel":"sms"}]"#,
        #"{"channel":"sms","data":{"n":01}}"#,
        #"{"channel":"sms","data":{"n":1e999}}"#,
        #"{"channel":"sms","data":{"n":-}}"#,
        #"{"channel":"sms","data":{"n":.5}}"#,
        #"{"channel":"sms","to":"a\x"}"#,
        "{\"channel\":\"sms\",\"to\":\"line\nbreak\"}",
        #"{"channel":"sms"} trailing"#,
        #"{"channel":"sms""#,
        "",
        "\u{FEFF}{\"channel\":\"sms\"}",
        #"{"channel":tru}"#,
    ]

    static func viaParser(_ body: [UInt8]) -> MessageRequest? {
        body.withUnsafeBytes { bytes in
            guard case .object(let object)? = JSONParser.parse(bytes) else { return nil }
            return MessageRequest(parsed: object)
        }
    }

    static func viaDecoder(_ body: [UInt8]) -> Result<MessageRequest, APIError> {
        do throws(APIError) { return .success(try RequestDecoder.decode(MessageRequest.self, from: Data(body))) } catch { return .failure(error) }
    }

    static func viaEntryPoint(_ body: [UInt8]) -> Result<MessageRequest, APIError> {
        body.withUnsafeBytes { bytes in
            do throws(APIError) { return .success(try RequestDecoder.messageRequest(from: bytes)) } catch { return .failure(error) }
        }
    }

    @Test("plain, well-typed bodies take the fast path and decode exactly as JSONDecoder decodes them")
    func plainBodies() throws {
        for body in Self.plain {
            let bytes = Array(body.utf8)
            let fast = try #require(Self.viaParser(bytes), "\(body)")
            #expect(Self.viaDecoder(bytes) == .success(fast), "\(body)")
        }
    }

    @Test("wrong types and odd or broken JSON are left to JSONDecoder, so the reply is the same as before")
    func unusualBodies() {
        var bodies = Self.unusual.map { Array($0.utf8) }
        bodies.append(Array(#"{"channel":"sms","to":""#.utf8) + [0xFF, 0xFE] + Array(#""}"#.utf8))
        for bytes in bodies {
            #expect(Self.viaParser(bytes) == nil, "\(String(decoding: bytes, as: UTF8.self))")
            #expect(Self.viaEntryPoint(bytes) == Self.viaDecoder(bytes), "\(String(decoding: bytes, as: UTF8.self))")
        }
    }

    @Test("a batch takes the fast path only when every item is well typed")
    func batches() throws {
        let good = #"{"messages":["# + Self.plain.joined(separator: ",") + "]}"
        let parsed = try Array(good.utf8).withUnsafeBytes { bytes in try #require(JSONParser.parse(bytes)) }
        guard case .object(let object) = parsed else { Issue.record("not an object"); return }
        let batch = try #require(BatchRequest(parsed: object))
        let decoded = try JSONDecoder().decode(BatchRequest.self, from: Data(good.utf8))
        #expect(batch.messages == decoded.messages)
        let mixed = #"{"messages":[{"channel":"sms"},{"channel":5}]}"#
        guard case .object(let mixedObject)? = Array(mixed.utf8).withUnsafeBytes({ JSONParser.parse($0) }) else {
            Issue.record("mixed batch did not parse")
            return
        }
        #expect(BatchRequest(parsed: mixedObject) == nil, "one badly typed item sends the batch to JSONDecoder")
    }

    @Test("a null to_key_id, to_encryption or template is refused naming the field, on the fast path, through JSONDecoder and in a batch",
          arguments: ["to_key_id", "to_encryption", "template"])
    func nullKeyID(field: String) throws {
        let body = #"{"channel":"sms","to":"+14155550100","content":{"body":"x"},"\#(field)":null}"#
        #expect(Self.viaParser(Array(body.utf8)) == nil, "null leaves the fast path")
        for request in [Self.viaEntryPoint(Array(body.utf8)), Self.viaDecoder(Array(body.utf8))] {
            let decoded = try request.get()
            let error = try #require(decoded.typeError)
            #expect(error.field == field && error.status == 422)
        }
        let batch = try Array(#"{"messages":[\#(body)]}"#.utf8).withUnsafeBytes { bytes in
            try RequestDecoder.batchRequest(from: bytes)
        }
        let item = try #require(batch.messages?.first)
        #expect {
            _ = try MessageValidator().validate(item, nowMillis: 1_700_000_000_000)
        } throws: { error in (error as? APIError)?.field == field }
    }
}
