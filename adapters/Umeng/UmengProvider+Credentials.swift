import HeraldCore
import HeraldProviders

extension UmengProvider: CredentialChecking {
    /// Asks `/api/status` about a task that does not exist, for each configured
    /// app: the call is signed and checked like a send (appkey, App Master
    /// Secret, IP whitelist, timestamp) but sends nothing. Umeng documents no
    /// read-only credential call, so the verdict is an inference from its error
    /// table: 1014 (task not found) means all of those passed; 2004, 2007,
    /// 2021, 2027, 2028 and 2054 name the one that did not.
    public func checkCredentials() async -> CredentialCheck {
        var passed = true
        var findings: [String] = []
        for platform in UmengPushAddress.Platform.allCases {
            guard let app = configuration.app(for: platform) else { continue }
            let (ok, text) = await check(platform, app)
            passed = passed && ok
            findings.append(text)
        }
        let text = "umeng: " + findings.joined(separator: "; ")
        return passed ? .valid(text) : .invalid(text)
    }

    /// The dummy task id asked about: Umeng's ids look nothing like it.
    static let doctorTaskID = "herald-doctor-credential-check"

    private func check(_ platform: UmengPushAddress.Platform, _ app: UmengConfiguration.App) async -> (Bool, String) {
        let name = "the \(platform.rawValue) app"
        let body = JSONValue.object([
            "appkey": .string(app.appKey), "timestamp": .string(String(nowMillis())), "task_id": .string(Self.doctorTaskID),
        ]).encoded()
        let response: ProviderResponse
        do {
            response = try await post("/api/status", body: body, app: app)
        } catch {
            return (false, "\(name): Umeng could not be reached (\(error))")
        }
        let reply = UmengReply(response.body)
        if response.status == 200, reply?.succeeded == true {
            return (true, "\(name)'s credentials were accepted")
        }
        guard let code = reply?.errorCode else {
            return (false, "\(name): /api/status answered HTTP \(response.status) without an Umeng error code")
        }
        if code == "1014" {
            return (true, "\(name)'s appkey, master secret, IP whitelist and clock were accepted (1014: no such task, as expected)")
        }
        if case .configuration(let fix) = UmengErrorClass.of(code, platform: platform) {
            return (false, "\(name) was refused (\(code)): \(fix)")
        }
        return (false, "\(name): /api/status answered \(code) \(reply?.errorMessage ?? "")")
    }
}
