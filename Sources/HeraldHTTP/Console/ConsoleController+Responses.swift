import Foundation
import HeraldCore
import HeraldMetrics
import HeraldRedis
import HTTPTypes
import Hummingbird

/// How the console answers: pages, assets, redirects, refusals, and reading forms and API views.
extension ConsoleController {

    func page(_ session: ConsoleSessions.Session, _ title: String, _ section: ConsoleHTML.Section, _ body: String,
                      status: HTTPResponse.Status = .ok) -> Response
    {
        Self.html(ConsoleHTML.page(title: title, section: section, user: session.caller.name, csrf: session.csrf, live: status == .ok,
                                   body: body), status: status)
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: securityHeaders(type: "text/html; charset=utf-8"),
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func asset(_ text: String, type: String) -> Response {
        var headers = securityHeaders(type: type)
        headers[.cacheControl] = "private, max-age=300"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func securityHeaders(type: String) -> HTTPFields {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "no-store"
        headers[HTTPField.Name("Content-Security-Policy")!] = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        return headers
    }

    static func redirect(_ location: String) -> Response {
        var headers = securityHeaders(type: "text/plain; charset=utf-8")
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }

    static func forbidden() -> Response {
        html(ConsoleHTML.page(title: "Refused", section: nil, user: nil, csrf: nil, live: false,
                              body: "<p class=\"error\" id=\"csrf-error\">The form's security token did not match. "
                                  + "<a href=\"/console\">Start again</a>.</p>"), status: .forbidden)
    }

    /// A urlencoded form body, at most 16 KiB.
    static func form(_ request: Request) async throws -> [String: String] {
        let body = try await request.collectBody(limit: 16 * 1024)
        let pairs = FormURLEncoding.decode(String(decoding: body.readableBytesView, as: UTF8.self)) ?? []
        return Dictionary(pairs, uniquingKeysWith: { first, _ in first })
    }

    /// An API view as parsed JSON, so the console shows exactly what the API answers.
    static func json<T: Encodable>(_ value: T) throws -> [String: JSONValue] {
        let data = try JSONEncoder().encode(value)
        guard case .object(let object)? = data.withUnsafeBytes({ JSONParser.parse($0) }) else { return [:] }
        return object
    }

    static func number(_ value: JSONValue?) -> String {
        guard let value else { return "0" }
        switch value {
        case .number(let number): return number == number.rounded() ? String(Int(number)) : String(number)
        case .string(let text): return ConsoleHTML.escape(text)
        default: return "–"
        }
    }
}
