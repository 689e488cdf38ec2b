import Foundation
import HeraldCore

/// An RFC 5322 message with MIME (RFC 2045/2046): UTF-8 headers as RFC 2047
/// encoded words, text and HTML as `multipart/alternative` parts in base64,
/// CRLF line endings throughout. Nothing the caller wrote can end a header
/// line, so a subject cannot inject headers.
public struct MIMEMessage: Sendable, Equatable {
    public var from: String
    public var fromName: String?
    public var to: String
    public var subject: String
    public var text: String
    public var html: String?
    /// Without angle brackets: `email_…@example.com`.
    public var messageID: String
    public var date: Date
    public var extraHeaders: [(String, String)]

    public init(from: String, fromName: String?, to: String, subject: String, text: String, html: String?,
                messageID: String, date: Date, extraHeaders: [(String, String)] = [])
    {
        self.from = from
        self.fromName = fromName
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
        self.messageID = messageID
        self.date = date
        self.extraHeaders = extraHeaders
    }

    public static func == (lhs: MIMEMessage, rhs: MIMEMessage) -> Bool {
        lhs.rendered(boundary: "b") == rhs.rendered(boundary: "b")
    }

    /// The message as sent, with a fresh boundary.
    public func rendered() -> [UInt8] {
        rendered(boundary: "herald-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())
    }

    func rendered(boundary: String) -> [UInt8] {
        var lines: [String] = []
        let sender = fromName.map { Self.encodeWords($0) + " <\(from)>" } ?? "<\(from)>"
        lines.append("From: " + sender)
        lines.append("To: <\(to)>")
        lines.append("Subject: " + Self.encodeWords(subject))
        lines.append("Date: " + RFC2822Date.string(from: date))
        lines.append("Message-ID: <\(messageID)>")
        lines.append("MIME-Version: 1.0")
        for (name, value) in extraHeaders { lines.append(name + ": " + Self.stripLineBreaks(value)) }
        if let html {
            lines.append("Content-Type: multipart/alternative; boundary=\"\(boundary)\"")
            lines.append("")
            lines.append("--" + boundary)
            lines += Self.part(type: "text/plain", body: text)
            lines.append("--" + boundary)
            lines += Self.part(type: "text/html", body: html)
            lines.append("--" + boundary + "--")
        } else {
            lines += Self.part(type: "text/plain", body: text)
        }
        return Array((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    static func part(type: String, body: String) -> [String] {
        ["Content-Type: \(type); charset=UTF-8", "Content-Transfer-Encoding: base64", ""] + base64Lines(Data(body.utf8))
    }

    /// Base64 in lines of 76 characters (RFC 2045 §6.8).
    static func base64Lines(_ data: Data) -> [String] {
        let encoded = Array(data.base64EncodedString().utf8)
        return stride(from: 0, to: encoded.count, by: 76).map {
            String(decoding: encoded[$0..<min($0 + 76, encoded.count)], as: UTF8.self)
        }
    }

    /// Printable ASCII stays as it is; anything else becomes RFC 2047 `B`
    /// encoded words of at most 75 characters, split on character boundaries
    /// and folded onto continuation lines.
    public static func encodeWords(_ text: String) -> String {
        if text.utf8.count <= 70, text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) { return text }
        var words: [String] = []
        var chunk = Data()
        for character in text {
            let bytes = Data(String(character).utf8)
            if chunk.count + bytes.count > 45 {
                words.append("=?UTF-8?B?" + chunk.base64EncodedString() + "?=")
                chunk = Data()
            }
            chunk.append(bytes)
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?" + chunk.base64EncodedString() + "?=") }
        return words.joined(separator: "\r\n ")
    }

    static func stripLineBreaks(_ value: String) -> String {
        String(value.unicodeScalars.filter { $0 != "\r" && $0 != "\n" })
    }
}
