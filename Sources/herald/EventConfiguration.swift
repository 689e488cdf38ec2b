import HeraldEvents
import HeraldProviders

extension HeraldConfiguration {
    /// Status events (`HERALD_EVENT_*`): where receivers may be, how long a
    /// failing one is retried, the caps that keep a dead one from filling
    /// Redis, and the secret that signs events to a message's `callback_url`
    /// (drawn for the sandbox when not set).
    func events(sandbox: SandboxSecrets?) throws -> EventSettings {
        var settings = EventSettings()
        var networks: [IPNetwork] = []
        if let text = string(EventSettings.allowedNetworksKey) {
            do {
                networks = try IPNetwork.list(parsing: text)
            } catch {
                throw ConfigurationError("\(EventSettings.allowedNetworksKey): \(error)")
            }
        }
        if sandbox != nil { networks += EgressPolicy.loopback }
        settings.egress = EgressPolicy(allowedNetworks: networks)
        let hours = try int("HERALD_EVENT_RETRY_HOURS", default: 24)
        guard (1...720).contains(hours) else { throw ConfigurationError("HERALD_EVENT_RETRY_HOURS must be 1–720") }
        settings.retryWindowMillis = Int64(hours) * 3_600_000
        settings.queueCap = try int("HERALD_EVENT_QUEUE_CAP", default: 100_000)
        guard (1_000...10_000_000).contains(settings.queueCap) else {
            throw ConfigurationError("HERALD_EVENT_QUEUE_CAP must be 1000–10000000")
        }
        settings.deadLetterCap = try int("HERALD_EVENT_DEAD_LETTER_CAP", default: 100_000)
        guard (1_000...10_000_000).contains(settings.deadLetterCap) else {
            throw ConfigurationError("HERALD_EVENT_DEAD_LETTER_CAP must be 1000–10000000")
        }
        if let secret = string("HERALD_EVENT_SECRET") {
            guard secret.utf8.count >= 16 else { throw ConfigurationError("HERALD_EVENT_SECRET must be at least 16 bytes") }
            settings.callbackSecret = secret
        } else {
            settings.callbackSecret = sandbox?.eventSecret
        }
        return settings
    }
}
