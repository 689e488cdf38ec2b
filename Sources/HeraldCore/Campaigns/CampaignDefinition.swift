import Foundation

/// A validated campaign: what is sent, to which channel, and how it is
/// paced. It is stored as its canonical JSON (`canonicalJSON`), which is also
/// how a repeated `POST /v1/campaigns` is told apart from a conflicting one.
public struct CampaignDefinition: Sendable, Equatable, Codable {
    public var id: String
    public var channel: Channel
    public var category: MessageCategory
    /// `name` or `name@version`; pinned to a version when the campaign starts.
    public var template: String?
    public var content: MessageContent?
    /// Per minute, shared by every instance; nil sends as fast as the providers admit.
    public var ratePerMinute: Int?
    /// At most this many sends per calendar day in the campaign's zone.
    public var dailyCap: Int?
    public var windows: [SendWindow]
    /// Parts of the audience released at their times; the percents add up to 100.
    public var batches: [CampaignBatch]
    /// The zone windows and days are reckoned in for recipients without their own.
    public var timezone: String
    public var startAtMillis: Int64?
    public var endAtMillis: Int64?
    /// A/B variants, when the campaign tests several contents (else empty).
    public var variants: [CampaignVariant] = []
    /// The share of the audience (0–50 %) held out as the control: never sent.
    public var holdoutPercent = 0
    /// Which conversions count and for how long (nil: every event, three days from delivery).
    public var conversion: CampaignConversion?
    /// The winner test, when the variants are tested on a share first.
    public var winnerTest: CampaignWinnerTest?

    /// The conversion rules in force: the campaign's own, else the standard ones.
    public var conversionRules: CampaignConversion { conversion ?? .standard }

    /// A batch: from `atMillis`, `percent` more of the audience may be sent.
    public struct CampaignBatch: Sendable, Equatable, Codable {
        public var atMillis: Int64
        public var percent: Int
    }

    public static let maxRatePerMinute = 6_000_000
    public static let maxWindows = 28
    public static let maxBatches = 100

