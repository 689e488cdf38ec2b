import Foundation
import HeraldCore
import HeraldSimulators
import HeraldAdapters
import HeraldTesting
import Testing

@Suite("SMTP email", .serialized)
struct SMTPTests {
    /// Runs `body` with a real SMTP server and a Herald whose email goes to it.
    func withSMTP(password: String = SMTPServer.password, _ body: (Harness, SMTPServer) async throws -> Void) async throws {
        let server = try SMTPServer()
        defer { server.stop() }
        try await server.waitUntilReady()
        var options = HarnessOptions()
        options.settings = [
            "HERALD_EMAIL_PROVIDERS": SMTPRegistration.name, "HERALD_SMTP_URL": server.url,
            "HERALD_SMTP_USERNAME": SMTPServer.username, "HERALD_SMTP_PASSWORD": password,
            "HERALD_EMAIL_FROM": "news@herald.test", "HERALD_EMAIL_FROM_NAME": "Herald Nachrichten ✉",
            "HERALD_SMTP_REQUIRE_TLS": "true", "HERALD_SMTP_CA_FILE": server.certificateFile,
        ]
        try await withHarness(options) { h in try await body(h, server) }
    }

    @Test("the SMTP server receives a MIME multipart message with UTF-8 subject, Message-ID and one-click unsubscribe, over STARTTLS with AUTH")
    func multipart() async throws {
        try await withSMTP { h, server in
            let id = try await h.sendEmail(to: "alice@example.com", extra: #","category":"marketing""#)
            try await h.waitForStatus(id, "delivered")
            let received = try #require(server.received(1))
            #expect(received["tls"] as? Bool == true)
            #expect(received["auth"] as? String == SMTPServer.username)
            #expect(received["mail_from"] as? String == "news@herald.test")
            #expect(received["rcpt_tos"] as? [String] == ["alice@example.com"])
            let parsed = try #require(received["parsed"] as? [String: Any])
            #expect(parsed["subject"] as? String == "Grüße aus Herald")
            #expect(parsed["from"] as? String == "Herald Nachrichten ✉ <news@herald.test>")
            #expect(parsed["content_type"] as? String == "multipart/alternative")
            #expect(parsed["mime_version"] as? String == "1.0")
            #expect((parsed["defects"] as? [String])?.isEmpty == true)
            #expect(parsed["crlf_only"] as? Bool == true)
            let parts = try #require(parsed["parts"] as? [[String: Any]])
            #expect(parts.map { $0["type"] as? String } == ["text/plain", "text/html"])
            #expect(parts.map { $0["charset"] as? String } == ["utf-8", "utf-8"])
            #expect((parts[0]["body"] as? String)?.trimmingCharacters(in: .whitespacesAndNewlines) == "Hello")
            #expect((parts[1]["body"] as? String)?.trimmingCharacters(in: .whitespacesAndNewlines) == "<p>Hello</p>")
            let messageID = try #require(try await h.message(id).fields["provider_message_id"])
            #expect(parsed["message_id"] as? String == "<\(messageID)>")
            #expect(messageID.hasPrefix(id + "@"))
            let link = h.unsubscribeLinks.url(channel: .email, recipient: "alice@example.com")
            #expect(parsed["list_unsubscribe"] as? String == "<\(link)>")
            #expect(parsed["list_unsubscribe_post"] as? String == "List-Unsubscribe=One-Click")
        }
    }

    @Test("550 for an unknown mailbox fails and suppresses it; 451 is retried and then delivered")
    func replies() async throws {
        try await withSMTP { h, server in
            let rejected = try await h.sendEmail(to: "reject-me@example.com")
            try await h.waitForStatus(rejected, "failed")
            #expect(try await h.message(rejected).fields["error"]?.contains("smtp_550") == true)
            #expect(try await h.api(.GET, "/v1/suppressions/email/reject-me@example.com").status == 200)

            let busy = try await h.sendEmail(to: "busy-once@example.com")
            try await h.waitForStatus(busy, "delivered")
            #expect(try await h.message(busy).attempts == 2)
            #expect(try await h.events(busy).contains { $0.detail.contains("smtp_451") })
            #expect(server.receivedCount == 1)
        }
    }

    @Test("wrong credentials fail the message without retries")
    func badCredentials() async throws {
        try await withSMTP(password: "wrong") { h, server in
            let id = try await h.sendEmail(to: "carol@example.com")
            try await h.waitForStatus(id, "failed")
            #expect(try await h.message(id).attempts == 1)
            #expect(server.receivedCount == 0)
        }
    }
}

@Suite("MIME")
struct MIMETests {
    @Test("long and non-ASCII subjects become folded RFC 2047 words; CR/LF cannot inject headers")
    func encodedWords() {
        #expect(MIMEMessage.encodeWords("Plain subject") == "Plain subject")
        let long = String(repeating: "你好", count: 40)
        let encoded = MIMEMessage.encodeWords(long)
        for line in encoded.components(separatedBy: "\r\n") {
            #expect(line.trimmingCharacters(in: .whitespaces).count <= 75)
            #expect(line.trimmingCharacters(in: .whitespaces).hasPrefix("=?UTF-8?B?"))
        }
        let injected = MIMEMessage.encodeWords("Hi\r\nBcc: victim@example.com")
        #expect(!injected.contains("\r\nBcc"))
    }
}
