import HeraldCore
import HeraldRedis
import HeraldTemplates

/// Turns a message's `template` (`name`, or `name@3` for a pinned version)
/// into rendered content when the message is accepted, so a caller sees
/// template errors in the reply. A version compiled before costs no Redis
/// call; the latest version's number is remembered for a second.
struct TemplateResolver: Sendable {
    let store: TemplateStore
    let cache: TemplateCache
    let latestVersions: LatestVersions

    /// Splits `name@version`; the version is nil when not pinned.
    static func parse(_ reference: String) throws(APIError) -> (name: String, version: Int?) {
        let parts = reference.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        let name = String(parts[0])
        do { try TemplateDraft.validateName(name) } catch { throw .invalid("template", error.message, code: "unknown_template") }
        guard parts.count == 2 else { return (name, nil) }
        guard let version = Int(parts[1]), version > 0 else {
            throw .invalid("template", "a pinned template is name@version, version a positive integer", code: "unknown_template")
        }
        return (name, version)
    }

    /// The rendered content for `request`, nil when it names no template.
    /// `latest` memoises version look-ups across one batch.
    func render(_ request: MessageRequest, latest: inout [String: Int]) async throws -> RenderedContent? {
        guard let reference = request.template else { return nil }
        guard request.content == nil else { return nil } // the validator names the conflict
        let (name, pinned) = try Self.parse(reference)
        let now = WallClock.nowMillis()
        var version = pinned ?? latest[name] ?? latestVersions.get(name, nowMillis: now)
        if version == nil {
            version = try await store.latestVersion(name)
            latest[name] = version
            latestVersions.set(name, version, nowMillis: now)
        }
        guard let version else { throw Self.unknown(reference) }
        let compiled: CompiledTemplate
        if let hit = cache.cached("\(name)@\(version)") {
            compiled = hit
        } else {
            guard let template = try await store.template(name, version: version) else { throw Self.unknown(reference) }
            compiled = try cache.compiled(template)
        }
        if let channel = request.channel, channel != compiled.template.channel.rawValue {
            throw APIError.invalid("template", "template \(compiled.template.reference) is for "
                + "\(compiled.template.channel.rawValue), not \(channel.prefix(32))", code: "template_channel_mismatch")
        }
        return try compiled.render(locale: request.locale, data: request.data)
    }

    static func unknown(_ reference: String) -> APIError {
        APIError(status: 422, code: "unknown_template", message: "template '\(reference.prefix(80))' does not exist",
                 field: "template")
    }
}