    /// Whether `id` has the shape callers may use: `[A-Za-z0-9_-]{1,64}`.
    public static func isValidID(_ id: String) -> Bool {
        (1...64).contains(id.utf8.count) && id.utf8.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F || $0 == 0x2D
        }
    }

    /// Checks a decoded body; the error names the field (`pacing.windows[1].from`).
    public static func validate(_ request: CampaignRequest, defaultTimezone: String, nowMillis: Int64,
                                enabledChannels: Set<Channel>,
                                messageRetentionMillis: Int64 = CampaignConversion.maxWindowMillis + 86_400_000)
        throws(APIError) -> CampaignDefinition
    {
        guard let id = request.id else { throw .missing("id") }
        guard isValidID(id) else { throw .invalid("id", "id must be 1–64 characters of A–Z, a–z, 0–9, _ and -") }
        guard let channelName = request.channel else { throw .missing("channel") }
        guard let channel = Channel(rawValue: channelName) else {
            throw .invalid("channel", "unknown channel '\(channelName.prefix(32))'; expected one of "
                + Channel.allCases.map(\.rawValue).joined(separator: ", "), code: "unknown_channel")
        }
        guard enabledChannels.contains(channel) else {
            throw .invalid("channel", "no provider is configured for \(channel.rawValue) on this gateway",
                           code: "channel_not_configured")
        }
        var category = MessageCategory.marketing
        if let name = request.category {
            guard let parsed = MessageCategory(rawValue: name) else {
                throw .invalid("category", "category must be one of "
                    + MessageCategory.allCases.map(\.rawValue).joined(separator: ", "))
            }
            category = parsed
        }
        let variants = try validateVariants(request, channel: channel)
        let holdout = request.holdoutPercent ?? 0
        guard (0...50).contains(holdout) else {
            throw .invalid("holdout_percent", "holdout_percent must be 0–50")
        }
        switch (request.template, request.content) {
        case (nil, nil) where !variants.isEmpty: break
        case (_, _) where !variants.isEmpty:
            throw .invalid("variants", "give 'variants' or 'template'/'content', not both")
        case (nil, nil): throw .invalid("template", "give 'template', 'content' or 'variants'", code: "missing_field")
        case (_?, _?): throw .invalid("template", "give either 'template' or 'content', not both")
        case (let template?, nil):
            // The gateway checks that it names a stored template of this channel.
            guard !template.isEmpty, template.utf8.count <= 200 else {
                throw .invalid("template", "template must be a name or name@version", code: "unknown_template")
            }
        case (nil, let content?):
            try checkContent(content, channel: channel, field: "content")
        }
        let timezone = request.timezone ?? defaultTimezone
        guard TimeZone(identifier: timezone) != nil else {
            throw .invalid("timezone", "timezone must be an IANA time zone name such as Asia/Shanghai")
        }
        let pacing = request.pacing
        if let rate = pacing?.ratePerMinute, !(1...maxRatePerMinute).contains(rate) {
            throw .invalid("pacing.rate_per_minute", "rate_per_minute must be 1–\(maxRatePerMinute)")
        }
        if let cap = pacing?.dailyCap, cap < 1 {
            throw .invalid("pacing.daily_cap", "daily_cap must be at least 1")
        }
        var windows: [SendWindow] = []
        for (index, window) in (pacing?.windows ?? []).enumerated() {
            do {
                windows.append(try SendWindow.parse(days: window.days, from: window.from, to: window.to))
            } catch {
                throw .invalid("pacing.windows[\(index)].\(error.field ?? "")", error.message, code: error.code)
            }
        }
        guard windows.count <= maxWindows else {
            throw .invalid("pacing.windows", "at most \(maxWindows) windows")
        }
        var batches: [CampaignBatch] = []
        for (index, batch) in (pacing?.batches ?? []).enumerated() {
            guard let at = batch.at else { throw .missing("pacing.batches[\(index)].at") }
            let millis = try MessageValidator.parseTime(at, field: "pacing.batches[\(index)].at")
            guard let percent = batch.percent, (1...100).contains(percent) else {
                throw .invalid("pacing.batches[\(index)].percent", "percent must be 1–100")
            }
            batches.append(CampaignBatch(atMillis: millis, percent: percent))
        }
        guard batches.count <= maxBatches else { throw .invalid("pacing.batches", "at most \(maxBatches) batches") }
        if !batches.isEmpty, batches.reduce(0, { $0 + $1.percent }) != 100 {
            throw .invalid("pacing.batches", "the batches' percents must add up to 100")
        }
        batches.sort { $0.atMillis < $1.atMillis }
        let startAt = try request.startAt.map { (text) throws(APIError) in try MessageValidator.parseTime(text, field: "start_at") }
        let endAt = try request.endAt.map { (text) throws(APIError) in try MessageValidator.parseTime(text, field: "end_at") }
        if let endAt {
            guard endAt > nowMillis else { throw .invalid("end_at", "end_at is in the past") }
            if let startAt, endAt <= startAt { throw .invalid("end_at", "end_at must be after start_at") }
        }
        var definition = CampaignDefinition(
            id: id, channel: channel, category: category, template: request.template, content: request.content,
            ratePerMinute: pacing?.ratePerMinute, dailyCap: pacing?.dailyCap, windows: windows, batches: batches,
            timezone: timezone, startAtMillis: startAt, endAtMillis: endAt)
        definition.variants = variants
        definition.holdoutPercent = holdout
        definition.conversion = try request.conversion.map { (body) throws(APIError) in
            try CampaignConversion.validate(body, messageRetentionMillis: messageRetentionMillis)
        }
        definition.winnerTest = try request.winner.map { (body) throws(APIError) in
            try CampaignWinnerTest.validate(body, variants: variants.count)
        }
        return definition
    }

    static func checkContent(_ content: MessageContent, channel: Channel, field: String) throws(APIError) {
        guard !content.body.isEmpty else { throw .missing("\(field).body") }
        guard content.body.utf8.count <= MessageLimits.maxBodyBytes else {
            throw .invalid("\(field).body", "body exceeds \(MessageLimits.maxBodyBytes) bytes")
        }
        if channel == .email, content.subject?.isEmpty ?? true { throw .missing("\(field).subject") }
    }

    static func validateVariants(_ request: CampaignRequest, channel: Channel) throws(APIError) -> [CampaignVariant] {
        guard let given = request.variants else { return [] }
        guard !given.isEmpty, given.count <= CampaignVariant.maxVariants else {
            throw .invalid("variants", "a campaign has 1–\(CampaignVariant.maxVariants) variants")
        }
        var variants: [CampaignVariant] = []
        for (index, variant) in given.enumerated() {
            let field = "variants[\(index)]"
            guard let name = variant.name else { throw .missing("\(field).name") }
            guard CampaignVariant.isValidName(name) else {
                throw .invalid("\(field).name", "a variant's name is 1–32 characters of A–Z, a–z, 0–9, _ and -, not 'holdout'")
            }
            guard !variants.contains(where: { $0.name == name }) else {
                throw .invalid("\(field).name", "variant \(name) is named twice")
            }
            guard let weight = variant.weight, weight >= 0, weight <= 10_000 else {
                throw .invalid("\(field).weight", "a variant's weight is an integer 0–10000")
            }
            switch (variant.template, variant.content) {
            case (nil, nil): throw .invalid("\(field).template", "give the variant 'template' or 'content'", code: "missing_field")
            case (_?, _?): throw .invalid("\(field).template", "give the variant either 'template' or 'content', not both")
            case (let template?, nil):
                guard !template.isEmpty, template.utf8.count <= 200 else {
                    throw .invalid("\(field).template", "template must be a name or name@version", code: "unknown_template")
                }
            case (nil, let content?): try checkContent(content, channel: channel, field: "\(field).content")
            }
            variants.append(CampaignVariant(name: name, template: variant.template, content: variant.content, weight: weight))
        }
        guard variants.reduce(0, { $0 + $1.weight }) > 0 else {
            throw .invalid("variants", "the variants' weights sum to 0: at least one must be positive")
        }
        return variants
    }

    /// The group `person` falls in: their number modulo 10,000 (a keyed hash
    /// of campaign and person, so the same on every instance and import),
    /// the first `holdoutPercent` hundredths held out, the rest cut by weight.
    public func group(of person: UInt64) -> ExperimentGroup {
        let bucket = Int(person % 10_000)
        let held = holdoutPercent * 100
        if bucket < held { return .holdout }
        guard !variants.isEmpty else { return .variant(0) }
        let total = variants.reduce(0) { $0 + $1.weight }
        let position = (bucket - held) * total
        let span = 10_000 - held
        var cumulative = 0
        for (index, variant) in variants.enumerated() {
            cumulative += variant.weight
            if position < cumulative * span { return .variant(index) }
        }
        return .variant(variants.count - 1)
    }

    /// The stored form: sorted keys, so the same definition is the same text.
    public var canonicalJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    enum CodingKeys: String, CodingKey {
        case id, channel, category, template, content, ratePerMinute, dailyCap, windows, batches, timezone
        case startAtMillis, endAtMillis, variants, holdoutPercent, conversion
        case winnerTest = "winner"
    }

    /// Decodes a stored definition; one stored before variants existed has none.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        channel = try container.decode(Channel.self, forKey: .channel)
        category = try container.decode(MessageCategory.self, forKey: .category)
        template = try container.decodeIfPresent(String.self, forKey: .template)
        content = try container.decodeIfPresent(MessageContent.self, forKey: .content)
        ratePerMinute = try container.decodeIfPresent(Int.self, forKey: .ratePerMinute)
        dailyCap = try container.decodeIfPresent(Int.self, forKey: .dailyCap)
        windows = try container.decode([SendWindow].self, forKey: .windows)
        batches = try container.decode([CampaignBatch].self, forKey: .batches)
        timezone = try container.decode(String.self, forKey: .timezone)
        startAtMillis = try container.decodeIfPresent(Int64.self, forKey: .startAtMillis)
        endAtMillis = try container.decodeIfPresent(Int64.self, forKey: .endAtMillis)
        variants = try container.decodeIfPresent([CampaignVariant].self, forKey: .variants) ?? []
        holdoutPercent = try container.decodeIfPresent(Int.self, forKey: .holdoutPercent) ?? 0
        conversion = try container.decodeIfPresent(CampaignConversion.self, forKey: .conversion)
        winnerTest = try container.decodeIfPresent(CampaignWinnerTest.self, forKey: .winnerTest)
    }

    /// Encodes the stored form; without variants or a holdout it is what it
    /// was before they existed, so a repeated create still matches.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(channel, forKey: .channel)
        try container.encode(category, forKey: .category)
        try container.encodeIfPresent(template, forKey: .template)
        try container.encodeIfPresent(content, forKey: .content)
        try container.encodeIfPresent(ratePerMinute, forKey: .ratePerMinute)
        try container.encodeIfPresent(dailyCap, forKey: .dailyCap)
        try container.encode(windows, forKey: .windows)
        try container.encode(batches, forKey: .batches)
        try container.encode(timezone, forKey: .timezone)
        try container.encodeIfPresent(startAtMillis, forKey: .startAtMillis)
        try container.encodeIfPresent(endAtMillis, forKey: .endAtMillis)
        if !variants.isEmpty { try container.encode(variants, forKey: .variants) }
        if holdoutPercent != 0 { try container.encode(holdoutPercent, forKey: .holdoutPercent) }
        try container.encodeIfPresent(conversion, forKey: .conversion)
        try container.encodeIfPresent(winnerTest, forKey: .winnerTest)
    }

    /// Reads the stored form.
    public init?(canonicalJSON text: String) {
        guard let value = try? JSONDecoder().decode(CampaignDefinition.self, from: Data(text.utf8)) else { return nil }
        self = value
    }

    public init(id: String, channel: Channel, category: MessageCategory, template: String?, content: MessageContent?,
                ratePerMinute: Int?, dailyCap: Int?, windows: [SendWindow], batches: [CampaignBatch], timezone: String,
                startAtMillis: Int64?, endAtMillis: Int64?)
    {
        self.id = id
        self.channel = channel
        self.category = category
        self.template = template
        self.content = content
        self.ratePerMinute = ratePerMinute
        self.dailyCap = dailyCap
        self.windows = windows
        self.batches = batches
        self.timezone = timezone
        self.startAtMillis = startAtMillis
        self.endAtMillis = endAtMillis
    }

    public var schedule: SendSchedule { SendSchedule(windows: windows) }

    /// The share of the audience (per 10,000) that may have been released by `millis`.
    public func releasableShare(atMillis millis: Int64) -> Int {
        guard !batches.isEmpty else { return 10_000 }
        return batches.filter { $0.atMillis <= millis }.reduce(0) { $0 + $1.percent * 100 }
    }

    /// When the next batch opens after `millis`, if one is still ahead.
    public func nextBatch(afterMillis millis: Int64) -> Int64? {
        batches.first { $0.atMillis > millis }?.atMillis
    }
}
