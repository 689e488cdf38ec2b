import Configuration
import Foundation
import HeraldCore
import HeraldDispatch
import HeraldHTTP
import HeraldRedis
import HeraldRegistry
import HeraldProviders
import Logging

/// Every setting of a Herald process, read through swift-configuration: its
/// environment provider over the process's `HERALD_*` variables, which win,
/// then the same provider's `.env`-file form over `herald.conf` (or the file
/// named by `HERALD_CONFIG` / `--config`). Values are taken as written, quotes
/// included. Keys that name secrets are marked secret, so swift-configuration
/// never prints them. `herald.conf.example` documents every key.
struct HeraldConfiguration {
    var values: [String: String]

    static func load(file explicitPath: String?) async throws -> HeraldConfiguration {
        let environment = ProcessInfo.processInfo.environment.filter { $0.key.hasPrefix("HERALD_") }
        let path = explicitPath ?? environment["HERALD_CONFIG"]
            ?? (FileManager.default.fileExists(atPath: "herald.conf") ? "herald.conf" : nil)
        let secrets = SecretsSpecifier<String, String>.dynamic { key, _ in Self.isSecret(key) }
        var providers: [any ConfigProvider] = [
            EnvironmentVariablesProvider(environmentVariables: environment, secretsSpecifier: secrets),
        ]
        var present = Set(environment.keys)
        if let path {
            present.formUnion(try ConfigurationFileKeys.names(in: path))
            providers.append(try await EnvironmentVariablesProvider(
                environmentFilePath: .init(path), secretsSpecifier: secrets))
        }
        try refuseUnknown(present)
        let reader = ConfigReader(providers: providers)
        var values: [String: String] = [:]
        for key in present {
            let configKey = ConfigKey(key.lowercased().split(separator: "_").map(String.init))
            if let value = reader.string(forKey: configKey, isSecret: isSecret(key)) { values[key] = value }
        }
        return HeraldConfiguration(values: values)
    }

    /// Keys whose values are credentials: never shown by swift-configuration's reporting.
    static func isSecret(_ key: String) -> Bool {
        ["TOKEN", "SECRET", "KEY", "PASSWORD"].contains { key.contains($0) } && !key.hasSuffix("_KEY_ID")
            && !key.hasSuffix("_KEY_FILE")
    }

    /// The settings of Herald itself; each provider's come from its registration.
    static let coreKeys: Set<String> = [
        "HERALD_CONFIG", "HERALD_REDIS_URL", "HERALD_REDIS_CLUSTER", "HERALD_PARTITIONS", "HERALD_REDIS_CONNECTIONS", "HERALD_DATA_DIR", "HERALD_HTTP_HOST",
        "HERALD_HTTP_PORT", "HERALD_PUBLIC_URL", "HERALD_API_KEYS", "HERALD_LOG_LEVEL", "HERALD_SIMULATOR_PORT",
        "HERALD_SIMULATOR_URL", "HERALD_APNS_SIMULATOR_PORT", "HERALD_APNS_SIMULATOR_URL", "HERALD_UNSUBSCRIBE_SECRET",
        "HERALD_RECEIPT_TOLERANCE_SECONDS", "HERALD_MESSAGE_TTL_SECONDS", "HERALD_CONSUMER_NAME", "HERALD_DISPATCH_BATCH",
        "HERALD_DISPATCH_CONCURRENCY", "HERALD_VISIBILITY_TIMEOUT_MS", "HERALD_RETRY_BASE_MS", "HERALD_RETRY_CAP_MS",
        "HERALD_RETRY_MAX_ATTEMPTS", "HERALD_BREAKER_FAILURES", "HERALD_BREAKER_COOLDOWN_MS", "HERALD_RATE_LIMITS",
        "HERALD_REDIS_EVICTION", "HERALD_SHUTDOWN_GRACE_SECONDS", "HERALD_SMS_OPT_OUT_TEXT",
        "HERALD_QUIET_HOURS", "HERALD_SMS_QUIET_HOURS", "HERALD_EMAIL_QUIET_HOURS", "HERALD_PUSH_QUIET_HOURS",
        "HERALD_WECHAT_QUIET_HOURS", "HERALD_MINIPROGRAM_QUIET_HOURS", "HERALD_WECOM_QUIET_HOURS",
        "HERALD_QUIET_HOURS_RAMP_MINUTES", "HERALD_DEFAULT_TIMEZONE",
        "HERALD_FATIGUE_SMS", "HERALD_FATIGUE_EMAIL", "HERALD_FATIGUE_PUSH", "HERALD_FATIGUE_WECHAT",
        "HERALD_FATIGUE_MINIPROGRAM", "HERALD_FATIGUE_WECOM", "HERALD_FATIGUE_MODE",
        "HERALD_FATIGUE_CAMPAIGNS", "HERALD_SMS_MAX_SEGMENTS", "HERALD_SMS_SIGNATURE", "HERALD_SHORT_URL_BASE",
        "HERALD_LINK_TTL_DAYS", "HERALD_RECIPIENT_KEYS", "HERALD_FINGERPRINT_KEY",
        "HERALD_STORE_RETRY_MS", "HERALD_HTTP_IDLE_TIMEOUT_SECONDS", "HERALD_HTTP_MAX_CONNECTIONS",
        "HERALD_AUDIT_RETENTION_DAYS", "HERALD_CAMPAIGN_RETENTION_DAYS", "HERALD_CAMPAIGN_CSV_MAX_BYTES",
        "HERALD_CAMPAIGN_LEASE_MS", "HERALD_PROMOTE_IDLE_MS", EventLoopCount.setting,
        "HERALD_EVENT_SECRET", "HERALD_EVENT_ALLOWED_NETWORKS", "HERALD_EVENT_RETRY_HOURS", "HERALD_EVENT_QUEUE_CAP",
        "HERALD_EVENT_DEAD_LETTER_CAP", "HERALD_CONSOLE_SESSION_HOURS",
    ]

