import HeraldProviders

/// WeCom's `errcode`s that Herald tells apart (WeCom answers HTTP 200 for
/// all of them), and what to change for the ones that are the
/// configuration's fault: the sender, `herald doctor` and the token fetch all
/// classify through this one table.
enum WeComErrcode {
    /// The access token is invalid, expired or missing: refresh it once and send again.
    static let tokenRejected: Set<Int> = [40014, 42001, 41001]

    /// What the operator must change for a configuration error; nil for any other code.
    static func configurationFix(_ code: Int) -> String? {
        switch code {
        case 40001, 40091:
            "check HERALD_WECOM_CORP_SECRET: it must be this app's own Secret (应用管理 → the app), of the corp in HERALD_WECOM_CORP_ID"
        case 40013: "check HERALD_WECOM_CORP_ID (我的企业 → 企业ID)"
        case 40056: "check HERALD_WECOM_AGENT_ID: WeCom knows no such app (应用管理 → the app → AgentId)"
        case 301002: "HERALD_WECOM_AGENT_ID and HERALD_WECOM_CORP_SECRET must belong to the same app"
        case 48002: "the app may not call this API: check its permissions in WeCom's admin console, and that HERALD_WECOM_CORP_SECRET is the app's Secret"
        case 60020: "WeCom refuses this server's IP: add it to the app's trusted IPs (应用管理 → the app → 企业可信IP)"
        default: nil
        }
    }

    /// What is wrong with a message WeCom refused for its content; nil for any other code.
    static func contentProblem(_ code: Int) -> String? {
        switch code {
        case 82004: "WeCom refused the content as invalid (content that could crash a client)"
        case 44004: "the text content is empty"
        case 41033: "the textcard has no description"
        case 45002: "the content is over WeCom's size limit"
        default: nil
        }
    }

    /// The outcome of a send WeCom refused with `code` (other than a rejected token).
    static func outcome(_ code: Int, message errmsg: String) -> SendOutcome {
        let text = String(errmsg.prefix(200))
        let codeText = String(code)
        switch code {
        case 81013, 40003:
            return .invalidRecipient(code: codeText, message: "WeCom: the userid is not a member this app can reach (\(text))")
        case 45009, 45033:
            return .throttled(code: codeText, message: text, retryAfterMillis: nil)
        case -1:
            return .retryable(code: codeText, message: "WeCom is busy (\(text))", retryAfterMillis: nil)
        default:
            if let fix = configurationFix(code) { return .permanent(code: codeText, message: "\(fix) (WeCom: \(text))") }
            if let problem = contentProblem(code) { return .permanent(code: codeText, message: "\(problem) (WeCom: \(text))") }
            return .permanent(code: codeText, message: "WeCom: \(text)")
        }
    }
}

/// WeCom refused to issue an access token (`errcode` from `/cgi-bin/gettoken`),
/// or the reply was not one.
struct WeComTokenError: Error, CustomStringConvertible {
    /// WeCom's errcode; nil when the reply was not WeCom's JSON.
    let code: Int?
    let description: String

    /// A configuration error ends the message (every send would fail alike);
    /// anything else is retried, as the next fetch may succeed.
    var outcome: SendOutcome {
        if let code, let fix = WeComErrcode.configurationFix(code) {
            return .permanent(code: String(code), message: "no access token: \(fix) (\(description))")
        }
        return .retryable(code: "token", message: description, retryAfterMillis: nil)
    }
}
