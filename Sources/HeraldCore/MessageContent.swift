/// Literal content for a message that does not use a stored template.
public struct MessageContent: Sendable, Equatable, Codable {
    /// The text body (SMS text, email text part, push body, webhook payload text).
    public var body: String
    /// Email subject; ignored by channels without one.
    public var subject: String?
    /// Push notification title; ignored by channels without one.
    public var title: String?
    /// The HTML alternative of an email's text body; ignored by other channels.
    public var html: String?

    public init(body: String, subject: String? = nil, title: String? = nil, html: String? = nil) {
        self.body = body
        self.subject = subject
        self.title = title
        self.html = html
    }
}