    /// Every key Herald reads.
    static var knownKeys: Set<String> { coreKeys.union(ProviderRegistry.builtIn.settingKeys) }

    /// A misspelled key would silently leave a default in force: refuse it,
    /// naming the closest key Herald knows.
    static func refuseUnknown(_ keys: Set<String>) throws {
        let known = Self.knownKeys
        for key in keys.sorted() where !known.contains(key) {
            let closest = known.min { EditDistance.between(key, $0) < EditDistance.between(key, $1) }
            throw ConfigurationError("unknown setting \(key)" + (closest.map { "; did you mean \($0)?" } ?? "")
                + " (herald.conf.example lists every setting)")
        }
    }

    func string(_ key: String) -> String? {
        guard let value = values[key], !value.isEmpty else { return nil }
        return value
    }

    func int(_ key: String, default fallback: Int) throws -> Int {
        guard let text = string(key) else { return fallback }
        guard let value = Int(text) else { throw ConfigurationError("\(key) must be an integer, got '\(text)'") }
        return value
    }

    var redisURL: String? { string("HERALD_REDIS_URL") }

    /// `HERALD_REDIS_CLUSTER`: seed nodes of a Redis Cluster, comma-separated,
    /// each `host:port` or a `redis://`/`rediss://` URL (credentials and TLS of
    /// the first apply to every node). Nil for a single Redis.
    func redisClusterSeeds() throws -> [RedisEndpoint]? {
        guard let text = string("HERALD_REDIS_CLUSTER") else { return nil }
        if redisURL != nil { throw ConfigurationError("set HERALD_REDIS_URL or HERALD_REDIS_CLUSTER, not both") }
        return try Self.clusterSeeds(text)
    }

    /// Parses a `HERALD_REDIS_CLUSTER` value (also read by `herald loadtest`).
    static func clusterSeeds(_ text: String) throws -> [RedisEndpoint] {
        do {
            return try ClusterSeeds.parse(text)
        } catch {
            throw ConfigurationError("HERALD_REDIS_CLUSTER: \(error)")
        }
    }

