import Foundation
import HeraldCore
import HeraldRedis
import Hummingbird

/// `POST /v1/campaigns`, `GET /v1/campaigns`, `GET /v1/campaigns/{id}`,
/// `POST /v1/campaigns/{id}/recipients` (JSON or CSV) and the control actions
/// `POST /v1/campaigns/{id}/start|pause|resume|cancel`.
struct CampaignsController: Sendable {
    let store: CampaignStore
    let stats: StatsStore
    let templates: TemplateStore
    let validator: MessageValidator
    let fingerprints: RecipientFingerprint
    let configuration: APIConfiguration
    /// How long a message is kept after it ends: a conversion window must fit in it.
    let messageRetentionSeconds: Int

    static let maxDefinitionBytes = 64 * 1024
    static let maxPageSize = 200

    func register(on group: RouterGroup<HeraldRequestContext>) {
        group.post("campaigns", use: create)
        group.get("campaigns", use: list)
        group.get("campaigns/:id", use: show)
        group.post("campaigns/:id/recipients", use: addRecipients)
        group.get("campaigns/:id/results", use: results)
        group.post("campaigns/:id/winner", use: chooseWinner)
        for action in CampaignState.Action.allCases {
            group.post("campaigns/:id/\(action.rawValue)") { request, context in
                try await control(action, request: request, context: context)
            }
        }
    }

    static func campaignID(_ context: HeraldRequestContext) throws(APIError) -> String {
        guard let id = context.parameters.get("id"), CampaignDefinition.isValidID(id) else {
            throw APIError.notFound("campaign")
        }
        return id
    }

    @Sendable func create(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let body = try await request.collectBody(limit: Self.maxDefinitionBytes)
        let decoded = try RequestDecoder.decode(CampaignRequest.self, from: Data(buffer: body))
        let now = WallClock.nowMillis()
        let definition = try CampaignDefinition.validate(
            decoded, defaultTimezone: configuration.defaultTimeZone.identifier, nowMillis: now,
            enabledChannels: validator.enabledChannels, messageRetentionMillis: Int64(messageRetentionSeconds) * 1000)
        try context.caller?.requireChannel(definition.channel)
        if let template = definition.template { _ = try await resolve(template, channel: definition.channel) }
        for (index, variant) in definition.variants.enumerated() {
            guard let template = variant.template else { continue }
            do {
                _ = try await resolve(template, channel: definition.channel)
            } catch var error as APIError {
                error.field = "variants[\(index)].template"
                throw error
            }
        }
        let reply = try await store.create(definition, nowMillis: now)
        switch reply {
        case .created, .same:
            guard let record = try await store.record(id: definition.id, nowMillis: now) else {
                throw APIError.notFound("campaign \(definition.id)")
            }
            let status: HTTPResponse.Status = reply == .created ? .created : .ok
            return JSONResponse.encode(status, try await view(record, nowMillis: now))
        case .conflict(let state):
            var error = APIError(status: 409, code: "campaign_exists",
                                 message: "campaign \(definition.id) exists with another definition (state \(state.rawValue))",
                                 field: "id")
            error.state = state.rawValue
            throw error
        }
    }

    /// The pinned reference (`name@version`) of a stored template of `channel`.
    func resolve(_ reference: String, channel: Channel) async throws -> String {
        let (name, pinned) = try TemplateResolver.parse(reference)
        let version: Int? = if let pinned { pinned } else { try await templates.latestVersion(name) }
        guard let version, let template = try await templates.template(name, version: version) else {
            throw TemplateResolver.unknown(reference)
        }
        guard template.channel == channel else {
            throw APIError.invalid("template", "template \(template.reference) is for \(template.channel.rawValue), "
                + "not \(channel.rawValue)", code: "template_channel_mismatch")
        }
        return "\(name)@\(version)"
    }

    func view(_ record: CampaignRecord, nowMillis: Int64) async throws -> CampaignView {
        let counts = try await stats.totals(campaign: record.definition.id, variants: [nil], channel: record.definition.channel,
                                            days: CampaignResults.statsDays(record, nowMillis: nowMillis))
        return CampaignView(record, stats: counts[0], nowMillis: nowMillis)
    }

    @Sendable func show(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let id = try Self.campaignID(context)
        let now = WallClock.nowMillis()
        guard let record = try await store.record(id: id, nowMillis: now) else { throw APIError.notFound("campaign \(id)") }
        return JSONResponse.encode(.ok, try await view(record, nowMillis: now))
    }

