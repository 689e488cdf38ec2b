import Foundation

/// Decodes request bodies and turns decoder failures into `APIError`s that
/// name the offending field (`messages[3].to`) instead of leaking Swift types.
public enum RequestDecoder {
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(APIError) -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as APIError {
            throw error
        } catch let error as DecodingError {
            throw apiError(error)
        } catch {
            throw .malformedJSON("unreadable body")
        }
    }

    /// `POST /v1/messages`: parsed by `JSONParser` when the body is plain
    /// and well typed, else decoded by `JSONDecoder` for its field-level errors.
    public static func messageRequest(from body: UnsafeRawBufferPointer) throws(APIError) -> MessageRequest {
        if case .object(let object)? = JSONParser.parse(body), let request = MessageRequest(parsed: object) { return request }
        return try decode(MessageRequest.self, from: Data(body))
    }

    /// `POST /v1/messages/batch`, the same way.
    public static func batchRequest(from body: UnsafeRawBufferPointer) throws(APIError) -> BatchRequest {
        if case .object(let object)? = JSONParser.parse(body), let batch = BatchRequest(parsed: object) { return batch }
        return try decode(BatchRequest.self, from: Data(body))
    }

    /// `POST /v1/conversions`, the same way.
    public static func conversionRequest(from body: UnsafeRawBufferPointer) throws(APIError) -> ConversionRequest {
        if case .object(let object)? = JSONParser.parse(body), let request = ConversionRequest(parsed: object) { return request }
        return try decode(ConversionRequest.self, from: Data(body))
    }

    static func fieldName(_ path: [any CodingKey]) -> String {
        var name = ""
        for key in path {
            if let index = key.intValue {
                name += "[\(index)]"
            } else {
                name += name.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return name
    }

    static func apiError(_ error: DecodingError) -> APIError {
        switch error {
        case .typeMismatch(let type, let context):
            let field = fieldName(context.codingPath)
            return .invalid(field.isEmpty ? "body" : field,
                            "'\(field.isEmpty ? "body" : field)' must be \(describe(type))", code: "invalid_type")
        case .valueNotFound(let type, let context):
            let field = fieldName(context.codingPath)
            return .invalid(field, "'\(field)' must be \(describe(type)), not null", code: "invalid_type")
        case .keyNotFound(let key, let context):
            return .missing(fieldName(context.codingPath + [key]))
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return .malformedJSON("syntax error") }
            let field = fieldName(context.codingPath)
            return .invalid(field, "'\(field)' has an invalid value", code: "invalid_type")
        @unknown default:
            return .malformedJSON("unreadable body")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is Int.Type, is Double.Type, is Int64.Type: "a number"
        default:
            String(describing: type).hasPrefix("Array") ? "an array" : "an object"
        }
    }
}