    /// `HERALD_PARTITIONS`: partitions per channel; 32 on a cluster (spread
    /// over its masters), 1 on a single Redis (nothing to spread over).
    func partitions(cluster: Bool) throws -> ChannelPartitions {
        let count = try int("HERALD_PARTITIONS", default: cluster ? 32 : 1)
        guard (1...MessageID.maxPartitions).contains(count) else {
            throw ConfigurationError("HERALD_PARTITIONS must be 1...\(MessageID.maxPartitions), got \(count)")
        }
        return ChannelPartitions(count: count)
    }
    var dataDirectory: String { string("HERALD_DATA_DIR") ?? ".herald" }
    var httpHost: String { string("HERALD_HTTP_HOST") ?? "127.0.0.1" }
    func httpPort() throws -> Int { try int("HERALD_HTTP_PORT", default: 8080) }
    func simulatorPort() throws -> Int {
        let port = try httpPort()
        return try int("HERALD_SIMULATOR_PORT", default: port + 1)
    }
    /// The APNs simulator needs TLS and HTTP/2, so it has a port of its own.
    func apnsSimulatorPort() throws -> Int { try int("HERALD_APNS_SIMULATOR_PORT", default: try simulatorPort() + 1) }
    /// Where the simulators are reached, for providers without real credentials.
    func simulatorURL() throws -> String {
        let port = try simulatorPort()
        return string("HERALD_SIMULATOR_URL") ?? "http://127.0.0.1:\(port)"
    }
    func apnsSimulatorURL() throws -> String {
        let port = try apnsSimulatorPort()
        return string("HERALD_APNS_SIMULATOR_URL") ?? "https://127.0.0.1:\(port)"
    }
    func publicURL() throws -> String {
        let port = try httpPort()
        return string("HERALD_PUBLIC_URL") ?? "http://127.0.0.1:\(port)"
    }
    var apiKeys: Set<String> {
        Set((string("HERALD_API_KEYS") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty })
    }
    var logLevel: Logger.Level { string("HERALD_LOG_LEVEL").flatMap(Logger.Level.init(rawValue:)) ?? .info }

    /// The API's settings.
    func apiConfiguration(publicURL: String, unsubscribeLinks: UnsubscribeLinks?, openAccess: Bool) throws
        -> APIConfiguration
    {
        var configuration = APIConfiguration(apiKeys: apiKeys, publicURL: publicURL, unsubscribeLinks: unsubscribeLinks)
        configuration.openAccess = openAccess
        configuration.fatigue = try fatigue()
        configuration.defaultTimeZone = try defaultTimeZone()
        let sessionHours = try int("HERALD_CONSOLE_SESSION_HOURS", default: 8)
        guard (1...168).contains(sessionHours) else { throw ConfigurationError("HERALD_CONSOLE_SESSION_HOURS must be 1–168") }
        configuration.consoleSessionSeconds = sessionHours * 3_600
        if let base = string("HERALD_SHORT_URL_BASE") {
            guard let url = URL(string: base), let scheme = url.scheme, scheme == "http" || scheme == "https",
                  url.host?.isEmpty == false
            else { throw ConfigurationError("HERALD_SHORT_URL_BASE must be an http(s) URL such as https://hrld.example/s/") }
            configuration.shortURLBase = base.hasSuffix("/") ? base : base + "/"
        }
        let days = try int("HERALD_LINK_TTL_DAYS", default: 90)
        guard (1...3_650).contains(days) else { throw ConfigurationError("HERALD_LINK_TTL_DAYS must be 1–3650") }
        configuration.linkLifetimeSeconds = days * 86_400
        configuration.idleTimeoutSeconds = try int("HERALD_HTTP_IDLE_TIMEOUT_SECONDS", default: 30)
        guard (1...3_600).contains(configuration.idleTimeoutSeconds) else {
            throw ConfigurationError("HERALD_HTTP_IDLE_TIMEOUT_SECONDS must be 1–3600")
        }
        configuration.maxConnections = try int("HERALD_HTTP_MAX_CONNECTIONS", default: 10_000)
        guard configuration.maxConnections >= 1 else { throw ConfigurationError("HERALD_HTTP_MAX_CONNECTIONS must be at least 1") }
        configuration.maxCampaignCSVBytes = try int("HERALD_CAMPAIGN_CSV_MAX_BYTES", default: 128 * 1024 * 1024)
        guard configuration.maxCampaignCSVBytes >= 1024 else {
            throw ConfigurationError("HERALD_CAMPAIGN_CSV_MAX_BYTES must be at least 1024")
        }
        return configuration
    }

    /// How long a completed or canceled campaign stays readable (`HERALD_CAMPAIGN_RETENTION_DAYS`, 90).
    func campaignRetentionDays() throws -> Int {
        let days = try int("HERALD_CAMPAIGN_RETENTION_DAYS", default: 90)
        guard (1...3_650).contains(days) else { throw ConfigurationError("HERALD_CAMPAIGN_RETENTION_DAYS must be 1–3650") }
        return days
    }

    /// How long a campaign releaser may hold recipients it took before another
    /// instance takes them over (`HERALD_CAMPAIGN_LEASE_MS`, 30 s).
    func campaignLeaseMillis() throws -> Int {
        let millis = try int("HERALD_CAMPAIGN_LEASE_MS", default: 30_000)
        guard (1_000...600_000).contains(millis) else { throw ConfigurationError("HERALD_CAMPAIGN_LEASE_MS must be 1000–600000") }
        return millis
    }

