import Foundation
import HeraldCore
import HeraldProviders

extension WeComProvider: CredentialChecking {
    struct AgentReply: Decodable {
        let errcode: Int?
        let errmsg: String?
        let name: String?
        /// 1 when the app is disabled (停用).
        let close: Int?
    }

    /// Gets the access token (the shared one while it is valid), which proves
    /// the corpid and secret, then reads the app (`GET /cgi-bin/agent/get`,
    /// read-only), which proves the agentid, the server's IP and that the
    /// app is enabled. Nothing is sent.
    public func checkCredentials() async -> CredentialCheck {
        let provider = WeComRegistration.name
        do {
            let reply: AgentReply
            switch try await tokens.withToken({ token in try await agent(token: token) }) {
            case .done(let answer): reply = answer
            case .tokenRejected(let code): return .invalid("\(provider): WeCom rejected a fresh access token (\(code))")
            }
            let code = reply.errcode ?? 0
            guard code == 0 else {
                let fix = WeComErrcode.configurationFix(code) ?? "see WeCom's errcode \(code)"
                return .invalid("\(provider): agent/get answered \(code) \(String((reply.errmsg ?? "").prefix(200))): \(fix)")
            }
            let app = "app \(configuration.agentID) (\(reply.name ?? "unnamed"))"
            if reply.close == 1 {
                return .invalid("\(provider): \(app) is disabled (close=1), so WeCom delivers none of its messages: "
                    + "enable it in WeCom's admin console (应用管理)")
            }
            return .valid("\(provider): an access token was obtained and \(app) is enabled")
        } catch let error as WeComTokenError {
            let fix = error.code.flatMap(WeComErrcode.configurationFix)
                ?? "check HERALD_WECOM_CORP_ID, HERALD_WECOM_CORP_SECRET and HERALD_WECOM_BASE_URL"
            return .invalid("\(provider): no access token (\(error)): \(fix)")
        } catch {
            return .invalid("\(provider): the check failed (\(error)); is HERALD_WECOM_BASE_URL reachable?")
        }
    }

    private func agent(token: String) async throws -> AccessTokenCache.Answer<AgentReply> {
        let query = FormURLEncoding.encode([("access_token", token), ("agentid", String(configuration.agentID))])
        let response = try await client.execute(ProviderRequest(url: configuration.baseURL + "/cgi-bin/agent/get?" + query))
        guard (200..<300).contains(response.status),
              let reply = try? JSONDecoder().decode(AgentReply.self, from: Data(response.body.readableBytesView))
        else { throw UnexpectedReply(description: "HTTP \(response.status), not WeCom's JSON") }
        if let code = reply.errcode, WeComErrcode.tokenRejected.contains(code) { return .tokenRejected(String(code)) }
        return .done(reply)
    }

    /// agent/get answered something that is not WeCom's JSON.
    struct UnexpectedReply: Error, CustomStringConvertible {
        let description: String
    }
}
