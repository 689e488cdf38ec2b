import AsyncHTTPClient
import Foundation
import HeraldCore
import HeraldRedis
import HeraldTesting
import NIOHTTP1
import Testing
import HeraldAdapters

/// API keys with scopes, their revocation and rate across instances, and the
/// audit log of every change, against a real redis-server.
@Suite("API keys, scopes and audit")
struct KeysTests {
    /// Creates a key with the flat `test-key` (every scope); returns its id and secret.
    static func createKey(_ h: Harness, _ body: String) async throws -> (id: String, secret: String) {
        let reply = try await h.api(.POST, "/v1/keys", json: body)
        #expect(reply.status == 201, "POST /v1/keys answered \(reply.status): \(reply.body)")
        return (try #require(reply.json["id"] as? String), try #require(reply.json["secret"] as? String))
    }

    static func call(_ h: Harness, _ method: HTTPMethod, _ url: String, secret: String, json: String? = nil)
        async throws -> Harness.Reply
    {
        try await h.request(method, url, body: json,
                            headers: [("Authorization", "Bearer " + secret), ("Content-Type", "application/json")])
    }

    /// Every `/v1` operation of openapi.yaml with the scope it declares (`security: - bearer: ["send"]`).
    static func declaredScopes() throws -> [(method: String, path: String, scope: String)] {
        let text = try String(contentsOf: OpenAPIDocumentTests.repository.appendingPathComponent("Sources/HeraldHTTP/openapi.yaml"),
                              encoding: .utf8)
        var operations: [(String, String, String)] = []
        var path = "", method = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("  /"), line.hasSuffix(":"), !line.hasPrefix("   ") { path = String(line.dropFirst(2).dropLast()) }
            for verb in ["get", "put", "post", "delete"] where line == "    \(verb):" { method = verb.uppercased() }
            if path.hasPrefix("/v1/"), line.hasPrefix("        - bearer: [\""), let scope = line.split(separator: "\"").dropFirst().first {
                operations.append((method, path, String(scope)))
            }
        }
        return operations
    }

    /// A concrete URL path for an OpenAPI path template.
    static func concrete(_ path: String) -> String {
        path.replacingOccurrences(of: "{channel}", with: "sms").replacingOccurrences(of: "{recipient}", with: "%2B14155550100")
            .replacingOccurrences(of: "{id}", with: "0123456789abcdef").replacingOccurrences(of: "{user_id}", with: "u1")
            .replacingOccurrences(of: "{name}", with: "welcome").replacingOccurrences(of: "{code}", with: "abc123")
    }