    /// `HERALD_RECIPIENT_KEYS=id:base64,…`: the keys encrypted recipients are decrypted with.
    func recipientKeys() throws -> RecipientKeyring {
        guard let text = string("HERALD_RECIPIENT_KEYS") else { return RecipientKeyring(keys: []) }
        guard let keyring = RecipientKeyring.parse(text) else {
            throw ConfigurationError("HERALD_RECIPIENT_KEYS must look like k2:<base64 of 32 bytes>,k1:<base64 of 16 or 32 bytes>")
        }
        return keyring
    }

    /// `HERALD_FINGERPRINT_KEY`: base64 of at least 32 secret bytes; nil lets Herald keep one in Redis.
    func fingerprintKey() throws -> Data? {
        guard let text = string("HERALD_FINGERPRINT_KEY") else { return nil }
        guard let key = Data(base64Encoded: text), key.count >= 32 else {
            throw ConfigurationError("HERALD_FINGERPRINT_KEY must be base64 of at least 32 random bytes (openssl rand -base64 32)")
        }
        return key
    }

    /// The settings as providers read them.
    var providerSettings: ProviderSettings { ProviderSettings(values) }

    /// How far a signed receipt's timestamp may be from now.
    func replayWindow() throws -> ReplayWindow {
        ReplayWindow(toleranceSeconds: Int64(try int("HERALD_RECEIPT_TOLERANCE_SECONDS", default: 600)))
    }

    func storeSettings() throws -> StoreSettings {
        let retry = try int("HERALD_STORE_RETRY_MS", default: 10_000)
        guard (0...120_000).contains(retry) else { throw ConfigurationError("HERALD_STORE_RETRY_MS must be 0–120000") }
        var settings = StoreSettings(terminalTTLSeconds: try int("HERALD_MESSAGE_TTL_SECONDS", default: 7 * 86_400),
                                     storeRetryMillis: retry)
        settings.audit = try audit()
        return settings
    }

    /// How long audit entries are kept (`HERALD_AUDIT_RETENTION_DAYS`).
    func audit() throws -> AuditTrail {
        let days = try int("HERALD_AUDIT_RETENTION_DAYS", default: AuditTrail.defaultRetentionDays)
        guard (1...3_650).contains(days) else { throw ConfigurationError("HERALD_AUDIT_RETENTION_DAYS must be 1–3650") }
        return AuditTrail(retentionDays: days)
    }

    func dispatch() throws -> DispatchConfiguration {
        let host = ProcessInfo.processInfo.hostName
        let breaker = CircuitBreakerPolicy(
            failureThreshold: try int("HERALD_BREAKER_FAILURES", default: 5),
            cooldownMillis: try int("HERALD_BREAKER_COOLDOWN_MS", default: 30_000))
        var rateLimits: [String: RateLimit] = [:]
        if let text = string("HERALD_RATE_LIMITS") {
            guard let parsed = RateLimit.parse(text) else {
                throw ConfigurationError("HERALD_RATE_LIMITS must look like twilio:100:200,aliyun:50 (provider:per-second[:burst])")
            }
            rateLimits = parsed
        }
        var configuration = DispatchConfiguration(
            consumerName: string("HERALD_CONSUMER_NAME") ?? "\(host)-\(ProcessInfo.processInfo.processIdentifier)",
            batchSize: try int("HERALD_DISPATCH_BATCH", default: 100),
            concurrency: try int("HERALD_DISPATCH_CONCURRENCY", default: 256),
            visibilityTimeoutMillis: try int("HERALD_VISIBILITY_TIMEOUT_MS", default: 60_000),
            backoff: BackoffPolicy(
                baseMillis: Int64(try int("HERALD_RETRY_BASE_MS", default: 1_000)),
                capMillis: Int64(try int("HERALD_RETRY_CAP_MS", default: 600_000)),
                maxAttempts: try int("HERALD_RETRY_MAX_ATTEMPTS", default: 8)),
            breaker: breaker, rateLimits: rateLimits, quietHours: try quietHours(),
            defaultTimeZone: try defaultTimeZone(), fatigue: try fatigue(), fatigueDefers: try fatigueDefers(),
            campaignFatigue: try campaignFatigue())
        let idle = try int("HERALD_PROMOTE_IDLE_MS", default: configuration.promoteIdleMillis)
        guard idle >= configuration.promoteIntervalMillis, idle <= 60_000 else {
            throw ConfigurationError("HERALD_PROMOTE_IDLE_MS must be \(configuration.promoteIntervalMillis) to 60000, got \(idle)")
        }
        configuration.promoteIdleMillis = idle
        return configuration
    }

