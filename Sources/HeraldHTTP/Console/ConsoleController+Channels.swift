import Foundation
import HeraldCore
import HeraldMetrics
import HeraldRedis
import HTTPTypes
import Hummingbird

/// The console's channels and providers page.
extension ConsoleController {

    func channels(_ session: ConsoleSessions.Session) async throws -> Response {
        let now = WallClock.nowMillis()
        let depths = try await store.queueDepths(Channel.allCases, nowMillis: now)
        var body = "<h2>Queues</h2>" + ConsoleHTML.table(["Channel", "Ready", "Pending", "Delayed", "Oldest (s)"],
            Channel.allCases.compactMap { channel in
                guard let depth = depths[channel] else { return nil }
                return [ConsoleHTML.escape(channel.rawValue), String(depth.ready), String(depth.pending), String(depth.delayed),
                        String(depth.oldestAgeSeconds)]
            }, id: "queues")
        let providers = metrics.activity.snapshot(nowMillis: now)
        body += "<h2>Providers (this instance, last hour)</h2>"
        let elapsed = Double(now % 60_000) / 60_000
        body += ConsoleHTML.table(["Provider", "Channel", "Sends/s (last 60 s)", "Error rate (hour)", "Breaker",
                                   "Attempts a minute", "Errors a minute"],
            providers.map { provider in
                let attempts = provider.minutes.reduce(0) { $0 + $1.attempts }
                let errors = provider.minutes.reduce(0) { $0 + $1.errors }
                let current = provider.minutes.last?.attempts ?? 0
                let previous = provider.minutes.count >= 2 ? provider.minutes[provider.minutes.count - 2].attempts : 0
                // The last 60 s: this minute so far and the part of the previous one still inside the window.
                let perSecond = (Double(current) + Double(previous) * (1 - elapsed)) / 60
                return [
                    ConsoleHTML.escape(provider.name), ConsoleHTML.escape(provider.channel), String(format: "%.1f", perSecond),
                    attempts > 0 ? ConsoleHTML.percent(Double(errors) / Double(attempts)) : "–",
                    provider.breakerOpen ? "<span class=\"bad\">open</span>" : "<span class=\"ok\">closed</span>",
                    ConsoleHTML.sparkline(provider.minutes.map(\.attempts), label: "attempts of \(provider.name)"),
                    ConsoleHTML.sparkline(provider.minutes.map(\.errors), label: "errors of \(provider.name)"),
                ]
            }, id: "providers")
        return page(session, "Channels & providers", .channels, body)
    }
}
