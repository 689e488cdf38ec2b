import Foundation
import HeraldCore
import HeraldMetrics
import HeraldRedis
import HTTPTypes
import Hummingbird

/// `GET /console`: the operator's and marketer's view of Herald, served by
/// Herald itself (README "Console"). Nothing but the login page answers
/// without a session; a session is made by logging in with an API key with
/// the `console` (or `admin`) scope, or with no key in the local sandbox.
/// Every state-changing form carries the session's CSRF token.
struct ConsoleController: Sendable {
    let sessions: ConsoleSessions
    let keys: KeyRing
    let open: Bool
    /// Whether cookies get `Secure` (Herald is reached over https, not loopback).
    let secureCookies: Bool
    let campaigns: CampaignsController
    let store: MessageStore
    let subscriptions: EventSubscriptionStore
    let metrics: HeraldMetrics

    static let sessionCookie = "herald_session"
    static let loginCookie = "herald_login"

    func register(on router: Router<HeraldRequestContext>) {
        router.get("console/assets/console.css") { _, _ in Self.asset(ConsoleAssets.css, type: "text/css; charset=utf-8") }
        router.get("console/assets/console.js") { _, _ in
            Self.asset(ConsoleAssets.javascript, type: "text/javascript; charset=utf-8")
        }
        router.get("console/login", use: loginPage)
        router.post("console/login", use: login)
        router.post("console/logout", use: logout)
        router.get("console") { request, context in try await self.authenticated(request) { _ in Self.redirect("/console/campaigns") } }
        router.get("console/campaigns") { request, context in try await self.authenticated(request) { try await self.campaignList($0) } }
        router.get("console/campaigns/:id") { request, context in
            try await self.authenticated(request) { try await self.campaignPage($0, context: context) }
        }
        for action in [CampaignState.Action.pause, .resume, .cancel] {
            router.post("console/campaigns/:id/\(action.rawValue)") { request, context in
                try await self.campaignAction(action, request: request, context: context)
            }
        }
        router.get("console/channels") { request, context in try await self.authenticated(request) { try await self.channels($0) } }
        router.get("console/messages") { request, context in
            try await self.authenticated(request) { try await self.messages($0, request: request) }
        }
        router.get("console/events") { request, context in try await self.authenticated(request) { try await self.events($0) } }
    }

    // MARK: Sessions

    private func session(_ request: Request) async throws -> ConsoleSessions.Session? {
        guard let token = request.cookies[Self.sessionCookie]?.value else { return nil }
        return try await sessions.find(token)
    }

    /// Runs `page` for a logged-in user; anyone else is sent to the login page.
    private func authenticated(_ request: Request, _ page: (ConsoleSessions.Session) async throws -> Response) async throws
        -> Response
    {
        guard let session = try await session(request) else { return Self.redirect("/console/login") }
        return try await page(session)
    }

    @Sendable func loginPage(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        try await loginForm(error: nil)
    }

    private func loginForm(error: String?, status: HTTPResponse.Status = .ok) async throws -> Response {
        let token = ConsoleSessions.randomToken()
        var body = "<form class=\"login\" method=\"post\" action=\"/console/login\">"
        body += ConsoleHTML.hiddenCSRF(token)
        if let error { body += "<p class=\"error\" id=\"login-error\">\(ConsoleHTML.escape(error))</p>" }
        if open {
            body += "<p class=\"muted\">Local sandbox: no key is needed.</p>"
        }
        body += "<p><label for=\"key\">API key (scope <code>console</code>)</label><br>"
        body += "<input type=\"password\" id=\"key\" name=\"key\" autocomplete=\"current-password\"></p>"
        body += "<p><button class=\"primary\" type=\"submit\" id=\"login\">Log in</button></p></form>"
        var response = Self.html(ConsoleHTML.page(title: "Log in", section: nil, user: nil, csrf: nil, live: false, body: body),
                                 status: status)
        response.headers[values: .setCookie].append(cookie(Self.loginCookie, token, maxAge: 3_600, path: "/console/login"))
        return response
    }

