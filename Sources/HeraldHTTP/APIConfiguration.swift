import Foundation
import HeraldCore
import HeraldProviders

/// Settings of the HTTP API.
public struct APIConfiguration: Sendable, Equatable {
    /// `HERALD_API_KEYS`: bearer keys with every scope, as before keys had scopes.
    public var apiKeys: Set<String>
    /// The local sandbox: no key anywhere (neither `HERALD_API_KEYS` nor a
    /// stored one), every `/v1` call let in. By default, when `apiKeys` is empty.
    public var openAccess: Bool
    /// How long a stored key is answered from memory before Redis is asked
    /// again: the longest a revocation takes to reach an instance.
    public var keyCacheMillis: Int64 = 500
    /// The externally reachable base URL; provider signatures (Twilio's) are computed over it.
    public var publicURL: String
    /// Verifies the `/u/{token}` links of marketing mail; nil serves no unsubscribe page.
    public var unsubscribeLinks: UnsubscribeLinks?
    /// Largest accepted body of `POST /v1/messages`.
    public var maxMessageBodyBytes: Int
    /// Largest accepted body of `POST /v1/messages/batch`.
    public var maxBatchBodyBytes: Int
    /// Largest `text/csv` body of `POST /v1/campaigns/{id}/recipients` (`HERALD_CAMPAIGN_CSV_MAX_BYTES`).
    public var maxCampaignCSVBytes = 128 * 1024 * 1024
    /// Largest JSON body of `POST /v1/campaigns/{id}/recipients` (10,000 recipients with their data).
    public var maxCampaignJSONBytes = 16 * 1024 * 1024
    /// Largest accepted provider receipt body.
    public var maxReceiptBodyBytes: Int
    /// The dispatcher's frequency caps, so a caller can read what is left of them.
    public var fatigue: [Channel: [FatigueWindow]] = [:]
    /// The zone calendar caps reset in when the caller names none.
    public var defaultTimeZone = TimeZone(identifier: "UTC")!
    /// What a short link's code is appended to (`HERALD_SHORT_URL_BASE`); by default `<publicURL>/s/`.
    public var shortURLBase: String
    /// How long a short link redirects before it answers 410 Gone.
    public var linkLifetimeSeconds = 90 * 86_400
    /// A connection that sends nothing for this long is closed: a client that
    /// sends half a request and stops cannot hold it (and its memory) for ever.
    public var idleTimeoutSeconds = 30
    /// Connections open at once; past it new ones wait in the listen backlog
    /// until one closes, so slow clients cannot exhaust file descriptors.
    public var maxConnections = 10_000
    /// Where status-event receivers may be (`HERALD_EVENT_ALLOWED_NETWORKS`,
    /// plus loopback in the sandbox): a subscription whose host resolves
    /// elsewhere is refused at creation.
    public var eventEgress = EgressPolicy()
    /// Whether subscription and callback URLs may be plain http to loopback (the local sandbox).
    public var eventsMayUseLoopback = false
    /// Whether `HERALD_EVENT_SECRET` is set: without it a message's `callback_url` is refused, as nothing could sign its events.
    public var callbackEventsSigned = false
    /// How long a console login lasts (`HERALD_CONSOLE_SESSION_HOURS`, 8).
    public var consoleSessionSeconds = 8 * 3_600
    /// Whether console cookies are `Secure`: true unless the public URL is plain http on loopback.
    public var consoleSecureCookies: Bool {
        guard publicURL.hasPrefix("http://") else { return true }
        let host = publicURL.dropFirst("http://".count).split(separator: "/").first.map(String.init) ?? ""
        return !(host.hasPrefix("127.") || host.hasPrefix("localhost") || host.hasPrefix("[::1]"))
    }
    /// `HERALD_EVENT_QUEUE_CAP`: a replay moves no more events back than a queue holds.
    public var eventQueueCap = 100_000

    public init(
        apiKeys: Set<String> = [], publicURL: String,
        maxMessageBodyBytes: Int = 512 * 1024, maxBatchBodyBytes: Int = 16 * 1024 * 1024,
        maxReceiptBodyBytes: Int = 1024 * 1024, unsubscribeLinks: UnsubscribeLinks? = nil
    ) {
        self.unsubscribeLinks = unsubscribeLinks
        self.apiKeys = apiKeys
        self.openAccess = apiKeys.isEmpty
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        self.shortURLBase = self.publicURL + "/s/"
        self.maxMessageBodyBytes = maxMessageBodyBytes
        self.maxBatchBodyBytes = maxBatchBodyBytes
        self.maxReceiptBodyBytes = maxReceiptBodyBytes
    }
}
