import HeraldCore
import Hummingbird

/// The request context of every Herald route: Hummingbird's core context and
/// the authenticated `Caller` that `BearerAuthMiddleware` sets on `/v1`.
public struct HeraldRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Who called; nil outside `/v1` (provider webhooks, redirects, health).
    public var caller: Caller?

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    /// The actor an audited change made in this request is recorded under.
    var actor: AuditActor { caller?.actor ?? AuditActor(id: "anonymous", name: "unauthenticated") }
}