    @Sendable func login(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let form = try await Self.form(request)
        // Double submit: the form's token must be the one the login page set as a cookie.
        guard let expected = request.cookies[Self.loginCookie]?.value, let given = form["csrf"],
              ConstantTime.equal(expected, given)
        else { return try await loginForm(error: "The form expired; try again.", status: .forbidden) }
        let caller: Caller
        if open {
            caller = .sandbox
        } else {
            guard let key = form["key"], !key.isEmpty,
                  let found = try? await keys.authenticate(key, nowMillis: WallClock.nowMillis())
            else { return try await loginForm(error: "That key is not valid.", status: .unauthorized) }
            guard found.scopes.contains(.console) || found.scopes.contains(.admin) else {
                return try await loginForm(error: "That key lacks the console scope.", status: .forbidden)
            }
            caller = found
        }
        let token = try await sessions.open(for: caller)
        var response = Self.redirect("/console/campaigns")
        response.headers[values: .setCookie].append(cookie(Self.sessionCookie, token, maxAge: sessions.lifetimeSeconds,
                                                           path: "/console"))
        response.headers[values: .setCookie].append(cookie(Self.loginCookie, "", maxAge: 0, path: "/console/login"))
        return response
    }

    @Sendable func logout(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        guard let token = request.cookies[Self.sessionCookie]?.value, let session = try await sessions.find(token) else {
            return Self.redirect("/console/login")
        }
        let form = try await Self.form(request)
        guard let given = form["csrf"], ConstantTime.equal(given, session.csrf) else { return Self.forbidden() }
        try await sessions.close(token)
        var response = Self.redirect("/console/login")
        response.headers[values: .setCookie].append(cookie(Self.sessionCookie, "", maxAge: 0, path: "/console"))
        return response
    }

    private func cookie(_ name: String, _ value: String, maxAge: Int, path: String) -> String {
        "\(name)=\(value); Path=\(path); Max-Age=\(maxAge); HttpOnly; SameSite=Strict" + (secureCookies ? "; Secure" : "")
    }

    // MARK: Campaigns

    private func campaignList(_ session: ConsoleSessions.Session) async throws -> Response {
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

    private func campaignPage(_ session: ConsoleSessions.Session, context: HeraldRequestContext) async throws -> Response {
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

    private func campaignAction(_ action: CampaignState.Action, request: Request, context: HeraldRequestContext) async throws
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

    // MARK: Channels and providers

    private func channels(_ session: ConsoleSessions.Session) async throws -> Response {
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

    // MARK: Messages

    private func messages(_ session: ConsoleSessions.Session, request: Request) async throws -> Response {
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
    private func latestFailures() async throws -> [[String]] {
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

    // MARK: Event subscriptions

    private func events(_ session: ConsoleSessions.Session) async throws -> Response {
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

    // MARK: Responses

    private func page(_ session: ConsoleSessions.Session, _ title: String, _ section: ConsoleHTML.Section, _ body: String,
                      status: HTTPResponse.Status = .ok) -> Response
    {
        Self.html(ConsoleHTML.page(title: title, section: section, user: session.caller.name, csrf: session.csrf, live: status == .ok,
                                   body: body), status: status)
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: securityHeaders(type: "text/html; charset=utf-8"),
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func asset(_ text: String, type: String) -> Response {
        var headers = securityHeaders(type: type)
        headers[.cacheControl] = "private, max-age=300"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func securityHeaders(type: String) -> HTTPFields {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "no-store"
        headers[HTTPField.Name("Content-Security-Policy")!] = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        return headers
    }

    static func redirect(_ location: String) -> Response {
        var headers = securityHeaders(type: "text/plain; charset=utf-8")
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }

    static func forbidden() -> Response {
        html(ConsoleHTML.page(title: "Refused", section: nil, user: nil, csrf: nil, live: false,
                              body: "<p class=\"error\" id=\"csrf-error\">The form's security token did not match. "
                                  + "<a href=\"/console\">Start again</a>.</p>"), status: .forbidden)
    }

    /// A urlencoded form body, at most 16 KiB.
    static func form(_ request: Request) async throws -> [String: String] {
        let body = try await request.collectBody(limit: 16 * 1024)
        let pairs = FormURLEncoding.decode(String(decoding: body.readableBytesView, as: UTF8.self)) ?? []
        return Dictionary(pairs, uniquingKeysWith: { first, _ in first })
    }

    /// An API view as parsed JSON, so the console shows exactly what the API answers.
    static func json<T: Encodable>(_ value: T) throws -> [String: JSONValue] {
        let data = try JSONEncoder().encode(value)
        guard case .object(let object)? = data.withUnsafeBytes({ JSONParser.parse($0) }) else { return [:] }
        return object
    }

    static func number(_ value: JSONValue?) -> String {
        guard let value else { return "0" }
        switch value {
        case .number(let number): return number == number.rounded() ? String(Int(number)) : String(number)
        case .string(let text): return ConsoleHTML.escape(text)
        default: return "–"
        }
    }
}
