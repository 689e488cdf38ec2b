/// One locale's text of a template: the Mustache source of each field its
/// channel uses (sms: body, signature; email: subject, text, html; push: title,
/// body, data; wechat: template_id, url, data).
public struct TemplateVariant: Sendable, Equatable, Codable {
    public var body: String?
    public var signature: String?
    public var subject: String?
    public var text: String?
    public var html: String?
    public var title: String?
    public var templateID: String?
    public var url: String?
    /// Push data pairs or WeChat keywords, each value a Mustache source.
    public var data: [String: String]?

    enum CodingKeys: String, CodingKey {
        case body, signature, subject, text, html, title, url, data
        case templateID = "template_id"
    }

    public init(body: String? = nil, signature: String? = nil, subject: String? = nil, text: String? = nil,
                html: String? = nil, title: String? = nil, templateID: String? = nil, url: String? = nil,
                data: [String: String]? = nil)
    {
        self.body = body
        self.signature = signature
        self.subject = subject
        self.text = text
        self.html = html
        self.title = title
        self.templateID = templateID
        self.url = url
        self.data = data
    }

    /// Every Mustache source of the variant with the field it fills, in a
    /// stable order: what is compiled, checked and rendered.
    public var sources: [(field: String, source: String)] {
        var fields: [(String, String)] = []
        for (name, value) in [("body", body), ("signature", signature), ("subject", subject), ("text", text),
                              ("html", html), ("title", title), ("template_id", templateID), ("url", url)]
        {
            if let value { fields.append((name, value)) }
        }
        for key in (data ?? [:]).keys.sorted() { fields.append(("data." + key, data![key]!)) }
        return fields
    }
}
