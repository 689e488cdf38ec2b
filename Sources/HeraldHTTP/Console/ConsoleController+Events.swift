import Foundation
import HeraldCore
import HeraldMetrics
import HeraldRedis
import HTTPTypes
import Hummingbird

/// The console's event subscriptions page.
extension ConsoleController {

    func events(_ session: ConsoleSessions.Session) async throws -> Response {
        var rows: [[String]] = []
        for subscription in try await subscriptions.all() {
            let state = try await subscriptions.state(of: subscription.id)
            rows.append([
                ConsoleHTML.escape(subscription.id), ConsoleHTML.escape(PIIMask.url(subscription.url)),
                ConsoleHTML.escape(subscription.events.count == StatusEventType.allCases.count
                    ? "*" : subscription.events.map(\.rawValue).sorted().joined(separator: ", ")),
                String(state.delivered), String(state.queued), String(state.deadLettered), String(state.dropped),
                state.failingSinceMillis.map { "<span class=\"bad\">since \(RFC3339.format(millis: $0)) (\(state.attempts) tries)</span>" }
                    ?? "<span class=\"ok\">no</span>",
                ConsoleHTML.escape(state.lastError ?? ""),
            ])
        }
        let body = ConsoleHTML.table(["Id", "URL", "Events", "Delivered", "Queued", "Dead letter", "Dropped", "Failing", "Last error"],
                                     rows, id: "subscriptions")
        return page(session, "Event subscriptions", .events, body)
    }
}
