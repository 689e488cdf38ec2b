import HeraldCore
import HeraldMetrics
import HeraldTemplates
import HeraldProviders
import HeraldRedis
import Hummingbird
import Logging

/// The receiving half of Herald: every HTTP route of DESIGN §5 that exists so far,
/// assembled on one Hummingbird router.
public struct HeraldAPI: Sendable {
    let store: MessageStore
    let configuration: APIConfiguration
    let metrics: HeraldMetrics
    let validator: MessageValidator
    /// The receipt and inbound endpoints of the configured providers.
    let webhooks: [any ProviderWebhook]
    /// Short-link fetches waiting to be written; flushed at shutdown (`flushClicks`).
    let clicks: ClickRecorder
    /// Refuses webhooks to hosts Herald may not connect to; nil checks none.
    let webhookTargets: WebhookTargetCheck?

    /// - Parameter webhookEgress: where webhooks may connect (`WebhookEgress`),
    ///   checked when a webhook is accepted; nil accepts any http(s) URL.
    public init(store: MessageStore, configuration: APIConfiguration, metrics: HeraldMetrics,
                webhooks: [any ProviderWebhook] = [], validator: MessageValidator = MessageValidator(),
                webhookEgress: EgressGuard? = nil, campaignRetentionSeconds: Int = 90 * 86_400)
    {
        var campaigns = CampaignStore(redis: store.redis, retentionSeconds: campaignRetentionSeconds)
        campaigns.touchTTLSeconds = store.settings.terminalTTLSeconds + 86_400
        self.campaigns = campaigns
        conversions = ConversionAttribution(
            conversions: ConversionStore(redis: store.redis, idempotencyTTLSeconds: store.settings.idempotencyTTLSeconds),
            campaigns: campaigns, fingerprints: store.settings.fingerprints)
        webhookTargets = webhookEgress.map { WebhookTargetCheck(egress: $0) }
        self.store = store
        self.webhooks = webhooks
        self.configuration = configuration
        self.metrics = metrics
        self.validator = validator
        clicks = ClickRecorder(
            store: LinkStore(redis: store.redis, lifetimeSeconds: configuration.linkLifetimeSeconds),
            logger: Logger(label: "herald.links"), dropped: { [metrics] count in metrics.clicksDropped(count) })
    }

    /// Where campaigns live (`HERALD_CAMPAIGN_RETENTION_DAYS` after they end).
    let campaigns: CampaignStore
    /// Attributes conversions; one per API, so each campaign's rules are read once.
    let conversions: ConversionAttribution

    /// The loop that turns this gateway's campaign recipients into messages
    /// as their pacing admits; run one beside each API.
    public func campaignReleaser(logger: Logger, tickMillis: Int = 100, leaseMillis: Int = 30_000,
                                 completionGraceMillis: Int = 10_000) -> CampaignReleaser {
        let templateStore = TemplateStore(redis: store.redis, audit: store.settings.audit)
        let links = LinkStore(redis: store.redis, lifetimeSeconds: configuration.linkLifetimeSeconds)
        return CampaignReleaser(
            campaigns: campaigns, messages: store,
            templates: TemplateResolver(store: templateStore, cache: TemplateCache(), latestVersions: LatestVersions()),
            validator: validator, shortener: LinkShortener(store: links, base: configuration.shortURLBase, ids: store),
            stats: StatsStore(redis: store.redis, partitions: store.settings.partitions), metrics: metrics, logger: logger, tickMillis: tickMillis, leaseMillis: leaseMillis,
            completionGraceMillis: completionGraceMillis)
    }

    /// Writes the link clicks still buffered; call it once the HTTP server has stopped.
    public func flushClicks() async {
        await clicks.flush()
    }

