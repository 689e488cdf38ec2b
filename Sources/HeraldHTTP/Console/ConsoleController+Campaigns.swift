import Foundation
import HeraldCore
import HeraldMetrics
import HeraldRedis
import HTTPTypes
import Hummingbird

/// The console's campaign pages: the list, one campaign (progress, funnel,
/// counts, variants) and its buttons.
extension ConsoleController {

    func campaignList(_ session: ConsoleSessions.Session) async throws -> Response {
        let now = WallClock.nowMillis()
        let listed = try await campaigns.store.list(after: nil, limit: 50, nowMillis: now)
        var rows: [[String]] = []
        for record in listed.records {
            let view = try Self.json(try await campaigns.view(record, nowMillis: now))
            let counts = view["counts"]?.objectValue ?? [:]
            let id = ConsoleHTML.escape(record.definition.id)
            rows.append([
                "<a href=\"/console/campaigns/\(id)\">\(id)</a>", ConsoleHTML.escape(view["state"]?.stringValue ?? ""),
                ConsoleHTML.escape(view["channel"]?.stringValue ?? ""), Self.number(counts["recipients"]),
                Self.number(counts["sent"]), Self.number(counts["delivered"]), Self.number(counts["clicked"]),
            ])
        }
        let body = ConsoleHTML.table(["Campaign", "State", "Channel", "Recipients", "Sent", "Delivered", "Clicked"], rows,
                                     id: "campaigns")
        return page(session, "Campaigns", .campaigns, body)
    }

    func campaignPage(_ session: ConsoleSessions.Session, context: HeraldRequestContext) async throws -> Response {
        let id = try CampaignsController.campaignID(context)
        let now = WallClock.nowMillis()
        guard let record = try await campaigns.store.record(id: id, nowMillis: now) else {
            return page(session, "Not found", .campaigns, "<p>No campaign \(ConsoleHTML.escape(id)).</p>", status: .notFound)
        }
        let view = try Self.json(try await campaigns.view(record, nowMillis: now))
        let byGroup = try await CampaignResults.load(record, stats: campaigns.stats, nowMillis: now)
        let results = try Self.json(CampaignResults(record, stats: byGroup, metric: CampaignResults.defaultMetric(record.definition),
                                                    nowMillis: now))
        let counts = view["counts"]?.objectValue ?? [:]
        let state = view["state"]?.stringValue ?? ""
        var body = "<dl>"
        body += "<dt>State</dt><dd id=\"campaign-state\">\(ConsoleHTML.escape(state))</dd>"
        body += "<dt>Channel</dt><dd>\(ConsoleHTML.escape(view["channel"]?.stringValue ?? ""))</dd>"
        for (label, key) in [("Created", "created_at"), ("Started", "started_at"), ("Estimated completion", "estimated_completion_at")] {
            if let value = view[key]?.stringValue { body += "<dt>\(label)</dt><dd>\(ConsoleHTML.escape(value))</dd>" }
        }
        let pacing = view["pacing"]?.objectValue ?? [:]
        let rate = view["rate"]?.objectValue ?? [:]
        body += "<dt>Pacing</dt><dd>" + (pacing["rate_per_minute"].map { Self.number($0) + " a minute" } ?? "as fast as allowed")
            + " · now " + Self.number(rate["current_per_minute"]) + " a minute</dd></dl>"
        let recipients = counts["recipients"]?.intValue ?? 0
        let pending = counts["pending"]?.intValue ?? 0
        body += "<h2>Progress</h2>" + ConsoleHTML.progress(done: recipients - pending, total: recipients)
        body += "<div class=\"actions\">"
        for action in [CampaignState.Action.pause, .resume, .cancel] {
            body += "<form method=\"post\" action=\"/console/campaigns/\(ConsoleHTML.escape(id))/\(action.rawValue)\">"
                + ConsoleHTML.hiddenCSRF(session.csrf)
                + "<button type=\"submit\" id=\"\(action.rawValue)\">\(action.rawValue.capitalized)</button></form>"
        }
        body += "</div>"
        let groups = results["groups"]?.arrayValue ?? []
        func sum(_ key: String) -> Int { groups.reduce(0) { $0 + ($1.objectValue?[key]?.intValue ?? 0) } }
        body += "<h2>Funnel</h2>" + ConsoleHTML.funnel([
            ("accepted", recipients - pending), ("sent", sum("sent")), ("delivered", sum("delivered")),
            ("clicked", sum("clicked")), ("converted", sum("converters")),
        ], id: "funnel")
        body += "<h2>Counts</h2>" + ConsoleHTML.table(["Count", "Value"], counts.keys.sorted().map { key in
            [ConsoleHTML.escape(key), "<span id=\"count-\(ConsoleHTML.escape(key))\">\(Self.number(counts[key]))</span>"]
        }, id: "counts")
        if groups.count > 1 {
            let metric = results["metric"]?.stringValue ?? "click_rate"
            body += "<h2>Variants (\(ConsoleHTML.escape(metric.replacingOccurrences(of: "_", with: " "))), 95 % intervals)</h2>"
            body += ConsoleHTML.table(["Group", "Assigned", "Delivered", "Clicked", "Converted", "Rate", "Interval"], groups.map { group in
                let fields = group.objectValue ?? [:]
                let interval = fields[metric + "_interval"]?.objectValue
                return [
                    ConsoleHTML.escape(fields["name"]?.stringValue ?? ""), Self.number(fields["assigned"]),
                    Self.number(fields["delivered"]), Self.number(fields["clicked"]), Self.number(fields["converters"]),
                    ConsoleHTML.percent(fields[metric]?.doubleValue),
                    interval.map { ConsoleHTML.percent($0["low"]?.doubleValue) + " – " + ConsoleHTML.percent($0["high"]?.doubleValue) }
                        ?? "–",
                ]
            }, id: "variants")
        }
        return page(session, "Campaign " + id, .campaigns, body)
    }

    func campaignAction(_ action: CampaignState.Action, request: Request, context: HeraldRequestContext) async throws
        -> Response
    {
        guard let session = try await session(request) else { return Self.redirect("/console/login") }
        let form = try await Self.form(request)
        guard let given = form["csrf"], ConstantTime.equal(given, session.csrf) else { return Self.forbidden() }
        guard session.caller.scopes.contains(.campaigns) else {
            return page(session, "Not allowed", .campaigns, "<p class=\"error\">This key lacks the campaigns scope.</p>",
                        status: .forbidden)
        }
        let id = try CampaignsController.campaignID(context)
        var context = context
        context.caller = session.caller
        do {
            _ = try await campaigns.control(action, request: request, context: context)
        } catch let error as APIError {
            return page(session, "Campaign " + id, .campaigns,
                        "<p class=\"error\" id=\"action-error\">\(ConsoleHTML.escape(error.message))</p>"
                            + "<p><a href=\"/console/campaigns/\(ConsoleHTML.escape(id))\">Back</a></p>",
                        status: HTTPResponse.Status(code: error.status))
        }
        return Self.redirect("/console/campaigns/" + id)
    }
}