    @Sendable func results(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let id = try Self.campaignID(context)
        let format = request.uri.queryParameters["format"].map(String.init) ?? "json"
        guard format == "json" || format == "csv" else { throw APIError.invalid("format", "format must be json or csv") }
        let now = WallClock.nowMillis()
        guard let record = try await store.record(id: id, nowMillis: now) else { throw APIError.notFound("campaign \(id)") }
        var metric = CampaignResults.defaultMetric(record.definition)
        if let name = request.uri.queryParameters["metric"].map(String.init) {
            guard let parsed = CampaignWinnerTest.Metric(rawValue: name) else {
                throw APIError.invalid("metric", "metric must be click_rate or conversion_rate")
            }
            metric = parsed
        }
        let byGroup = try await CampaignResults.load(record, stats: stats, nowMillis: now)
        let results = CampaignResults(record, stats: byGroup, metric: metric, nowMillis: now)
        if format == "csv" {
            return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: results.csv)))
        }
        return JSONResponse.encode(.ok, results)
    }

    struct Page: Encodable {
        let campaigns: [CampaignView]
        let nextCursor: String?

        enum CodingKeys: String, CodingKey {
            case campaigns
            case nextCursor = "next_cursor"
        }
    }

    @Sendable func list(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        var limit = 50
        if let text = query["limit"] {
            guard let value = Int(text), (1...Self.maxPageSize).contains(value) else {
                throw APIError.invalid("limit", "limit must be 1–\(Self.maxPageSize)")
            }
            limit = value
        }
        var cursor: (millis: Int64, id: String)?
        if let text = query["cursor"] {
            let parts = text.split(separator: ".", maxSplits: 1)
            guard parts.count == 2, parts[0].utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let millis = Int64(parts[0]),
                  CampaignDefinition.isValidID(String(parts[1]))
            else {
                throw APIError.invalid("cursor", "cursor must be a next_cursor this endpoint returned")
            }
            cursor = (millis, String(parts[1]))
        }
        let now = WallClock.nowMillis()
        let page = try await store.list(after: cursor, limit: limit, nowMillis: now)
        return JSONResponse.encode(.ok, Page(
            campaigns: page.records.map { CampaignView($0, stats: nil, nowMillis: now) },
            nextCursor: page.next.map { "\($0.millis).\($0.id)" }))
    }

    struct AddReply: Encodable {
        let accepted: Int
        let duplicates: Int
        let rejected: Int
        let errors: [CampaignAudience.RowError]
    }

    @Sendable func addRecipients(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let id = try Self.campaignID(context)
        let now = WallClock.nowMillis()
        guard let record = try await store.record(id: id, nowMillis: now) else { throw APIError.notFound("campaign \(id)") }
        try context.caller?.requireChannel(record.definition.channel)
        if record.state.isFinal { throw Self.closed(id, record.state) }
        let isCSV = request.headers[.contentType].map {
            $0.lowercased().hasPrefix("text/csv") || $0.lowercased().hasPrefix("application/csv")
        } ?? false
        let body = try await request.collectBody(
            limit: isCSV ? configuration.maxCampaignCSVBytes : configuration.maxCampaignJSONBytes)
        var audience = CampaignAudience(
            campaignID: id, channel: record.definition.channel, defaultZone: record.definition.timezone,
            validator: validator, fingerprints: fingerprints)
        // Rows are read in segments, each stored while the next is read: Redis
        // and the parsing overlap instead of taking turns.
        let bytes = Array(body.readableBytesView)
        var csv: CampaignAudience.CSVImport?
        var json: [JSONValue] = []
        if isCSV {
            csv = try bytes.withUnsafeBytes { body throws(APIError) in try CampaignAudience.csvHeader(body) }
        } else {
            json = try bytes.withUnsafeBytes { body throws(APIError) in try CampaignAudience.jsonRows(body) }
        }
        var added = 0, duplicates = 0, next = 0
        // Up to two segments are being stored while the next is read, so Redis
        // always has work queued whichever thread the parsing holds.
        var storing: [Task<CampaignTransition.AddReply, any Error>] = []
        func collect(keeping: Int) async throws {
            while storing.count > keeping {
                switch try await storing.removeFirst().value {
                case .added(let count, let repeated):
                    added += count
                    duplicates += repeated
                case .missing: throw APIError.notFound("campaign \(id)")
                case .closed(let state): throw Self.closed(id, state)
                }
            }
        }
        repeat {
            if var progress = csv {
                bytes.withUnsafeBytes { audience.addCSVRows($0, &progress, limit: Self.importSegment) }
                csv = progress
            } else {
                let end = min(json.count, next + Self.importSegment)
                audience.addJSONRows(json[next..<end])
                next = end
            }
            let segment = audience.drain()
            let done = csv?.isDone ?? (next == json.count)
            try await collect(keeping: 1)
            if !segment.isEmpty || done {
                let store = self.store
                let rejected = done ? audience.rejected : 0
                storing.append(Task { try await store.add(id: id, segment, rejected: rejected) })
            }
            if done { break }
        } while true
        try await collect(keeping: 0)
        return JSONResponse.encode(.accepted, AddReply(
            accepted: added, duplicates: duplicates, rejected: audience.rejected, errors: audience.errors))
    }

    /// Rows read between two stores of an import.
    static let importSegment = 50_000

    static func closed(_ id: String, _ state: CampaignState) -> APIError {
        var error = APIError(status: 409, code: "campaign_closed",
                             message: "campaign \(id) is \(state.rawValue): no recipient can be added", field: "state")
        error.state = state.rawValue
        return error
    }

    func control(_ action: CampaignState.Action, request: Request, context: HeraldRequestContext) async throws -> Response {
        let id = try Self.campaignID(context)
        let now = WallClock.nowMillis()
        guard let record = try await store.record(id: id, nowMillis: now) else { throw APIError.notFound("campaign \(id)") }
        try context.caller?.requireChannel(record.definition.channel)
        var pinned: String?
        if action == .start, record.state == .draft, let template = record.definition.template {
            pinned = try await resolve(template, channel: record.definition.channel)
        }
        if action == .start, record.state == .draft, !record.definition.variants.isEmpty {
            // Each variant's template pinned to its version now, kept as one JSON object.
            var map: [String: String] = [:]
            for variant in record.definition.variants {
                if let template = variant.template { map[variant.name] = try await resolve(template, channel: record.definition.channel) }
            }
            pinned = String(decoding: try JSONEncoder().encode(map), as: UTF8.self)
        }
        switch try await store.control(id: id, action, templateReference: pinned) {
        case .changed:
            if action == .resume {
                // What workers held while paused goes back to the queues; once more a moment
                // later, for a worker whose state cache still said paused.
                let store = self.store
                try await store.promoteHeld(id: id, nowMillis: now)
                Task {
                    try? await Task.sleep(for: .seconds(1))
                    _ = try? await store.promoteHeld(id: id, nowMillis: WallClock.nowMillis())
                }
            }
            guard let updated = try await store.record(id: id, nowMillis: now) else { throw APIError.notFound("campaign \(id)") }
            return JSONResponse.encode(.ok, try await view(updated, nowMillis: now))
        case .missing: throw APIError.notFound("campaign \(id)")
        case .illegal(let state):
            var error = APIError(status: 409, code: "illegal_transition",
                                 message: "cannot \(action.rawValue) campaign \(id): it is \(state.rawValue)", field: "state")
            error.state = state.rawValue
            throw error
        }
    }

    /// `{"variant":"B"}`: the body of `POST /v1/campaigns/{id}/winner`.
    struct WinnerChoice: Decodable {
        let variant: String?
    }

    /// `POST /v1/campaigns/{id}/winner`: a person chooses the winner test's
    /// winner, at any time before it was decided; the rest is then sent it.
    @Sendable func chooseWinner(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let id = try Self.campaignID(context)
        let body = try await request.collectBody(limit: 4096)
        let choice = try RequestDecoder.decode(WinnerChoice.self, from: Data(buffer: body))
        let now = WallClock.nowMillis()
        guard let record = try await store.record(id: id, nowMillis: now) else { throw APIError.notFound("campaign \(id)") }
        try context.caller?.requireChannel(record.definition.channel)
        guard let name = choice.variant else { throw APIError.missing("variant") }
        func conflict(_ code: String, _ message: String, _ state: CampaignState) -> APIError {
            var error = APIError(status: 409, code: code, message: message, field: "state")
            error.state = state.rawValue
            return error
        }
        guard record.definition.winnerTest != nil else {
            throw conflict("campaign_has_no_winner_test", "campaign \(id) has no winner test to decide", record.state)
        }
        guard record.definition.variants.contains(where: { $0.name == name }) else {
            throw APIError.invalid("variant", "campaign \(id) has no variant '\(name.prefix(32))'; its variants are "
                + record.definition.variants.map(\.name).joined(separator: ", "))
        }
        let reason = "chosen by hand" + (context.caller.map { " (key \($0.id))" } ?? "")
        switch try await store.decide(id: id, variant: name, by: "manual", reason: reason, graceMillis: 10_000) {
        case .decided: break
        case .alreadyDecided(let state):
            throw conflict("winner_decided", "campaign \(id)'s winner test was decided already", state)
        case .illegal(let state):
            throw conflict("illegal_state", "campaign \(id) is \(state.rawValue): its winner can no longer be chosen", state)
        case .missing: throw APIError.notFound("campaign \(id)")
        }
        guard let updated = try await store.record(id: id, nowMillis: now) else { throw APIError.notFound("campaign \(id)") }
        return JSONResponse.encode(.ok, try await view(updated, nowMillis: now))
    }
}
