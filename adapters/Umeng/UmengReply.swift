import Foundation
import HeraldCore
import NIOCore

/// Umeng's reply to every API call: `{"ret":"SUCCESS","data":{"msg_id":…}}`
/// with HTTP 200, or `{"ret":"FAIL","data":{"error_code":"2027","error_msg":"签名不正确"}}`
/// with HTTP 400. `error_code` is documented as a string; a number is read too.
struct UmengReply: Sendable, Equatable {
    var ret: String?
    var msgID: String?
    var taskID: String?
    var errorCode: String?
    var errorMessage: String?

    /// Reads a reply; nil when the body is not a JSON object.
    init?(_ body: ByteBuffer) {
        guard case .object(let root)? = try? JSONDecoder().decode(JSONValue.self, from: Data(body.readableBytesView))
        else { return nil }
        func text(_ value: JSONValue?) -> String? {
            guard let value, value != .null else { return nil }
            let text = value.text
            return text.isEmpty ? nil : text
        }
        ret = text(root["ret"])
        if case .object(let data)? = root["data"] {
            msgID = text(data["msg_id"])
            taskID = text(data["task_id"])
            errorCode = text(data["error_code"])
            errorMessage = text(data["error_msg"])
        }
    }

    var succeeded: Bool { ret == "SUCCESS" }
}

/// Umeng's error codes in the terms Herald acts on. The codes come from
/// Umeng's API document's error table (附录) and, for 2026, 3000–3004,
/// 4000–4020 and 5000/5005, from the official SDKs' older error enums.
/// Umeng documents no "token unregistered" code: it answers `msg_id` even for
/// an uninstalled app, so only malformed or foreign tokens are invalid here.
enum UmengErrorClass: Sendable, Equatable {
    /// The device token is malformed or belongs to another app: suppress it.
    case invalidToken
    /// Umeng limits the send rate (2050, and 2026 per minute): try again later.
    case throttled
    /// Umeng's own trouble (system busy, queue full, database): try again.
    case transient
    /// The account or this host is misconfigured; `fix` says what to change.
    case configuration(fix: String)
    /// The request itself was refused (payload, policy): no retry helps.
    case refused

    static func of(_ code: String, platform: UmengPushAddress.Platform) -> UmengErrorClass {
        let keys = UmengConfiguration.settings(for: platform)
        let app = "the Umeng \(platform.rawValue) app"
        switch code {
        case "4014", "4020", "5000", "5005", "1015":
            return .invalidToken
        case "2050", "2026":
            return .throttled
        case "4000", "4001", "4009", "3000", "3001", "3002", "3003", "3004", "6001", "6002", "6003", "6004":
            return .transient
        case "2000":
            return .configuration(fix: "\(app) is disabled; enable it in the U-Push console")
        case "1018":
            return .configuration(fix: "\(app) has no push service; enable U-Push for \(keys.appKey)")
        case "2004", "2054":
            return .configuration(fix: "this host's IP is not in \(app)'s IP whitelist; add it in the U-Push console (应用信息) or turn the whitelist off")
        case "2007":
            return .configuration(fix: "the request's signature or credentials were refused; check \(keys.appKey) and \(keys.masterSecret) (the App Master Secret)")
        case "2021":
            return .configuration(fix: "Umeng knows no such appkey; check \(keys.appKey)")
        case "2027":
            return .configuration(fix: "the signature does not match; check \(keys.masterSecret) (the App Master Secret, not the Message Secret)")
        case "2028":
            return .configuration(fix: "the timestamp is older than Umeng's 10 minutes: this host's clock is off; synchronize it (NTP)")
        case "2032", "2033":
            return .configuration(fix: "\(app) has no APNs \(code == "2032" ? "production" : "development") certificate uploaded; upload it in the U-Push console, or check HERALD_UMENG_PRODUCTION_MODE")
        case "2034", "2035":
            return .configuration(fix: "\(app)'s APNs \(code == "2034" ? "production" : "development") certificate has expired; upload a new one in the U-Push console")
        case "5007", "5008", "5009":
            return .configuration(fix: "APNs refused \(app)'s certificate (revoked, unknown or handshake failure); upload a valid one in the U-Push console")
        case "5010":
            return .configuration(fix: "\(app) is set to APNs token auth but has no .p8 key uploaded; upload it in the U-Push console")
        default:
            return .refused
        }
    }
}
