import Foundation
import HeraldCore
import HeraldMetrics
import HeraldRedis
import Hummingbird

/// `POST /v1/conversions` and `POST /v1/conversions/batch`: a caller reports
/// events (a purchase, a sign-up) and Herald attributes each to the message,
/// or the campaign holdout, that preceded it (see `ConversionAttribution`).
/// The first answer under an idempotency key is kept and given again to a
/// repeat. A batch is worked in a few pipelined round trips, whatever its size.
struct ConversionsController: Sendable {
    let attribution: ConversionAttribution
    let metrics: HeraldMetrics

    static let maxBodyBytes = 16 * 1024
    static let maxBatch = 1_000
    static let maxBatchBodyBytes = 4 * 1024 * 1024

    func register(on group: RouterGroup<HeraldRequestContext>) {
        group.post("conversions", use: record)
        group.post("conversions/batch", use: recordBatch)
    }

    @Sendable func record(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let body = try await request.collectBody(limit: Self.maxBodyBytes)
        let decoded = try body.withUnsafeReadableBytes { bytes throws(APIError) in try RequestDecoder.conversionRequest(from: bytes) }
        let now = WallClock.nowMillis()
        let conversion = try Conversion.validate(decoded, nowMillis: now)
        let reply = try await attribute([conversion], nowMillis: now)[0]
        return JSONResponse.make(reply.replayed == true ? .ok : .accepted, reply.json)
    }

    /// `{"conversions":[…]}` as decoded: each item decoded on its own, so one bad item fails alone.
    struct Batch: Decodable {
        let conversions: [JSONValue]?
    }

    /// Up to 1,000 conversions; each gets its answer (or its error) in place,
    /// as `POST /v1/messages/batch` does. 422 when every item was invalid.
    @Sendable func recordBatch(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let body = try await request.collectBody(limit: Self.maxBatchBodyBytes)
        let items: [JSONValue]
        if case .object(let object)? = body.withUnsafeReadableBytes({ JSONParser.parse($0) }), case .array(let list)? = object["conversions"] {
            items = list
        } else {
            guard let list = try RequestDecoder.decode(Batch.self, from: Data(buffer: body)).conversions else {
                throw APIError.missing("conversions")
            }
            items = list
        }
        guard !items.isEmpty else { throw APIError.invalid("conversions", "conversions must not be empty") }
        guard items.count <= Self.maxBatch else {
            throw APIError(status: 413, code: "batch_too_large", message: "a batch holds at most \(Self.maxBatch) conversions",
                           field: "conversions")
        }
        let now = WallClock.nowMillis()
        var valid: [(index: Int, conversion: Conversion)] = []
        var results = [String](repeating: "", count: items.count)
        for (index, item) in items.enumerated() {
            do {
                guard case .object(let object) = item else { throw APIError.invalid("conversions[\(index)]", "a conversion is an object") }
                guard let decoded = ConversionRequest(parsed: object) else {
                    throw APIError.invalid("conversions[\(index)]", "a conversion's fields are strings, and value a number",
                                           code: "invalid_type")
                }
                valid.append((index, try Conversion.validate(decoded, nowMillis: now)))
            } catch let error as APIError {
                metrics.rejected(code: error.code)
                let field = error.field.map { $0.hasPrefix("conversions[") ? $0 : "conversions[\(index)].\($0)" }
                results[index] = #"{"index":\#(index),"error":{"code":\#(JSONText.quoted(error.code)),"#
                    + #""message":\#(JSONText.quoted(error.message))"# + (field.map { #","field":\#(JSONText.quoted($0))"# } ?? "") + "}}"
            }
        }
        let replies = try await attribute(valid.map(\.conversion), nowMillis: now)
        for ((index, _), reply) in zip(valid, replies) {
            results[index] = #"{"index":\#(index),"# + reply.json.dropFirst()
        }
        let status: HTTPResponse.Status = valid.isEmpty ? .unprocessableContent : .accepted
        return JSONResponse.make(status, #"{"accepted":\#(valid.count),"rejected":\#(items.count - valid.count),"results":["#
            + results.joined(separator: ",") + "]}")
    }

    /// Attributes, counts and keeps the replies of `conversions`; a repeat of
    /// an idempotency key (in an earlier call, or earlier in this batch) gets
    /// the first reply, marked replayed, and counts nothing.
    func attribute(_ conversions: [Conversion], nowMillis: Int64) async throws -> [ConversionAttribution.Answer] {
        guard !conversions.isEmpty else { return [] }
        var firstOfKey: [String: Int] = [:]
        var unique: [Int] = []
        for (index, conversion) in conversions.enumerated() where firstOfKey[conversion.idempotencyDigest] == nil {
            firstOfKey[conversion.idempotencyDigest] = index
            unique.append(index)
        }
        let found = try await attribution.attribute(unique.map { conversions[$0] }, nowMillis: nowMillis)
        var answers = [ConversionAttribution.Answer?](repeating: nil, count: conversions.count)
        var toKeep: [(reply: String, idempotencyDigest: String)] = []
        var fresh: [Int] = []
        for (index, (answer, kept)) in zip(unique, found) {
            if let answer {
                metrics.conversion(outcome: answer.counted ? "counted" : answer.reason)
                answers[index] = answer
                toKeep.append((answer.json, conversions[index].idempotencyDigest))
                fresh.append(index)
            } else {
                answers[index] = Self.replayed(kept ?? "", event: conversions[index].event)
            }
        }
        let before = try await attribution.conversions.keep(replies: toKeep)
        for (index, first) in zip(fresh, before) {
            // Another call with this key kept its reply first: that one is the answer.
            if let first { answers[index] = Self.replayed(first, event: conversions[index].event) }
        }
        return conversions.indices.map { index in
            let first = firstOfKey[conversions[index].idempotencyDigest]!
            guard first != index, var answer = answers[first] else { return answers[index]! }
            answer.replayed = true
            return answer
        }
    }

    /// The first answer under a key, marked replayed.
    static func replayed(_ kept: String, event: String) -> ConversionAttribution.Answer {
        var answer = (try? JSONDecoder().decode(ConversionAttribution.Answer.self, from: Data(kept.utf8)))
            ?? ConversionAttribution.Answer(attributedTo: nil, reason: "duplicate", counted: false, campaign: nil, variant: nil,
                                            event: event, replayed: nil)
        answer.replayed = true
        return answer
    }
}
