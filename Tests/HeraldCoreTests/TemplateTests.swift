import Foundation
import HeraldCore
import HeraldTemplates
import Testing

@Suite("Templates")
struct TemplateTests {
    static func template(_ channel: HeraldCore.Channel, _ locales: [String: TemplateVariant], required: [String] = [])
        -> MessageTemplate
    {
        MessageTemplate(name: "t", version: 3, channel: channel, locales: locales, required: required, shortenLinks: false,
                        createdAtMillis: 0)
    }

    @Test("the locale chain drops one subtag at a time, then default, whatever the spelling")
    func fallbackChain() {
        #expect(LocaleFallback.chain("zh-Hant-TW") == ["zh-Hant-TW", "zh-Hant", "zh", "default"])
        #expect(LocaleFallback.chain("zh_hant_tw") == ["zh-Hant-TW", "zh-Hant", "zh", "default"])
        #expect(LocaleFallback.chain(nil) == ["default"])
        #expect(LocaleFallback.canonical("EN-us") == "en-US")
    }

    @Test("zh-Hant-TW falls back to zh-Hant, then zh, then default")
    func localeFallbackRendering() throws {
        let compiled = try CompiledTemplate(Self.template(.sms, [
            "default": TemplateVariant(body: "Hello {{name}}"),
            "zh": TemplateVariant(body: "你好 {{name}}"),
            "zh-Hant": TemplateVariant(body: "妳好 {{name}}"),
        ]))
        let data: [String: JSONValue] = ["name": .string("李雷")]
        #expect(try compiled.render(locale: "zh-Hant-TW", data: data).content.body == "妳好 李雷")
        #expect(try compiled.render(locale: "zh-Hant-TW", data: data).locale == "zh-Hant")
        #expect(try compiled.render(locale: "zh-CN", data: data).content.body == "你好 李雷")
        #expect(try compiled.render(locale: "fr", data: data).content.body == "Hello 李雷")
        #expect(try compiled.render(locale: nil, data: data).reference == "t@3")
    }

    @Test("HTML escaping applies only to email html; SMS, subject and text show the characters as given")
    func escaping() throws {
        let compiled = try CompiledTemplate(Self.template(.email, [
            "default": TemplateVariant(subject: "{{item}} shipped", text: "Your {{item}}", html: "<p>Your {{item}}</p>"),
        ]))
        let rendered = try compiled.render(locale: nil, data: ["item": .string("Tom & Jerry <DVD>")])
        #expect(rendered.content.subject == "Tom & Jerry <DVD> shipped")
        #expect(rendered.content.body == "Your Tom & Jerry <DVD>")
        #expect(rendered.content.html == "<p>Your Tom &amp; Jerry &lt;DVD&gt;</p>")
        let sms = try CompiledTemplate(Self.template(.sms, ["default": TemplateVariant(body: "Q&A: {{q}}")]))
        #expect(try sms.render(locale: nil, data: ["q": .string("a < b & \"c\"")]).content.body == "Q&A: a < b & \"c\"")
    }

    @Test("numbers, nested objects and sections render as Mustache specifies")
    func values() throws {
        let compiled = try CompiledTemplate(Self.template(.sms, [
            "default": TemplateVariant(body: "{{order.id}}: {{count}} items{{#vip}}, VIP{{/vip}}{{^vip}}, regular{{/vip}}"),
        ]))
        let data: [String: JSONValue] = ["order": .object(["id": .string("A-1")]), "count": .number(3), "vip": .bool(false)]
        #expect(try compiled.render(locale: nil, data: data).content.body == "A-1: 3 items, regular")
    }