    /// The default caps on marketing per person: SMS 1/day and 3/week, email 2/day, push 5/day, WeChat
    /// (official account and mini-program alike) 4/month, WeCom 5/day.
    static let defaultFatigue: [Channel: String] = [
        .sms: "1/day,3/week", .email: "2/day", .push: "5/day", .wechat: "4/month", .miniprogram: "4/month", .wecom: "5/day",
    ]

    /// Each channel's caps: `HERALD_FATIGUE_<CHANNEL>` (`off` for none), else the default.
    func fatigue() throws -> [Channel: [FatigueWindow]] {
        var caps: [Channel: [FatigueWindow]] = [:]
        for (channel, fallback) in Self.defaultFatigue {
            let key = "HERALD_FATIGUE_\(channel.rawValue.uppercased())"
            let text = string(key) ?? fallback
            if text == "off" { continue }
            guard let windows = FatigueWindow.list(parsing: text) else {
                throw ConfigurationError("\(key) must list caps like 1/day,3/week (day, week, month, or 24h, 7d rolling) or be off, got '\(text)'")
            }
            caps[channel] = windows
        }
        return caps
    }

    /// Per-campaign caps: `HERALD_FATIGUE_CAMPAIGNS=c-42.sms=2/day,5/week;spring.email=off`
    /// (campaign, a dot, the channel, its caps; entries separated by `;`).
    func campaignFatigue() throws -> [String: [Channel: [FatigueWindow]]] {
        guard let text = string("HERALD_FATIGUE_CAMPAIGNS") else { return [:] }
        var caps: [String: [Channel: [FatigueWindow]]] = [:]
        for entry in text.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) where !entry.isEmpty {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let dot = parts[0].lastIndex(of: "."),
                  let channel = Channel(rawValue: String(parts[0][parts[0].index(after: dot)...])),
                  let windows = parts[1] == "off" ? [] : FatigueWindow.list(parsing: parts[1])
            else {
                throw ConfigurationError("HERALD_FATIGUE_CAMPAIGNS: '\(entry)' must look like c-42.sms=2/day,5/week or spring.email=off")
            }
            caps[String(parts[0][..<dot]), default: [:]][channel] = windows
        }
        return caps
    }

    /// Whether a message over a cap waits for a token (`defer`) or ends suppressed (`suppress`, the default).
    func fatigueDefers() throws -> Bool {
        switch string("HERALD_FATIGUE_MODE") ?? "suppress" {
        case "suppress": return false
        case "defer": return true
        case let other: throw ConfigurationError("HERALD_FATIGUE_MODE must be suppress or defer, got '\(other)'")
        }
    }

    /// Each person-facing channel's quiet hours for marketing: `HERALD_<CHANNEL>_QUIET_HOURS`,
    /// else `HERALD_QUIET_HOURS` (default 21:00-08:00); `off` holds nothing.
    func quietHours() throws -> [Channel: QuietHours] {
        let ramp = Int64(try int("HERALD_QUIET_HOURS_RAMP_MINUTES", default: 30)) * 60_000
        var windows: [Channel: QuietHours] = [:]
        for channel in Channel.allCases where channel != .webhook {
            let key = "HERALD_\(channel.rawValue.uppercased())_QUIET_HOURS"
            let text = string(key) ?? string("HERALD_QUIET_HOURS") ?? "21:00-08:00"
            if text == "off" { continue }
            guard let window = QuietHours(parsing: text, rampMillis: ramp) else {
                throw ConfigurationError("\(string(key) == nil ? "HERALD_QUIET_HOURS" : key) must look like 21:00-08:00 "
                    + "(at most 20 hours) or be off, got '\(text)'")
            }
            windows[channel] = window
        }
        return windows
    }

    /// The zone quiet hours are reckoned in when a message names none.
    func defaultTimeZone() throws -> TimeZone {
        let name = string("HERALD_DEFAULT_TIMEZONE") ?? "UTC"
        guard let zone = TimeZone(identifier: name) else {
            throw ConfigurationError("HERALD_DEFAULT_TIMEZONE must be an IANA time zone name such as Asia/Shanghai, got '\(name)'")
        }
        return zone
    }
}

struct ConfigurationError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
