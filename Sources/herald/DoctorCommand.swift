import ArgumentParser
import Foundation
import HeraldCore
import HeraldDispatch
import HeraldProviders
import HeraldRedis
import HeraldRegistry
import Logging

/// `herald doctor`: checks a configuration before it serves: the settings,
/// Redis (version, persistence, eviction, hash encodings, its clock against
/// this host's), that the scripts load, and each
/// configured provider's credentials by a read-only call, without sending a
/// message. It prints what is wrong and how to fix it, and exits non-zero
/// when anything would stop Herald or lose messages.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the configuration, Redis and every configured provider's credentials, without sending a message.")
    @OptionGroup var options: GatewayOptions
    @Flag(help: "Print every setting Herald knows, one a line, and exit (herald.conf.example documents each).")
    var listSettings = false

    func run() async throws {
        if listSettings {
            print(HeraldConfiguration.knownKeys.sorted().joined(separator: "\n"))
            return
        }
        LoggingSystem.bootstrap { _ in SwiftLogNoOpLogHandler() }
        var report = DoctorReport()
        let config: HeraldConfiguration
        do {
            config = try await HeraldConfiguration.load(file: options.config)
            report.add(.ok, "settings", "\(config.values.count) HERALD_* settings, all known")
        } catch {
            report.add(.fail, "settings", "\(error)")
            throw ExitCode(1)
        }
        let redis = await checkRedis(config, &report)
        var sandbox: SandboxProviders?
        do {
            var stored = 0
            if let redis { stored = try await KeyStore(redis: redis).all().count }
            sandbox = try Sandbox.decide(config: config, role: .all, storedKeys: stored > 0)
            report.add(.ok, "mode", sandbox == nil
                ? "\(config.apiKeys.count) key(s) in HERALD_API_KEYS, \(stored) stored: providers are real accounts"
                : "local sandbox: no API keys, loopback only, every provider simulated")
        } catch {
            report.add(.fail, "mode", "\(error)")
        }
        await checkProviders(config, sandbox: sandbox, redis: redis, &report)
        redis?.close()
        if report.failed { throw ExitCode(1) }
    }

    /// Version, persistence and eviction of the configured Redis, and the scripts; nil when it cannot be reached.
    /// On a cluster the settings are read from one master; the others are configured alike, or should be.
    private func checkRedis(_ config: HeraldConfiguration, _ report: inout DoctorReport) async -> (any RedisCommands)? {
        let redis: any RedisCommands
        do {
            if let seeds = try config.redisClusterSeeds() {
                let cluster = RedisClusterClient(seeds: seeds)
                do {
                    try await cluster.refreshTopology()
                } catch {
                    cluster.close()
                    throw error
                }
                let partitions = try config.partitions(cluster: true)
                report.add(.ok, "redis", "cluster of \(cluster.masters.count) masters, \(partitions.count) partitions per channel")
                redis = cluster
            } else if let url = config.redisURL {
                let client = RedisClient(endpoint: try RedisEndpoint(url: url), connections: 1)
                do {
                    _ = try await client.send(["PING"]).orThrow()
                } catch {
                    client.close()
                    throw error
                }
                redis = client
            } else {
                report.add(.ok, "redis", "none configured: herald serve starts a private redis-server (AOF, noeviction)")
                return nil
            }
        } catch {
            report.add(.fail, "redis", "cannot reach Redis: \(error)",
                       fix: "check HERALD_REDIS_URL or HERALD_REDIS_CLUSTER and that Redis runs")
            return nil
        }
        let info = (try? await redis.send(["INFO", "server"]).string) ?? ""
        let version = info.split(whereSeparator: \.isNewline).first { $0.hasPrefix("redis_version:") }
            .map { String($0.dropFirst("redis_version:".count)) } ?? "unknown"
        let major = Int(version.split(separator: ".").first ?? "") ?? 0
        if major >= 7 {
            report.add(.ok, "redis", "version \(version)")
        } else {
            report.add(.fail, "redis", "version \(version): Herald needs Redis 7 (XAUTOCLAIM, EXPIRE options)",
                       fix: "upgrade Redis to 7.0 or later")
        }
        let appendonly = try? await redis.send(["CONFIG", "GET", "appendonly"]).array.last?.string
        let fsync = try? await redis.send(["CONFIG", "GET", "appendfsync"]).array.last?.string
        switch (appendonly, fsync) {
        case ("yes"?, "no"?):
            report.add(.warn, "redis", "AOF on, appendfsync no: the OS writes the AOF to disk when it likes (about every"
                           + " 30 s on Linux), so a power loss or kernel crash loses messages already answered 202",
                       fix: "CONFIG SET appendfsync everysec (and in redis.conf): at most a second is at risk")
        case ("yes"?, let fsync?):
            report.add(.ok, "redis", "AOF on, fsync \(fsync)")
        case (nil, _), (_, nil):
            report.add(.warn, "redis", "cannot read the persistence settings (CONFIG disabled)",
                       fix: "make sure appendonly is yes, so a crash loses at most a second of accepted messages")
        default:
            report.add(.warn, "redis", "appendonly \(appendonly ?? "?"), appendfsync \(fsync ?? "?"): a crash loses accepted messages",
                       fix: "CONFIG SET appendonly yes and appendfsync everysec (and in redis.conf)")
        }
        switch try? await EvictionPolicy.current(redis) {
        case let policy? where EvictionPolicy.isSafe(policy):
            report.add(.ok, "redis", "maxmemory-policy \(policy)")
        case let policy?:
            report.add(.fail, "redis", "maxmemory-policy \(policy): a full Redis deletes keys, and queued messages with them",
                       fix: "CONFIG SET maxmemory-policy noeviction (and in redis.conf)")
        default:
            report.add(.warn, "redis", "cannot read maxmemory-policy", fix: "make sure it is noeviction")
        }
        await checkHashEncoding(redis, &report)
        await checkClock(redis, &report)
        do {
            try await redis.preload(Scripts.all)
            report.add(.ok, "scripts", "\(Scripts.all.count) Lua scripts load")
        } catch {
            report.add(.fail, "scripts", "SCRIPT LOAD failed: \(error)", fix: "the Redis user needs the scripting commands")
        }
        return redis
    }

    /// The listpack limits that decide whether Herald's hashes are stored compactly.
    private func checkHashEncoding(_ redis: any RedisCommands, _ report: inout DoctorReport) async {
        guard let settings = try? await HashEncodingSettings.current(redis) else {
            report.add(.warn, "redis", "cannot read hash-max-listpack-entries and -value (CONFIG disabled)",
                       fix: "make sure they are at least \(HashEncodingSettings.neededEntries) and"
                           + " \(HashEncodingSettings.neededValueBytes) (Redis's defaults: 512 and 64)")
            return
        }
        let seen = "hash-max-listpack-entries \(settings.maxEntries), hash-max-listpack-value \(settings.maxValueBytes)"
        if settings.keepsHeraldHashesCompact {
            report.add(.ok, "redis", seen)
        } else {
            report.add(.warn, "redis", seen + ": " + HashEncodingSettings.consequence,
                       fix: "CONFIG SET hash-max-listpack-entries \(max(settings.maxEntries, HashEncodingSettings.neededEntries))"
                           + " hash-max-listpack-value \(max(settings.maxValueBytes, HashEncodingSettings.neededValueBytes))"
                           + " (and in redis.conf)")
        }
    }

    /// This host's clock against Redis's `TIME`.
    private func checkClock(_ redis: any RedisCommands, _ report: inout DoctorReport) async {
        let skew: ClockSkew
        do {
            skew = try await ClockSkew.measure(redis)
        } catch {
            report.add(.warn, "clock", "cannot read Redis TIME: \(error)")
            return
        }
        let millis = Int((abs(skew.seconds) * 1_000).rounded())
        let amount = millis < 10_000 ? "\(millis) ms" : "\(millis / 1_000) s"
        let side = skew.seconds > 0 ? "behind" : "ahead of"
        let effect = "calendar fatigue windows (day, week, month) are chosen by this host's clock and end by Redis's,"
            + " so messages sent within \(amount) of local midnight count in the wrong window and instances that"
            + " disagree can let a person get a day's cap twice; send_at and retry times are off by as much"
        let fix = "synchronise this host and the Redis host with NTP (chrony or systemd-timesyncd)"
        switch skew.verdict {
        case .ok:
            let doubt = Int((skew.uncertaintySeconds * 1_000).rounded(.up))
            report.add(.ok, "clock", "within \(amount) of Redis TIME (measured to ±\(doubt) ms)")
        case .warn, .fail:
            report.add(skew.verdict == .fail ? .fail : .warn, "clock",
                       "this host's clock is \(amount) \(side) Redis's: " + effect, fix: fix)
        }
    }

    /// Builds every enabled provider and webhook from the settings and checks its credentials.
    private func checkProviders(
        _ config: HeraldConfiguration, sandbox: SandboxProviders?, redis: (any RedisCommands)?, _ report: inout DoctorReport
    ) async {
        let client = ProviderHTTPClient.make(maxConnectionsPerHost: 2, timeoutSeconds: 10)
        defer { Task { await client.shutdown() } }
        let shutdown = ShutdownHooks()
        let publicURL = (try? config.publicURL()) ?? "http://127.0.0.1:8080"
        let context = ProviderContext(
            settings: config.providerSettings, sandbox: sandbox, client: client,
            sharedTokens: redis.map { RedisTokenStore(redis: $0) as any SharedTokenStore } ?? NoSharedTokens(),
            publicURL: publicURL,
            unsubscribeLinks: UnsubscribeLinks(baseURL: publicURL, secret: config.string("HERALD_UNSUBSCRIBE_SECRET") ?? "-"),
            replayWindow: (try? config.replayWindow()) ?? ReplayWindow(), shutdown: shutdown,
            warn: { _ in })
        let enabled: [any ProviderRegistration.Type]
        do {
            enabled = try ProviderRegistry.builtIn.enabled(context)
        } catch {
            report.add(.fail, "providers", "\(error)")
            return
        }
        let channels = Set(enabled.map { $0.channel })
        for channel in Channel.allCases where !channels.contains(channel) {
            report.add(.warn, channel.rawValue, "no provider configured: messages to this channel are refused (422)")
        }
        for registration in enabled {
            let name = registration.name
            let provider: any ChannelProvider
            do {
                provider = try registration.makeProvider(context)
                if registration.postsReceipts, try registration.makeWebhook(context) == nil {
                    report.add(.warn, name, "no receipt secret: its receipts and inbound endpoints answer 404",
                               fix: "set its receipt secret (see herald.conf.example)")
                }
            } catch {
                report.add(.fail, name, "\(error)")
                continue
            }
            if sandbox != nil {
                report.add(.ok, name, "simulated (the sandbox's simulators, with this data directory's secrets)")
            } else if let checking = provider as? any CredentialChecking {
                switch await checking.checkCredentials() {
                case .valid(let text): report.add(.ok, name, text)
                case .invalid(let text): report.add(.fail, name, text)
                }
            } else {
                report.add(.ok, name, "configuration is complete; \(name) offers no check without sending")
            }
        }
        await shutdown.run()
    }
}

/// A token store for `herald doctor` without Redis: nothing is shared.
struct NoSharedTokens: SharedTokenStore {
    func token(for key: String) async throws -> String? { nil }
    func store(_ token: String, for key: String, ttlMillis: Int64) async throws {}
    func invalidate(_ stale: String, for key: String) async throws {}
    func lock(_ key: String, owner: String, ttlMillis: Int64) async throws -> Bool { true }
    func unlock(_ key: String, owner: String) async throws {}
}