    @Test("every /v1 operation answers 403 naming the scope openapi.yaml declares, to a key with every other scope")
    func everyEndpointNamesItsScope() async throws {
        let operations = try Self.declaredScopes()
        #expect(operations.count >= 23, "openapi.yaml declares a scope on \(operations.count) operations")
        try await withHarness { h in
            var secrets: [String: String] = [:]
            for scope in Set(operations.map(\.scope)) {
                let others = Scope.allCases.map(\.rawValue).filter { $0 != scope }
                let list = others.map { "\"\($0)\"" }.joined(separator: ",")
                secrets[scope] = try await Self.createKey(h, #"{"name":"all but \#(scope)","scopes":[\#(list)]}"#).secret
            }
            for operation in operations {
                let url = h.apiURL + Self.concrete(operation.path)
                let method = HTTPMethod(rawValue: operation.method)
                let denied = try await Self.call(h, method, url, secret: secrets[operation.scope]!, json: "{}")
                #expect(denied.status == 403, "\(operation.method) \(operation.path): \(denied.status) \(denied.body)")
                let error = denied.json["error"] as? [String: Any]
                #expect(error?["code"] as? String == "insufficient_scope", "\(operation.method) \(operation.path)")
                #expect(error?["field"] as? String == operation.scope, "\(operation.method) \(operation.path): \(denied.body)")
                // The flat HERALD_API_KEYS key has every scope: whatever it gets, it is not a 401 or 403.
                let allowed = try await h.api(method, Self.concrete(operation.path), json: "{}")
                #expect(![401, 403].contains(allowed.status), "\(operation.method) \(operation.path): \(allowed.status)")
            }
        }
    }

    @Test("an unknown or malformed key is 401; a key with scopes does what they allow and nothing else")
    func scopedKey() async throws {
        try await withHarness { h in
            let sender = try await Self.createKey(h, #"{"name":"otp-service","scopes":["send"]}"#)
            let sent = try await Self.call(
                h, .POST, h.apiURL + "/v1/messages", secret: sender.secret,
                json: #"{"channel":"sms","to":"+14155550100","content":{"body":"code 1234"}}"#)
            #expect(sent.status == 202, "\(sent.body)")
            let id = try #require(sent.json["id"] as? String)
            let read = try await Self.call(h, .GET, h.apiURL + "/v1/messages/" + id, secret: sender.secret)
            #expect(read.status == 403 && read.body.contains(#""field":"read""#), "\(read.body)")
            let lift = try await Self.call(h, .DELETE, h.apiURL + "/v1/suppressions/sms/%2B14155550100", secret: sender.secret)
            #expect(lift.status == 403 && lift.body.contains("suppressions:write"), "\(lift.body)")

            var forged = sender.secret
            forged.removeLast()
            forged.append(sender.secret.last == "A" ? "B" : "A")
            for secret in [forged, "hrk_ffffffffffffffff_" + String(repeating: "A", count: 43), "nonsense"] {
                let reply = try await Self.call(h, .GET, h.apiURL + "/v1/stats", secret: secret)
                #expect(reply.status == 401, "\(secret.prefix(8)): \(reply.status)")
            }
            let missing = try await h.request(.GET, h.apiURL + "/v1/stats")
            #expect(missing.status == 401)
        }
    }

    @Test("the keys of HERALD_API_KEYS keep every scope, as before keys had scopes")
    func flatKeysKeepEveryScope() async throws {
        try await withHarness { h in
            _ = try await h.sendSMS(to: "+14155550101")
            #expect(try await h.api(.PUT, "/v1/suppressions/sms/%2B14155550101").status == 201)
            #expect(try await h.api(.GET, "/v1/keys").status == 200)
            #expect(try await h.api(.GET, "/v1/audit").status == 200)
            let audit = try await h.api(.GET, "/v1/audit?action=suppression.add")
            let entries = try #require(audit.json["entries"] as? [[String: Any]])
            let actor = entries.first?["actor"] as? [String: Any]
            #expect((actor?["id"] as? String)?.hasPrefix("env:") == true, "\(audit.body)")
        }
    }

    @Test("a key limited to channels sends only on them, alone or in a batch")
    func channelLimitedKey() async throws {
        try await withHarness { h in
            let key = try await Self.createKey(h, #"{"name":"mailer","scopes":["send"],"channels":["email"]}"#)
            let sms = try await Self.call(
                h, .POST, h.apiURL + "/v1/messages", secret: key.secret,
                json: #"{"channel":"sms","to":"+14155550100","content":{"body":"hi"}}"#)
            #expect(sms.status == 403 && sms.body.contains("channel_not_allowed"), "\(sms.body)")
            let batch = try await Self.call(
                h, .POST, h.apiURL + "/v1/messages/batch", secret: key.secret,
                json: #"{"messages":[{"channel":"email","to":"a@example.com","content":{"subject":"s","body":"b"}},"#
                    + #"{"channel":"sms","to":"+14155550100","content":{"body":"hi"}}]}"#)
            #expect(batch.status == 202, "\(batch.body)")
            let results = try #require(batch.json["results"] as? [[String: Any]])
            #expect(results[0]["id"] is String)
            let error = results[1]["error"] as? [String: Any]
            #expect(error?["code"] as? String == "channel_not_allowed" && error?["field"] as? String == "messages[1].channel",
                    "\(batch.body)")
        }
    }

    @Test("POST /v1/keys refuses what is not a key: no name, no or unknown scopes, a past expiry, a bad rate, nulls")
    func keyValidation() async throws {
        try await withHarness { h in
            let cases: [(String, String)] = [
                (#"{"scopes":["send"]}"#, "name"),
                (#"{"name":"x"}"#, "scopes"),
                (#"{"name":"x","scopes":[]}"#, "scopes"),
                (#"{"name":"x","scopes":["sudo"]}"#, "scopes"),
                (#"{"name":"x","scopes":["send"],"channels":["fax"]}"#, "channels"),
                (#"{"name":"x","scopes":["send"],"rate_per_second":0}"#, "rate_per_second"),
                (#"{"name":"x","scopes":["send"],"expires_at":"2020-01-01T00:00:00Z"}"#, "expires_at"),
                (#"{"name":"x","scopes":["send"],"expires_at":"tomorrow"}"#, "expires_at"),
                (#"{"name":null,"scopes":["send"]}"#, "name"),
            ]
            for (body, field) in cases {
                let reply = try await h.api(.POST, "/v1/keys", json: body)
                #expect(reply.status == 422 || reply.status == 400, "\(body): \(reply.status)")
                #expect((reply.json["error"] as? [String: Any])?["field"] as? String == field, "\(body): \(reply.body)")
            }
            let keys = try await h.api(.GET, "/v1/keys")
            #expect((keys.json["keys"] as? [Any])?.isEmpty == true, "nothing was stored: \(keys.body)")
            #expect(try await h.api(.DELETE, "/v1/keys/not-an-id").status == 404)
            #expect(try await h.api(.DELETE, "/v1/keys/0123456789abcdef").status == 404)
        }
    }

    @Test("a key revoked on one instance is refused by another within a second")
    func revocationAcrossInstances() async throws {
        try await withHarness { h in
            let second = try await h.startSecondAPI()
            let key = try await Self.createKey(h, #"{"name":"reader","scopes":["read"]}"#)
            #expect(try await Self.call(h, .GET, second + "/v1/stats", secret: key.secret).status == 200)
            #expect(try await Self.call(h, .GET, h.apiURL + "/v1/stats", secret: key.secret).status == 200)
            #expect(try await h.api(.DELETE, "/v1/keys/" + key.id).status == 204)
            // The revoking instance forgets it at once.
            #expect(try await Self.call(h, .GET, h.apiURL + "/v1/stats", secret: key.secret).status == 401)
            // The other one, once its half-second cache entry is old; waited for, not timed.
            try await eventually("the second instance refuses the revoked key", timeout: .seconds(10)) {
                try await Self.call(h, .GET, second + "/v1/stats", secret: key.secret).status == 401
            }
            let listed = try await h.api(.GET, "/v1/keys")
            #expect(!listed.body.contains(key.id), "a revoked key is not listed: \(listed.body)")
        }
    }

    @Test("a key's rate_per_second is one Redis bucket shared by two instances: 429 with Retry-After past it")
    func rateAcrossInstances() async throws {
        try await withHarness { h in
            let second = try await h.startSecondAPI()
            let key = try await Self.createKey(h, #"{"name":"runaway","scopes":["read"],"rate_per_second":2}"#)
            let time = try await h.redis.send(["TIME"]).orThrow().array.compactMap { $0.string.flatMap { Int64($0) } }
            let startMillis = time[0] * 1000 + time[1] / 1000
            var accepted = 0
            var limited: [String: Int] = [:]
            for index in 0..<30 {
                let base = index % 2 == 0 ? h.apiURL : second
                let reply = try await Self.call(h, .GET, base + "/v1/stats", secret: key.secret)
                if reply.status == 200 { accepted += 1 }
                if reply.status == 429 {
                    limited[base, default: 0] += 1
                    #expect(reply.body.contains("rate_limited"))
                    #expect(Int(reply.headers.first(name: "Retry-After") ?? "") ?? 0 >= 1, "\(reply.headers)")
                }
            }
            // What the shared bucket allows: its burst (2) plus 2 a second since the run began,
            // by Redis's own clock, less the tokens it still holds.
            let bucket = try await h.redis.send(["HMGET", "herald:{keyrate:\(key.id)}", "tokens", "at"]).orThrow().array
            let tokens = try #require(bucket[0].string.flatMap(Double.init))
            let at = try #require(bucket[1].string.flatMap { Int64($0) })
            let allowed = 2 + Double(at - startMillis) * 2 / 1000 - tokens
            #expect(Double(accepted) <= allowed + 1, "accepted \(accepted), the bucket allowed \(allowed)")
            #expect(accepted >= 2)
            #expect(limited[h.apiURL, default: 0] > 0 && limited[second, default: 0] > 0, "429s: \(limited)")
            // Another key is not touched by this one's limit.
            #expect(try await h.api(.GET, "/v1/stats").status == 200)
        }
    }

    @Test("an expired key is 401 key_expired and is listed as expired")
    func expiredKey() async throws {
        try await withHarness { h in
            // Long enough that the first call comes before it on a loaded machine; waited for, not timed.
            let expires = RFC3339.format(millis: WallClock.nowMillis() + 8_000)
            let key = try await Self.createKey(h, #"{"name":"temporary","scopes":["read"],"expires_at":"\#(expires)"}"#)
            #expect(try await Self.call(h, .GET, h.apiURL + "/v1/stats", secret: key.secret).status == 200)
            try await eventually("the key expires", timeout: .seconds(30)) {
                let reply = try await Self.call(h, .GET, h.apiURL + "/v1/stats", secret: key.secret)
                return reply.status == 401 && reply.body.contains("key_expired")
            }
            let listed = try await h.api(.GET, "/v1/keys/" + key.id)
            #expect(listed.json["expired"] as? Bool == true, "\(listed.body)")
        }
    }

    @Test("every change kind writes one audit entry naming its actor, none holds a secret or a clear recipient, and pages chain",
          arguments: RedisLayout.allCases)
    func auditLog(layout: RedisLayout) async throws {
        try await withHarness(on: layout) { h in
            let admin = try await Self.createKey(h, #"{"name":"ops","scopes":["admin","templates","suppressions:write"]}"#)
            func adminCall(_ method: HTTPMethod, _ path: String, _ json: String? = nil) async throws -> Harness.Reply {
                try await Self.call(h, method, h.apiURL + path, secret: admin.secret, json: json)
            }
            let created = try #require(try await adminCall(.POST, "/v1/keys", #"{"name":"svc","scopes":["send"]}"#).json["id"] as? String)
            #expect(try await adminCall(.PUT, "/v1/templates/welcome", #"{"channel":"sms","body":"Hi {{name}}"}"#).status == 201)
            #expect(try await adminCall(.PUT, "/v1/templates/welcome", #"{"channel":"sms","body":"Hello {{name}}"}"#).status == 200)
            #expect(try await adminCall(.DELETE, "/v1/templates/welcome").status == 200)
            #expect(try await adminCall(.PUT, "/v1/suppressions/sms/%2B14155550177").status == 201)
            // The same entry again changes nothing and is not audited.
            #expect(try await adminCall(.PUT, "/v1/suppressions/sms/%2B14155550177").status == 200)
            #expect(try await adminCall(.DELETE, "/v1/suppressions/sms/%2B14155550177").status == 204)
            #expect(try await adminCall(.PUT, "/v1/suppressions/email/someone%40example.com").status == 201)
            #expect(try await adminCall(.PUT, "/v1/suppressions/users/customer-42").status == 201)
            #expect(try await adminCall(.DELETE, "/v1/suppressions/users/customer-42").status == 204)
            #expect(try await adminCall(.DELETE, "/v1/keys/" + created).status == 204)

            let page = try await adminCall(.GET, "/v1/audit?limit=1000")
            #expect(page.status == 200, "\(page.body)")
            let entries = try #require(page.json["entries"] as? [[String: Any]])
            let mine = entries.filter { ($0["actor"] as? [String: Any])?["id"] as? String == admin.id }
            let actions = mine.compactMap { $0["action"] as? String }
            let channels = Channel.allCases.count
            #expect(actions.filter { $0 == "key.create" }.count == 1)
            #expect(actions.filter { $0 == "key.revoke" }.count == 1)
            #expect(actions.filter { $0 == "template.put" }.count == 2)
            #expect(actions.filter { $0 == "template.delete" }.count == 1)
            // One recipient on sms, one on email, and a user on every channel's hash.
            #expect(actions.filter { $0 == "suppression.add" }.count == 2 + channels, "\(actions)")
            #expect(actions.filter { $0 == "suppression.lift" }.count == 1 + channels, "\(actions)")
            #expect(page.json["next"] is NSNull)
            let put = try #require(mine.first { $0["action"] as? String == "template.put" })
            #expect(put["target"] as? String == "template:welcome" && put["before"] as? String == "none"
                    && put["after"] as? String == "v1", "\(put)")
            let revoke = try #require(mine.first { $0["action"] as? String == "key.revoke" })
            #expect((revoke["before"] as? String)?.contains("scopes=send") == true, "\(revoke)")

            // Nothing secret, nothing clear: scan every entry as Redis holds it, too.
            var raw: [String] = [page.body]
            for tag in AuditTrail.tags {
                raw.append("\(try await h.redis.send(["XRANGE", AuditTrail.stream(tag: tag), "-", "+"]).orThrow())")
            }
            for text in raw {
                for secret in ["4155550177", "someone@example.com", "someone%40example.com", admin.secret, "hrk_", "test-key",
                               APIKeyToken.hash(admin.secret)]
                {
                    #expect(!text.contains(secret), "an audit entry holds \(secret.prefix(12))…")
                }
            }
            let suppression = try #require(mine.first { $0["action"] as? String == "suppression.add" })
            #expect((suppression["target"] as? String)?.hasPrefix("sms:fp:") == true, "\(suppression)")

            // Filters, and a page at a time reads the same entries in the same order.
            let filtered = try await adminCall(.GET, "/v1/audit?action=template.put&actor=\(admin.id)")
            #expect((filtered.json["entries"] as? [Any])?.count == 2, "\(filtered.body)")
            #expect(try await adminCall(.GET, "/v1/audit?action=everything").status == 422)
            #expect(try await adminCall(.GET, "/v1/audit?after=nonsense").status == 422)
            var paged: [String] = []
            var after = ""
            for _ in 0..<100 {
                let reply = try await adminCall(.GET, "/v1/audit?limit=2" + (after.isEmpty ? "" : "&after=" + after))
                paged += (reply.json["entries"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                guard let next = reply.json["next"] as? String else { break }
                after = next
            }
            #expect(paged == entries.compactMap { $0["id"] as? String })
        }
    }

    @Test("an unsubscribe link and a provider's invalid-recipient outcome are audited under who made them")
    func systemActorsAreAudited() async throws {
        var options = HarnessOptions()
        options.faults[TwilioRegistration.name] = { to, _ in to == "+14155550140" ? .invalidRecipient : nil }
        try await withHarness(options) { h in
            let link = h.unsubscribeLinks.url(channel: .email, recipient: "reader@example.com")
            #expect(try await h.request(.POST, link).status == 200)
            let id = try await h.sendSMS(to: "+14155550140")
            try await h.waitForStatus(id, "failed")
            let recipient = try await h.api(.GET, "/v1/audit?actor=recipient&action=suppression.add")
            let byRecipient = try #require(recipient.json["entries"] as? [[String: Any]])
            #expect(byRecipient.count == 1 && (byRecipient.first?["target"] as? String)?.hasPrefix("email:fp:") == true,
                    "\(recipient.body)")
            let provider = try await h.api(.GET, "/v1/audit?actor=provider:twilio")
            let byProvider = try #require(provider.json["entries"] as? [[String: Any]])
            #expect(byProvider.count == 1 && byProvider.first?["after"] as? String == "all:invalid_recipient", "\(provider.body)")
            #expect(!provider.body.contains("4155550140"))
        }
    }
}