    public func router() -> Router<HeraldRequestContext> {
        let router = Router(context: HeraldRequestContext.self)
        router.add(middleware: RequestMetricsMiddleware(metrics: metrics))
        router.add(middleware: APIErrorMiddleware(metrics: metrics))
        let audit = store.settings.audit
        let suppressions = SuppressionStore(redis: store.redis, fingerprints: store.settings.fingerprints, audit: audit)
        OperationsController(store: store, metrics: metrics).register(on: router)
        ProviderWebhooksController(
            webhooks: webhooks, store: store, suppressions: suppressions,
            configuration: configuration, metrics: metrics
        ).register(on: router)
        if let links = configuration.unsubscribeLinks {
            UnsubscribeController(suppressions: suppressions, links: links, events: store.events).register(on: router)
        }
        let keyStore = KeyStore(redis: store.redis, audit: audit)
        let keyRing = KeyRing(flatKeys: configuration.apiKeys, store: keyStore, cacheMillis: configuration.keyCacheMillis)
        let v1 = router.group("v1").add(middleware: BearerAuthMiddleware(
            open: configuration.openAccess, keys: keyRing, limiter: KeyRateLimiter(keys: keyStore)))
        let templateStore = TemplateStore(redis: store.redis, audit: audit)
        let templates = TemplateResolver(store: templateStore, cache: TemplateCache(), latestVersions: LatestVersions())
        let links = LinkStore(redis: store.redis, lifetimeSeconds: configuration.linkLifetimeSeconds)
        let shortener = LinkShortener(store: links, base: configuration.shortURLBase, ids: store)
        MessagesController(
            store: store, enqueuer: EnqueueCoalescer(store: store), validator: validator, configuration: configuration,
            metrics: metrics, templates: templates, shortener: shortener, webhookTargets: webhookTargets)
            .register(on: v1)
        TemplatesController(store: templateStore, cache: templates.cache, latestVersions: templates.latestVersions)
            .register(on: v1)
        LinksController(store: links, shortener: shortener).register(on: v1)
        StatsController(store: StatsStore(redis: store.redis, partitions: store.settings.partitions)).register(on: v1)
        RedirectController(
            store: links, cache: LinkCache(),
            recorder: clicks, metrics: metrics)
            .register(on: router)
        SuppressionsController(store: suppressions, validator: validator, configuration: configuration)
            .register(on: v1)
        AllowanceController(store: FatigueStore(redis: store.redis), validator: validator, configuration: configuration)
            .register(on: v1)
        KeysController(store: keyStore, ring: keyRing).register(on: v1)
        AuditController(log: AuditLog(redis: store.redis)).register(on: v1)
        let campaignsController = CampaignsController(
            store: campaigns, stats: StatsStore(redis: store.redis, partitions: store.settings.partitions),
            templates: templateStore, validator: validator, fingerprints: store.settings.fingerprints,
            configuration: configuration, messageRetentionSeconds: store.settings.terminalTTLSeconds)
        campaignsController.register(on: v1)
        ConversionsController(attribution: conversions, metrics: metrics).register(on: v1)
        EventSubscriptionsController(
            store: EventSubscriptionStore(redis: store.redis), presence: store.events,
            egress: EgressGuard(policy: configuration.eventEgress), loopbackAllowed: configuration.eventsMayUseLoopback,
            queueCap: configuration.eventQueueCap
        ).register(on: v1)
        ConsoleController(
            sessions: ConsoleSessions(redis: store.redis, lifetimeSeconds: configuration.consoleSessionSeconds),
            keys: keyRing, open: configuration.openAccess, secureCookies: configuration.consoleSecureCookies,
            campaigns: campaignsController, store: store, subscriptions: EventSubscriptionStore(redis: store.redis),
            metrics: metrics
        ).register(on: router)
        // Last, so that it wraps only the not-found responder and knows every route.
        router.add(middleware: MethodNotAllowedMiddleware(
            routes: router.routes, ignoring: ProviderWebhooksController.notConfiguredPaths))
        return router
    }

    /// A ready-to-run Hummingbird application on `host:port`.
    public func application(
        host: String, port: Int, logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: router(),
            server: .http1(configuration: .init(idleTimeout: .seconds(Int64(configuration.idleTimeoutSeconds)))),
            configuration: .init(
                address: .hostname(host, port: port), serverName: "herald", backlog: 1024,
                availableConnectionsDelegate: .maximum(configuration.maxConnections, logger: logger)),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }
}
