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

    func session(_ request: Request) async throws -> ConsoleSessions.Session? {
        guard let token = request.cookies[Self.sessionCookie]?.value else { return nil }
        return try await sessions.find(token)
    }

    /// Runs `page` for a logged-in user; anyone else is sent to the login page.
    func authenticated(_ request: Request, _ page: (ConsoleSessions.Session) async throws -> Response) async throws
        -> Response
    {
        guard let session = try await session(request) else { return Self.redirect("/console/login") }
        return try await page(session)
    }

    @Sendable func loginPage(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        try await loginForm(error: nil)
    }

    func loginForm(error: String?, status: HTTPResponse.Status = .ok) async throws -> Response {
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

    func cookie(_ name: String, _ value: String, maxAge: Int, path: String) -> String {
        "\(name)=\(value); Path=\(path); Max-Age=\(maxAge); HttpOnly; SameSite=Strict" + (secureCookies ? "; Secure" : "")
    }
}
