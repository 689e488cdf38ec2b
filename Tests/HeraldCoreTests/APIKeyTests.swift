import HeraldCore
import HeraldRedis
import Testing

@Suite("API key tokens, drafts and audit cursors")
struct APIKeyTests {
    @Test("a generated secret names its id, hashes to 64 hex characters, and no other shape is read as a stored key")
    func tokens() {
        let token = APIKeyToken.generate()
        #expect(APIKeyToken.isID(token.id))
        #expect(APIKeyToken.id(of: token.secret) == token.id)
        #expect(APIKeyToken.generate().secret != token.secret)
        #expect(APIKeyToken.hash(token.secret).count == 64)
        #expect(APIKeyToken.hash(token.secret) != APIKeyToken.hash(token.secret + "x"))
        for other in ["", "test-key", token.secret + "A", String(token.secret.dropLast()),
                      "hrk_XYZ0123456789abc_" + String(repeating: "A", count: 43),
                      "hrk_0123456789abcdef-" + String(repeating: "A", count: 43)]
        {
            #expect(APIKeyToken.id(of: other) == nil, "\(other)")
        }
    }

    @Test("a draft becomes a key only with a name and known scopes, channels, a positive rate and a future expiry")
    func drafts() throws {
        let token = APIKeyToken.generate()
        let key = try APIKeyDraft(name: "ops", scopes: ["send", "suppressions:read"], ratePerSecond: 5, channels: ["sms"],
                                  expiresAt: "2099-01-01T00:00:00Z")
            .key(token: token, createdBy: "cli", nowMillis: 0)
        #expect(key.name == "ops" && key.scopes == [.send, .suppressionsRead] && key.channels == [.sms])
        #expect(key.secretHash == APIKeyToken.hash(token.secret) && !key.summary.contains(token.secret))
        #expect(key.isExpired(nowMillis: 4_070_908_800_000) && !key.isExpired(nowMillis: 0))
        let refused: [(APIKeyDraft, String)] = [
            (APIKeyDraft(name: "", scopes: ["send"]), "name"),
            (APIKeyDraft(name: "x\u{7}", scopes: ["send"]), "name"),
            (APIKeyDraft(name: "x\u{85}", scopes: ["send"]), "name"),
            (APIKeyDraft(name: String(repeating: "é", count: 101), scopes: ["send"]), "name"),
            (APIKeyDraft(name: "x", scopes: ["send", "root"]), "scopes"),
            (APIKeyDraft(name: "x", scopes: ["send"], channels: []), "channels"),
            (APIKeyDraft(name: "x", scopes: ["send"], ratePerSecond: -1), "rate_per_second"),
            (APIKeyDraft(name: "x", scopes: ["send"], expiresAt: "1970-01-01T00:00:01Z"), "expires_at"),
        ]
        for (draft, field) in refused {
            #expect(throws: APIError.self) { try draft.key(token: token, createdBy: "cli", nowMillis: 5_000) }
            do {
                _ = try draft.key(token: token, createdBy: "cli", nowMillis: 5_000)
            } catch {
                #expect(error.field == field)
            }
        }
    }

    @Test("audit cursors order by time, sequence, then stream, and read back what they write")
    func cursors() throws {
        let a = try #require(AuditCursor(streamID: "100-0", tag: "sms"))
        let b = try #require(AuditCursor(streamID: "100-0", tag: "tpl"))
        let c = try #require(AuditCursor(streamID: "100-1", tag: "keys"))
        let d = try #require(AuditCursor(streamID: "101-0", tag: "email"))
        #expect([d, c, b, a].sorted() == [a, b, c, d])
        #expect(AuditCursor(a.description) == a)
        for bad in ["", "100-0", "100-0.nope", "x-0.sms", "100.sms"] { #expect(AuditCursor(bad) == nil, "\(bad)") }
    }
}
