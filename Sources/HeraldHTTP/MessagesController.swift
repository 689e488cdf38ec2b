import Foundation
import HeraldCore
import HeraldMetrics
import HeraldRedis
import HTTPTypes
import Hummingbird
import Logging

/// `POST /v1/messages`, `POST /v1/messages/batch`, `GET` and `DELETE /v1/messages/{id}`.
struct MessagesController: Sendable {
    let store: MessageStore
    let enqueuer: EnqueueCoalescer
    let validator: MessageValidator
    let configuration: APIConfiguration
    let metrics: HeraldMetrics
    let templates: TemplateResolver
    let shortener: LinkShortener
    /// Refuses webhooks to hosts Herald may not connect to; nil checks none.
    var webhookTargets: WebhookTargetCheck? = nil

    func register(on group: RouterGroup<HeraldRequestContext>) {
        group.post("messages", use: create)
        group.post("messages/batch", use: createBatch)
        group.get("messages/:id", use: show)
        group.delete("messages/:id", use: cancel)
    }

    @Sendable func create(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let body = try await request.collectBody(limit: configuration.maxMessageBodyBytes)
        let decoded = try body.withUnsafeReadableBytes { bytes throws(APIError) in try RequestDecoder.messageRequest(from: bytes) }
        let now = WallClock.nowMillis()
        var latest: [String: Int] = [:]
        let rendered = try await templates.render(decoded, latest: &latest)
        var message = try validator.validate(
            decoded, rendered: rendered, idempotencyHeader: request.headers[values: .idempotencyKey].first, nowMillis: now)
        try context.caller?.requireChannel(message.channel)
        try await webhookTargets?.check(message)
        if message.shortenLinks {
            try await shortener.shorten(&message, nowMillis: now)
            try validator.countSegments(&message)
        }
        let result = try await enqueuer.enqueue(message)
        switch result {
        case .created(let id):
            metrics.accepted(message.channel)
            let status = message.sendAtMillis == nil ? "queued" : "scheduled"
            return JSONResponse.make(.accepted, #"{"id":"\#(id)","status":"\#(status)"}"#)
        case .replayed(let id):
            return JSONResponse.make(.ok, #"{"id":"\#(id)","status":"queued","replayed":true}"#)
        case .refused(let id, let refusal):
            refused(refusal, count: 1, context: context)
            throw Self.error(refusal, id: id)
        }
    }

    /// The whole-request error for a message the store did not take: 503 and
    /// 507 mean nothing was stored (send it again); 504 means it may have been
    /// (look it up by the id in the message first).
    static func error(_ refusal: EnqueueRefusal, id: String) -> APIError {
        let status = switch refusal {
        case .unavailable: 503
        case .storeFull: 507
        case .outcomeUnknown: 504
        }
        return APIError(status: status, code: refusal.code, message: refusal.message(id: id))
    }

    /// Counts and logs messages the store refused: a full Redis is an
    /// operator's problem, named as such.
    private func refused(_ refusal: EnqueueRefusal, count: Int, context: HeraldRequestContext) {
        metrics.storeRefused(refusal, count: count)
        let text = switch refusal {
        case .storeFull: "message store full: Redis is at maxmemory and refuses writes; messages refused"
        case .unavailable: "message store unreachable past the retry window; messages refused"
        case .outcomeUnknown: "message store went away mid-write past the retry window; messages may be stored"
        }
        context.logger.error("\(text)", metadata: ["count": "\(count)", "reason": "\(refusal.code)"])
    }

    struct BatchItem: Encodable {
        let index: Int
        let id: String?
        let status: String?
        let replayed: Bool?
        let error: JSONResponse.ErrorBody.Detail?
        /// For an item the store did not take: whether sending it again as it is is safe.
        var retryable: Bool? = nil
    }

    /// The batch reply, written by hand: encoding 1000 items with JSONEncoder
    /// cost more than validating them. Ids and statuses are our own ASCII;
    /// error texts are escaped.
    static func batchReply(accepted: Int, rejected: Int, results: [BatchItem]) -> String {
        var json = #"{"accepted":\#(accepted),"rejected":\#(rejected),"results":["#
        json.reserveCapacity(64 + results.count * 64)
        for (position, item) in results.enumerated() {
            if position > 0 { json += "," }
            if let error = item.error {
                json += #"{"index":\#(item.index),"#
                if let id = item.id { json += #""id":"\#(id)","# }
                json += #""error":{"code":"\#(error.code)","message":\#(JSONText.quoted(error.message))"#
                if let field = error.field { json += #","field":\#(JSONText.quoted(field))"# }
                if let retryable = item.retryable { json += #","retryable":\#(retryable)"# }
                json += "}}"
            } else {
                json += #"{"index":\#(item.index),"id":"\#(item.id ?? "")","status":"\#(item.status ?? "queued")""#
                if item.replayed == true { json += #","replayed":true"# }
                json += "}"
            }
        }
        return json + "]}"
    }

    /// Validates every item; valid ones are stored in one pipelined round trip,
    /// invalid ones get their error in place. Replies 202 when anything was
    /// stored (or may have been), with each item's outcome: an item the store
    /// did not take says whether to send it again (`retryable`), so a client
    /// that resends exactly those causes no duplicate. When nothing was stored
    /// because of the store, the whole request gets 503 (or 507 when Redis is
    /// full): resend all of it. 422 when every item was invalid.
    @Sendable func createBatch(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let body = try await request.collectBody(limit: configuration.maxBatchBodyBytes)
        let batch = try body.withUnsafeReadableBytes { bytes throws(APIError) in try RequestDecoder.batchRequest(from: bytes) }
        guard let items = batch.messages else { throw APIError.missing("messages") }
        guard !items.isEmpty else { throw APIError.invalid("messages", "messages must not be empty") }
        guard items.count <= MessageLimits.maxBatchMessages else {
            throw APIError(status: 413, code: "batch_too_large",
                           message: "a batch holds at most \(MessageLimits.maxBatchMessages) messages", field: "messages")
        }
        let now = WallClock.nowMillis()
        var valid: [(index: Int, message: NewMessage)] = []
        var results = [BatchItem?](repeating: nil, count: items.count)
        var latest: [String: Int] = [:]
        func reject(_ index: Int, _ error: APIError, typed: Bool) {
            let field = typed ? error.field.map { "messages[\(index)].\($0)" } : error.field
            metrics.rejected(code: error.code)
            results[index] = BatchItem(
                index: index, id: nil, status: nil, replayed: nil,
                error: .init(code: error.code, message: error.message, field: field))
        }
        for (index, item) in items.enumerated() {
            do {
                let rendered = try await templates.render(item, latest: &latest)
                let message = try validator.validate(item, rendered: rendered, nowMillis: now)
                try context.caller?.requireChannel(message.channel)
                valid.append((index, message))
            } catch let error as APIError {
                reject(index, error, typed: item.typeError == nil)
            }
        }
        if let webhookTargets, valid.contains(where: { $0.message.channel == .webhook }) {
            let refused = await webhookTargets.refusals(valid)
            for (index, error) in refused { reject(index, error, typed: true) }
            valid.removeAll { refused[$0.index] != nil }
        }
        if valid.contains(where: { $0.message.shortenLinks }) {
            var messages = valid.map(\.message)
            try await shortener.shorten(&messages, nowMillis: now)
            var counted: [(index: Int, message: NewMessage)] = []
            for (entry, var message) in zip(valid, messages) {
                do {
                    try validator.countSegments(&message)
                    counted.append((entry.index, message))
                } catch {
                    reject(entry.index, error, typed: true)
                }
            }
            valid = counted
        }
        let stored = try await store.enqueue(valid.map(\.message), nowMillis: now)
        var accepted = 0
        var created: [Channel: Int] = [:]
        var refusals: [EnqueueRefusal: Int] = [:]
        for (entry, result) in zip(valid, stored) {
            let status = entry.message.sendAtMillis == nil ? "queued" : "scheduled"
            switch result {
            case .created(let id):
                accepted += 1
                created[entry.message.channel, default: 0] += 1
                results[entry.index] = BatchItem(index: entry.index, id: id, status: status, replayed: nil, error: nil)
            case .replayed(let id):
                accepted += 1
                results[entry.index] = BatchItem(index: entry.index, id: id, status: "queued", replayed: true, error: nil)
            case .refused(let id, let refusal):
                refusals[refusal, default: 0] += 1
                let unknown = refusal == .outcomeUnknown
                results[entry.index] = BatchItem(
                    index: entry.index, id: unknown ? id : nil, status: nil, replayed: nil,
                    error: .init(code: refusal.code, message: refusal.message(id: id), field: nil), retryable: !unknown)
            }
        }
        for (channel, count) in created { metrics.accepted(channel, count: count) }
        for (refusal, count) in refusals { refused(refusal, count: count, context: context) }
        if accepted == 0, refusals[.outcomeUnknown] == nil, !refusals.isEmpty {
            // Nothing stored: the whole request is refused, to be sent again as it is.
            throw Self.error(refusals[.unavailable] != nil ? .unavailable : .storeFull, id: "")
        }
        return JSONResponse.make(
            accepted > 0 || refusals[.outcomeUnknown] != nil ? .accepted : .unprocessableContent,
            Self.batchReply(accepted: accepted, rejected: items.count - accepted, results: results.compactMap { $0 }))
    }

    @Sendable func show(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let message = try await store.message(id: id) else { throw APIError.notFound("message \(id.prefix(64))") }
        return JSONResponse.encode(.ok, MessageView(message))
    }

    @Sendable func cancel(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        switch try await store.cancel(id: id, nowMillis: WallClock.nowMillis()) {
        case .canceled:
            return JSONResponse.make(.ok, #"{"id":"\#(id)","status":"canceled"}"#)
        case .notFound:
            throw APIError.notFound("message \(id.prefix(64))")
        case .conflict(let status):
            throw APIError(status: 409, code: "not_cancelable", message: "message is already \(status) and cannot be canceled")
        }
    }
}

extension HTTPField.Name {
    static let idempotencyKey = Self("Idempotency-Key")!
}
