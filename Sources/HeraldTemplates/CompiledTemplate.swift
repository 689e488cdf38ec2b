import HeraldCore
import Mustache

/// A template version parsed once, ready to render any number of messages.
/// Every field is Mustache; only an email's `html` escapes HTML, the rest
/// render as plain text (an SMS must show `&`, not `&amp;`).
public struct CompiledTemplate: Sendable {
    public let template: MessageTemplate
    private let variants: [String: [String: MustacheTemplate]]

    /// Compiles every field of every locale; the first syntax error is a 422
    /// naming the locale, the field, and the line and column.
    public init(_ template: MessageTemplate) throws(APIError) {
        self.template = template
        var variants: [String: [String: MustacheTemplate]] = [:]
        for (locale, variant) in template.locales {
            variants[locale] = try Self.compile(variant, locale: locale)
        }
        self.variants = variants
    }

    /// Checks one variant's syntax, as a PUT does before storing it.
    public static func check(_ variant: TemplateVariant, locale: String) throws(APIError) {
        _ = try compile(variant, locale: locale)
    }

    private static let textPragma = "{{% CONTENT_TYPE: TEXT}}"

    private static func compile(_ variant: TemplateVariant, locale: String) throws(APIError) -> [String: MustacheTemplate] {
        var compiled: [String: MustacheTemplate] = [:]
        for (field, source) in variant.sources {
            let escapes = field == "html"
            do {
                compiled[field] = try MustacheTemplate(string: escapes ? source : textPragma + source)
            } catch let error as MustacheTemplate.ParserError {
                let offset = escapes || error.context.lineNumber != 1 ? 0 : textPragma.count
                throw APIError(
                    status: 422, code: "template_syntax",
                    message: "\(field) (locale \(locale)): \(describe(error.error)) at line \(error.context.lineNumber), "
                        + "column \(max(1, error.context.columnNumber - offset))",
                    field: field)
            } catch {
                throw APIError(status: 422, code: "template_syntax", message: "\(field) (locale \(locale)) cannot be parsed",
                               field: field)
            }
        }
        return compiled
    }

    private static func describe(_ error: any Error) -> String {
        switch error as? MustacheTemplate.Error {
        case .sectionCloseNameIncorrect?: "a section is closed with the wrong name"
        case .unfinishedName?: "an unfinished tag"
        case .expectedSectionEnd?: "a section is never closed"
        case .invalidSetDelimiter?: "an invalid set-delimiter tag"
        default: "invalid Mustache (\(error))"
        }
    }

    /// Renders the variant for `locale` (by fallback) with `data`. A missing
    /// required variable, or a required field that renders empty, is a 422:
    /// a half-rendered message is never produced.
    public func render(locale: String?, data: [String: JSONValue]?) throws(APIError) -> RenderedContent {
        for name in template.required where Self.lookup(name, in: data) == nil {
            throw APIError(status: 422, code: "missing_variable",
                           message: "template \(template.reference) needs '\(name)' in data", field: "data." + name)
        }
        guard let (key, _) = template.variant(for: locale), let fields = variants[key] else {
            throw APIError(status: 422, code: "unknown_template_locale",
                           message: "template \(template.reference) has no text for locale '\((locale ?? "").prefix(35))' "
                               + "and no default", field: "locale")
        }
        let context = MustacheData.context(data)
        func field(_ name: String) -> String? { fields[name].map { $0.render(context) } }
        var content = MessageContent(body: "")
        var rendered: [String: JSONValue]?
        switch template.channel {
        case .sms, .webhook:
            content.body = field("body") ?? ""
        case .email:
            content.subject = field("subject")
            content.body = field("text") ?? ""
            content.html = field("html")
            if content.body.isEmpty, let html = content.html { content.body = HTMLText.plain(html) }
        case .push:
            content.title = field("title")
            content.body = field("body") ?? ""
            rendered = dataFields(fields, context)
        case .wecom:
            content.title = field("title")
            content.body = field("body") ?? ""
            var values = dataFields(fields, context) ?? [:]
            if let url = field("url"), !url.isEmpty { values["url"] = .string(url) }
            rendered = values.isEmpty ? nil : values
        case .wechat, .miniprogram:
            var values = dataFields(fields, context) ?? [:]
            content.body = template.locales[key]?.data?.keys.sorted().compactMap { values[$0]?.text }
                .joined(separator: "\n") ?? ""
            if let id = field("template_id") { values["template_id"] = .string(id) }
            if let url = field("url"), !url.isEmpty { values["url"] = .string(url) }
            if content.body.isEmpty { content.body = template.name }
            rendered = values
        }
        if content.body.isEmpty {
            throw APIError(status: 422, code: "empty_render",
                           message: "template \(template.reference) rendered an empty body with this data", field: "data")
        }
        let signature = field("signature").flatMap { $0.isEmpty ? nil : $0 }
        return RenderedContent(content: content, data: rendered, signature: signature, reference: template.reference,
                                locale: key, shortenLinks: template.shortenLinks)
    }

    private func dataFields(_ fields: [String: MustacheTemplate], _ context: [String: Any]) -> [String: JSONValue]? {
        var out: [String: JSONValue] = [:]
        for (name, compiled) in fields where name.hasPrefix("data.") {
            out[String(name.dropFirst(5))] = .string(compiled.render(context))
        }
        return out.isEmpty ? nil : out
    }

    /// A dotted variable (`order.id`) in the message's data; nil when absent or null.
    static func lookup(_ name: String, in data: [String: JSONValue]?) -> JSONValue? {
        var current: JSONValue = .object(data ?? [:])
        for part in name.split(separator: ".") {
            guard case .object(let fields) = current, let next = fields[String(part)] else { return nil }
            current = next
        }
        if case .null = current { return nil }
        return current
    }
}
