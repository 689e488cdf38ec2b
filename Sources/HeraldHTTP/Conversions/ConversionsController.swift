import Foundation
import HeraldCore
import HeraldMetrics
import HeraldRedis
import Hummingbird

/// `POST /v1/conversions`: a caller reports an event (a purchase, a
/// sign-up) and Herald attributes it to the message, or the campaign
/// holdout, that preceded it (see `ConversionAttribution`). The first answer
/// under an idempotency key is kept and given again to a repeat.
struct ConversionsController: Sendable {
    let attribution: ConversionAttribution
    let metrics: HeraldMetrics

    static let maxBodyBytes = 16 * 1024

    func register(on group: RouterGroup<HeraldRequestContext>) {
        group.post("conversions", use: record)
    }

    @Sendable func record(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let body = try await request.collectBody(limit: Self.maxBodyBytes)
        let decoded = try RequestDecoder.decode(ConversionRequest.self, from: Data(buffer: body))
        let now = WallClock.nowMillis()
        let conversion = try Conversion.validate(decoded, nowMillis: now)
        let store = attribution.conversions
        if let kept = try await store.reply(idempotencyDigest: conversion.idempotencyDigest) {
            return Self.replay(kept)
        }
        let answer = try await attribution.attribute(conversion, nowMillis: now)
        metrics.conversion(outcome: answer.counted ? "counted" : answer.reason)
        let encoded = String(decoding: try JSONEncoder().encode(answer), as: UTF8.self)
        let kept = try await store.keep(reply: encoded, idempotencyDigest: conversion.idempotencyDigest)
        if kept != encoded { return Self.replay(kept) }
        return JSONResponse.encode(.accepted, answer)
    }

    /// The first answer under the key, marked replayed.
    static func replay(_ kept: String) -> Response {
        guard var answer = try? JSONDecoder().decode(ConversionAttribution.Answer.self, from: Data(kept.utf8)) else {
            return JSONResponse.make(.ok, kept)
        }
        answer.replayed = true
        return JSONResponse.encode(.ok, answer)
    }
}