    @Test("a missing required variable is refused naming it; nothing half-rendered comes out")
    func requiredVariables() throws {
        let compiled = try CompiledTemplate(Self.template(.sms, ["default": TemplateVariant(body: "Hi {{name}}, {{order.id}}")],
                                                          required: ["name", "order.id"]))
        #expect(throws: APIError(status: 422, code: "missing_variable", message: "template t@3 needs 'order.id' in data",
                                 field: "data.order.id")) {
            try compiled.render(locale: nil, data: ["name": .string("A"), "order": .object([:])])
        }
        let empty = try CompiledTemplate(Self.template(.sms, ["default": TemplateVariant(body: "{{name}}")]))
        #expect(throws: APIError.self) { try empty.render(locale: nil, data: [:]) }
    }

    @Test("broken syntax is refused with the field, line and column")
    func syntaxErrors() {
        do {
            try CompiledTemplate.check(TemplateVariant(body: "Hello {{#items}}{{name}}"), locale: "default")
            Issue.record("an unclosed section was accepted")
        } catch {
            #expect(error.code == "template_syntax")
            #expect(error.field == "body")
            #expect(error.message.contains("line 1"), "\(error.message)")
        }
        do {
            try CompiledTemplate.check(TemplateVariant(body: "ok", subject: "line one\nbad {{/x}}"), locale: "fr")
            Issue.record("a stray close tag was accepted")
        } catch {
            #expect(error.field == "subject")
            #expect(error.message.contains("locale fr") && error.message.contains("line 2"), "\(error.message)")
        }
    }

    @Test("push data and WeChat keywords render per field; WeChat keeps template_id and url apart")
    func channelFields() throws {
        let push = try CompiledTemplate(Self.template(.push, [
            "default": TemplateVariant(body: "{{n}} new", title: "Hi {{who}}", data: ["deeplink": "app://o/{{id}}"]),
        ]))
        let rendered = try push.render(locale: nil, data: ["n": .number(2), "who": .string("Li"), "id": .string("9")])
        #expect(rendered.content.title == "Hi Li")
        #expect(rendered.data == ["deeplink": .string("app://o/9")])
        let wechat = try CompiledTemplate(Self.template(.wechat, [
            "default": TemplateVariant(templateID: "TM001", url: "https://s.example/{{id}}", data: ["first": "Order {{id}}"]),
        ]))
        let card = try wechat.render(locale: nil, data: ["id": .string("7")])
        #expect(card.data == ["template_id": .string("TM001"), "url": .string("https://s.example/7"), "first": .string("Order 7")])
    }

    @Test("a draft keeps only its channel's fields and refuses others and unknown members")
    func drafts() throws {
        let sms = TemplateDraft(channel: "sms", locale: "zh_cn", variant: TemplateVariant(body: "x", signature: "【B】"))
        let checked = try sms.validated()
        #expect(checked.channel == .sms && checked.locale == "zh-CN")
        #expect(throws: APIError.self) {
            try TemplateDraft(channel: "sms", variant: TemplateVariant(body: "x", subject: "s")).validated()
        }
        #expect(throws: APIError.self) { try TemplateDraft(channel: "email", variant: TemplateVariant(text: "x")).validated() }
        #expect(throws: APIError.self) {
            try JSONDecoder().decode(TemplateDraft.self, from: Data(#"{"channel":"sms","body":"x","subjet":"y"}"#.utf8))
        }
        #expect(throws: APIError.self) { try TemplateDraft.validateName("a@b") }
        #expect(throws: Never.self) { try TemplateDraft.validateName("order_shipped.v2") }
    }

    @Test("a required variable name is 1–128 code points, as openapi.yaml's maxLength counts them, not bytes")
    func requiredNameLength() throws {
        func draft(_ name: String) -> TemplateDraft {
            TemplateDraft(channel: "sms", variant: TemplateVariant(body: "x"), required: [name])
        }
        #expect(throws: Never.self) { try draft(String(repeating: "Ω", count: 128)).validated() }
        #expect(throws: APIError.self) { try draft(String(repeating: "a", count: 129)).validated() }
        #expect(throws: APIError.self) { try draft("").validated() }
    }

    @Test("a null field of a draft is refused with 422 naming it (the contract types data as an object)",
          arguments: ["data", "signature", "locale", "required", "shorten_links"])
    func nullDraftField(field: String) {
        #expect {
            try RequestDecoder.decode(TemplateDraft.self, from: Data(#"{"channel":"push","body":"0","\#(field)":null}"#.utf8))
        } throws: { error in
            guard let error = error as? APIError else { return false }
            return error.field == field && error.status == 422
        }
    }
}

