import Foundation
import HeraldCore
import HeraldRedis
import HeraldTesting
import Testing

/// The console's access rules over plain HTTP: the login page only until
/// logged in, a session cookie that is HttpOnly, SameSite=Strict and
/// expires, and a CSRF token on every state-changing form.
@Suite("Console access")
struct ConsoleTests {
    /// A logged-out browser's state: its cookies.
    struct Browser {
        var cookies: [String: String] = [:]

        var header: [(String, String)] {
            cookies.isEmpty ? [] : [("Cookie", cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))]
        }

        mutating func keep(_ reply: Harness.Reply) {
            for line in reply.headers["Set-Cookie"] {
                let pair = line.split(separator: ";").first?.split(separator: "=", maxSplits: 1) ?? []
                guard pair.count == 2 else { continue }
                cookies[String(pair[0])] = pair[1].isEmpty ? nil : String(pair[1])
            }
        }
    }

    static func hidden(_ name: String, in html: String) -> String? {
        guard let range = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    static func form(_ fields: [(String, String)]) -> String { FormURLEncoding.encode(fields) }

    /// Logs in with `key`; returns the reply and the browser.
    static func login(_ h: Harness, key: String) async throws -> (Harness.Reply, Browser) {
        var browser = Browser()
        let page = try await h.request(.GET, h.apiURL + "/console/login")
        browser.keep(page)
        let csrf = try #require(hidden("csrf", in: page.body))
        let reply = try await h.request(.POST, h.apiURL + "/console/login", body: form([("csrf", csrf), ("key", key)]),
                                        headers: browser.header + [("Content-Type", "application/x-www-form-urlencoded")])
        browser.keep(reply)
        return (reply, browser)
    }

    @Test("without a session every page redirects to the login page, and actions change nothing")
    func loginRequired() async throws {
        try await withHarness { h in
            try await h.createCampaign(#"{"id":"guarded","channel":"sms","content":{"body":"hi"}}"#)
            for path in ["/console", "/console/campaigns", "/console/campaigns/guarded", "/console/channels",
                         "/console/messages?id=x", "/console/events"]
            {
                let reply = try await h.request(.GET, h.apiURL + path)
                #expect(reply.status == 303, "\(path)")
                #expect(reply.headers["Location"].first == "/console/login", "\(path)")
            }
            let forged = try await h.request(.GET, h.apiURL + "/console/campaigns", headers: [("Cookie", "herald_session=" + String(repeating: "A", count: 43))])
            #expect(forged.status == 303)
            let action = try await h.request(.POST, h.apiURL + "/console/campaigns/guarded/cancel", body: "csrf=x",
                                             headers: [("Content-Type", "application/x-www-form-urlencoded")])
            #expect(action.status == 303)
            #expect(try await h.campaign("guarded")["state"] as? String == "draft")
            let login = try await h.request(.GET, h.apiURL + "/console/login")
            #expect(login.status == 200)
            #expect(login.headers["Content-Security-Policy"].first?.contains("script-src 'self'") == true)
            #expect(login.headers["X-Frame-Options"].first == "DENY")
        }
    }

    @Test("a key logs in with a session cookie that is HttpOnly, SameSite=Strict and expires; wrong keys, keys without the console scope and forged forms are refused")
    func login() async throws {
        try await withHarness { h in
            let (wrong, _) = try await Self.login(h, key: "nope")
            #expect(wrong.status == 401)
            let created = try await h.api(.POST, "/v1/keys", json: #"{"name":"sender","scopes":["send"]}"#)
            let sender = try #require(created.json["secret"] as? String, "\(created.body)")
            let (unscoped, _) = try await Self.login(h, key: sender)
            #expect(unscoped.status == 403)
            #expect(unscoped.body.contains("lacks the console scope"))
            let noCookie = try await h.request(.POST, h.apiURL + "/console/login", body: Self.form([("csrf", "x"), ("key", "test-key")]),
                                               headers: [("Content-Type", "application/x-www-form-urlencoded")])
            #expect(noCookie.status == 403, "a login form without its cookie is refused")

            let (reply, browser) = try await Self.login(h, key: "test-key")
            #expect(reply.status == 303)
            #expect(reply.headers["Location"].first == "/console/campaigns")
            let cookie = try #require(reply.headers["Set-Cookie"].first { $0.hasPrefix("herald_session=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/console"))
            #expect(cookie.contains("Max-Age=28800"))
            #expect(!cookie.contains("Secure"), "no Secure flag on plain-http loopback")
            let token = try #require(browser.cookies["herald_session"])
            let ttl = try await h.redis.call("TTL", "herald:{console}:s:" + APIKeyToken.hash(token)).integer ?? -1
            #expect(ttl > 0 && ttl <= 28_800, "the session expires in Redis too (\(ttl))")
            let page = try await h.request(.GET, h.apiURL + "/console/campaigns", headers: browser.header)
            #expect(page.status == 200)
            #expect(page.body.contains("Log out"))
        }
    }

    @Test("a forged CSRF token is refused and changes nothing; the session's own token pauses and logs out")
    func csrf() async throws {
        try await withHarness { h in
            try await h.createCampaign(#"{"id":"forms","channel":"sms","content":{"body":"hi"},"pacing":{"rate_per_minute":60}}"#)
            #expect(try await h.addRecipientsCSV("forms", "to\n" + (0..<50).map { "+1415555" + String(4_100 + $0) }.joined(separator: "\n") + "\n").json["accepted"] as? Int == 50)
            #expect(try await h.campaignAction("forms", "start").status == 200)
            let (_, browser) = try await Self.login(h, key: "test-key")
            let page = try await h.request(.GET, h.apiURL + "/console/campaigns/forms", headers: browser.header)
            let csrf = try #require(Self.hidden("csrf", in: page.body))
            let form = browser.header + [("Content-Type", "application/x-www-form-urlencoded")]
            let forged = try await h.request(.POST, h.apiURL + "/console/campaigns/forms/pause", body: Self.form([("csrf", "forged")]),
                                             headers: form)
            #expect(forged.status == 403)
            #expect(try await h.campaign("forms")["state"] as? String != "paused", "the forged pause changed nothing")
            let missing = try await h.request(.POST, h.apiURL + "/console/campaigns/forms/pause", body: "", headers: form)
            #expect(missing.status == 403)
            let paused = try await h.request(.POST, h.apiURL + "/console/campaigns/forms/pause", body: Self.form([("csrf", csrf)]),
                                             headers: form)
            #expect(paused.status == 303)
            #expect(try await h.campaign("forms")["state"] as? String == "paused")
            let forgedLogout = try await h.request(.POST, h.apiURL + "/console/logout", body: Self.form([("csrf", "x")]), headers: form)
            #expect(forgedLogout.status == 403)
            let logout = try await h.request(.POST, h.apiURL + "/console/logout", body: Self.form([("csrf", csrf)]), headers: form)
            #expect(logout.status == 303)
            let after = try await h.request(.GET, h.apiURL + "/console/campaigns", headers: browser.header)
            #expect(after.status == 303, "the session is gone")
        }
    }

    @Test("a console key without the campaigns scope can look but not pause")
    func readOnlyKey() async throws {
        try await withHarness { h in
            try await h.createCampaign(#"{"id":"look","channel":"sms","content":{"body":"hi"},"pacing":{"rate_per_minute":60}}"#)
            #expect(try await h.addRecipientsCSV("look", "to\n" + (0..<50).map { "+1415555" + String(4_200 + $0) }.joined(separator: "\n") + "\n").json["accepted"] as? Int == 50)
            #expect(try await h.campaignAction("look", "start").status == 200)
            let created = try await h.api(.POST, "/v1/keys", json: #"{"name":"viewer","scopes":["console"]}"#)
            let viewer = try #require(created.json["secret"] as? String, "\(created.body)")
            let (reply, browser) = try await Self.login(h, key: viewer)
            #expect(reply.status == 303)
            let page = try await h.request(.GET, h.apiURL + "/console/campaigns/look", headers: browser.header)
            #expect(page.status == 200)
            let csrf = try #require(Self.hidden("csrf", in: page.body))
            let pause = try await h.request(.POST, h.apiURL + "/console/campaigns/look/pause", body: Self.form([("csrf", csrf)]),
                                            headers: browser.header + [("Content-Type", "application/x-www-form-urlencoded")])
            #expect(pause.status == 403)
            #expect(try await h.campaign("look")["state"] as? String != "paused", "the refused pause changed nothing")
        }
    }
}
