import Foundation
import HeraldCore
import Hummingbird

/// Builders for the JSON replies every endpoint shares.
enum JSONResponse {
    static func make(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func encode<T: Encodable>(_ status: HTTPResponse.Status, _ value: T) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    struct ErrorBody: Encodable {
        struct Detail: Encodable {
            let code: String
            let message: String
            let field: String?
            var state: String? = nil
        }
        let error: Detail
    }

    static func error(_ error: APIError) -> Response {
        var response = encode(
            HTTPResponse.Status(code: error.status),
            ErrorBody(error: .init(code: error.code, message: error.message, field: error.field, state: error.state)))
        if let seconds = error.retryAfterSeconds { response.headers[.retryAfter] = String(seconds) }
        return response
    }
}
