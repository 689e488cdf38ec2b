import Foundation
import HeraldCore
import HeraldMetrics
import HeraldRedis
import HTTPTypes
import Hummingbird

/// The console's message search and latest failures.
extension ConsoleController {

    func messages(_ session: ConsoleSessions.Session, request: Request) async throws -> Response {
        let id = request.uri.queryParameters.get("id")?.trimmingCharacters(in: .whitespaces) ?? ""
        var body = "<form method=\"get\" action=\"/console/messages\"><input type=\"text\" name=\"id\" id=\"message-id\" "
            + "placeholder=\"message id\" value=\"\(ConsoleHTML.escape(id))\"> <button type=\"submit\" id=\"search\">Find</button></form>"
        if !id.isEmpty {
            if id.utf8.count <= 64, let message = try await store.message(id: id) {
                let view = try Self.json(MessageView(message))
                body += "<h2>\(ConsoleHTML.escape(id))</h2><dl>"
                body += "<dt>Status</dt><dd id=\"message-status\">\(ConsoleHTML.escape(view["status"]?.stringValue ?? ""))</dd>"
                let channel = view["channel"]?.stringValue.flatMap(Channel.init(rawValue:))
                if let to = view["to"]?.stringValue, let channel {
                    body += "<dt>To</dt><dd>\(ConsoleHTML.escape(PIIMask.recipient(to, channel: channel)))</dd>"
                }
                for key in ["channel", "campaign", "provider", "error", "created_at"] {
                    if let value = view[key]?.stringValue { body += "<dt>\(key)</dt><dd>\(ConsoleHTML.escape(PIIMask.scrub(value)))</dd>" }
                }
                body += "<dt>attempts</dt><dd>\(Self.number(view["attempts"]))</dd></dl>"
                body += "<h2>History</h2>" + ConsoleHTML.table(["At", "Event", "Detail"], (view["events"]?.arrayValue ?? []).map { event in
                    let fields = event.objectValue ?? [:]
                    return [ConsoleHTML.escape(fields["at"]?.stringValue ?? ""), ConsoleHTML.escape(fields["type"]?.stringValue ?? ""),
                            ConsoleHTML.escape(PIIMask.scrub(fields["detail"]?.stringValue ?? ""))]
                }, id: "history")
            } else {
                body += "<p id=\"not-found\">No message \(ConsoleHTML.escape(String(id.prefix(64)))).</p>"
            }
        }
        body += "<h2>Latest failures</h2>" + ConsoleHTML.table(["Message", "To", "Reason", "Error"], try await latestFailures(),
                                                              id: "failures")
        return page(session, "Messages", .messages, body)
    }

    /// The newest dead-lettered messages of every channel (partition 0's stream and the others), recipients masked.
    func latestFailures() async throws -> [[String]] {
        var commands: [[String]] = []
        for channel in Channel.allCases {
            for keys in ChannelKeys.all(channel, store.settings.partitions) { commands.append(["XREVRANGE", keys.deadLetters, "+", "-", "COUNT", "10"]) }
        }
        var found: [(id: String, reason: String, error: String, at: String)] = []
        for reply in try await store.redis.pipeline(commands) {
            for entry in reply.array {
                let parts = entry.array
                guard parts.count == 2, let streamID = parts[0].string else { continue }
                let fields = parts[1].fields
                found.append((fields["id"] ?? "", fields["reason"] ?? "", fields["error"] ?? "", streamID))
            }
        }
        found.sort { $0.at > $1.at }
        var rows: [[String]] = []
        for failure in found.prefix(20) {
            var to = ""
            if let message = try await store.message(id: failure.id), let channel = ChannelKeys(messageID: failure.id)?.channel {
                to = (try? Self.json(MessageView(message)))?["to"]?.stringValue.map { PIIMask.recipient($0, channel: channel) } ?? ""
            }
            let id = ConsoleHTML.escape(failure.id)
            rows.append(["<a href=\"/console/messages?id=\(id)\">\(id)</a>", ConsoleHTML.escape(to), ConsoleHTML.escape(failure.reason),
                         ConsoleHTML.escape(PIIMask.scrub(failure.error))])
        }
        return rows
    }
}
