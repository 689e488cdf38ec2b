import HeraldCore
import HeraldProviders
import Synchronization

/// Refuses at acceptance, with 422 naming `to`, a webhook whose host Herald
/// may not connect to (`EgressGuard`): loopback, private, link-local and other
/// non-public addresses outside the allowed networks, and names that do not
/// resolve. Nothing of a refused message is stored. A verdict is kept for a
/// few seconds per host, so a stream of webhooks to one receiver costs one
/// lookup rather than one each; the webhook client checks again on every
/// connection it opens, so a verdict gone stale (DNS rebinding) opens nothing.
final class WebhookTargetCheck: Sendable {
    private struct Verdict {
        let refusal: APIError?
        let until: ContinuousClock.Instant
    }

    let egress: EgressGuard
    let verdictLifetime: Duration
    private let verdicts = Mutex<[String: Verdict]>([:])
    /// Past this many hosts the remembered verdicts are dropped, so callers naming ever new hosts cannot grow memory.
    private static let maxVerdicts = 4_096

    init(egress: EgressGuard, verdictLifetime: Duration = .seconds(10)) {
        self.egress = egress
        self.verdictLifetime = verdictLifetime
    }

    /// Throws the refusal of one message's target, if any.
    func check(_ message: NewMessage) async throws(APIError) {
        guard let target = Self.target(of: message) else { return }
        if let refusal = await verdict(host: target.host, port: target.port) { throw refusal }
    }

    /// The refusals among a batch's valid items, by index. Each host is
    /// looked up once, and the lookups run at once.
    func refusals(_ items: [(index: Int, message: NewMessage)]) async -> [Int: APIError] {
        var hostOf: [Int: String] = [:]
        var ports: [String: Int] = [:]
        for item in items {
            guard let target = Self.target(of: item.message) else { continue }
            hostOf[item.index] = target.host
            ports[target.host] = target.port
        }
        guard !ports.isEmpty else { return [:] }
        let byHost = await withTaskGroup(of: (String, APIError?).self) { group in
            for (host, port) in ports {
                group.addTask { (host, await self.verdict(host: host, port: port)) }
            }
            var byHost: [String: APIError] = [:]
            for await (host, refusal) in group {
                if let refusal { byHost[host] = refusal }
            }
            return byHost
        }
        return hostOf.compactMapValues { byHost[$0] }
    }

    /// The host and port to vet: nil for what is not a webhook in clear (an
    /// encrypted `to` is read only by the worker, whose client checks it),
    /// and for a URL the webhook client cannot use at all (a fragment, port
    /// 0): it never opens a connection for one, so it reaches nothing.
    private static func target(of message: NewMessage) -> (host: String, port: Int)? {
        guard message.channel == .webhook, message.toEncryption == nil else { return nil }
        return EgressGuard.target(ofURL: message.to)
    }

    /// The refusal for `host`, from a verdict still fresh or a new lookup. A
    /// failed lookup is not remembered: the next message tries again.
    private func verdict(host: String, port: Int) async -> APIError? {
        let now = ContinuousClock.now
        if let known = verdicts.withLock({ $0[host] }), now < known.until { return known.refusal }
        let refusal: APIError?
        do {
            _ = try await egress.vet(host: host, port: port)
            refusal = nil
        } catch {
            if case .unresolvable = error { return Self.error(for: error) }
            refusal = Self.error(for: error)
        }
        verdicts.withLock { verdicts in
            if verdicts.count >= Self.maxVerdicts { verdicts.removeAll() }
            verdicts[host] = Verdict(refusal: refusal, until: now.advanced(by: verdictLifetime))
        }
        return refusal
    }

    /// The 422 a refusal answers, naming `to`.
    static func error(for refusal: EgressRefusal) -> APIError {
        refusal.apiError(field: "to", barred: "webhooks may not reach", allowedNetworksKey: "HERALD_WEBHOOK_ALLOWED_NETWORKS")
    }
}