@Suite("Short links and stats helpers")
struct LinkHelperTests {
    @Test("URLs are found to their end, without the sentence's trailing punctuation")
    func findsURLs() {
        let text = "Track https://shop.example.com/o/123?x=1. Or (see http://a.example/b_(c)) 访问https://例子.cn/路径，谢谢"
        let found = LinkFinder.urls(in: text).map { String(text[$0]) }
        #expect(found == ["https://shop.example.com/o/123?x=1", "http://a.example/b_(c)", "https://例子.cn/路径"])
        #expect(LinkFinder.urls(in: "no links, just http:// and https").isEmpty)
    }

    @Test("base64url encoding matches Foundation's base64 with the URL alphabet and no padding, at every length")
    func base64url() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<40 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let expected = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            #expect(Base64URL.encode(bytes) == expected)
            #expect(Base64URL.decode(expected) == Data(bytes))
        }
    }

    @Test("codes are 8 base62 characters and do not repeat")
    func codes() {
        let codes = (0..<2_000).map { _ in ShortLinkCode.make() }
        #expect(Set(codes).count == codes.count)
        #expect(codes.allSatisfy { $0.count == 8 && ShortLinkCode.isWellFormed(Substring($0)) })
        #expect(!ShortLinkCode.isWellFormed("abc"))
        #expect(!ShortLinkCode.isWellFormed("abcdefg!"))
    }

    @Test("link previews, scanners and HEAD requests are previews; browsers are clicks")
    func agents() {
        #expect(UserAgentClass.of(userAgent: "WhatsApp/2.23.20.0 A") == .preview)
        #expect(UserAgentClass.of(userAgent: "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)") == .preview)
        #expect(UserAgentClass.of(userAgent: "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)") == .preview)
        #expect(UserAgentClass.of(userAgent: "TelegramBot (like TwitterBot)") == .preview)
        #expect(UserAgentClass.of(userAgent: "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)") == .preview)
        #expect(UserAgentClass.of(userAgent: nil) == .preview)
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"
        #expect(UserAgentClass.of(userAgent: iphone) == .mobile)
        #expect(UserAgentClass.of(userAgent: iphone, isHead: true) == .preview)
        #expect(UserAgentClass.of(userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0") == .desktop)
    }

    @Test("UTC days convert both ways, leap years included, and bad dates are refused")
    func days() {
        #expect(UTCDay.parse("1970-01-01") == 0)
        #expect(UTCDay.parse("2000-02-29") == 11_016)
        #expect(UTCDay.format(11_016) == "2000-02-29")
        #expect(UTCDay.parse("2026-11-29").map(UTCDay.format) == "2026-11-29")
        #expect(UTCDay.of(millis: 1_764_374_400_000) == UTCDay.parse("2025-11-29"))
        #expect(UTCDay.parse("2026-02-29") == nil)
        #expect(UTCDay.parse("2026-13-01") == nil)
        #expect(UTCDay.parse("26-1-1") == nil)
    }

    @Test("rates are delivered/sent and clicked/delivered, absent when the divisor is zero")
    func rates() {
        var stats = CampaignStats()
        #expect(stats.deliveryRate == nil && stats.clickRate == nil)
        stats.add("sent", 10)
        stats.add("delivered", 8)
        stats.add("clicked", 2)
        stats.add("suppressed:fatigue", 3)
        #expect(stats.deliveryRate == 0.8 && stats.clickRate == 0.25 && stats.fatigueSuppressions == 3)
    }
}
