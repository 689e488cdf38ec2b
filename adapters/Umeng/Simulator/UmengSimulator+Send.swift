import Foundation
import HeraldCore

/// The body checks of `/api/send`, with the error codes of Umeng's table.
extension UmengSimulator {
    /// Checks a signed send: a unicast to one device token of the app's
    /// platform, its policy and its payload. Returns the device token.
    static func checkSend(_ signed: UmengSimulator.Signed) throws -> String {
        let fields = signed.fields
        guard let type = fields["type"] as? String, !type.isEmpty else { throw Refusal(code: "1016", message: "type不能为空") }
        // Herald sends unicast only, so the simulator serves nothing else.
        guard type == "unicast" else { throw Refusal(code: "2048", message: "type值不正确") }
        guard let token = fields["device_tokens"] as? String, !token.isEmpty else {
            throw Refusal(code: "1015", message: "device_tokens不能为空")
        }
        try checkToken(token, platform: signed.platform)
        if let mode = fields["production_mode"] {
            // The document writes "true"/"false" strings; its own signing example sends a JSON boolean.
            let valid = (mode as? String).map { $0 == "true" || $0 == "false" } ?? (mode is Bool)
            guard valid else { throw Refusal(code: "1017", message: "production_mode只能为true或false") }
        }
        if let policy = fields["policy"] {
            guard let policy = policy as? [String: Any] else { throw Refusal(code: "1027", message: "policy格式错误") }
            try checkPolicy(policy)
        }
        guard let payload = fields["payload"] as? [String: Any] else { throw Refusal(code: "1001", message: "payload不能为空") }
        switch signed.platform {
        case .android: try checkAndroid(payload)
        case .ios: try checkIOS(payload)
        }
        return token
    }

    /// Umeng's device tokens: 44 characters on Android, 64 on iOS (its
    /// document). Which code a malformed one gets per platform is not
    /// documented; the simulator answers 4020 (Android) and 5005 (iOS), both
    /// token-format codes of Umeng's tables.
    static func checkToken(_ token: String, platform: UmengPushAddress.Platform) throws {
        let bytes = token.utf8
        switch platform {
        case .android:
            let urlSafe = bytes.allSatisfy { $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") || isHex($0) || isLetter($0) }
            guard bytes.count == 44, urlSafe else { throw Refusal(code: "4020", message: "device_token有误(友盟的device_token是严格的44位字符串)") }
        case .ios:
            guard bytes.count == 64, bytes.allSatisfy(isHex) else { throw Refusal(code: "5005", message: "device_token格式错误") }
        }
    }

    /// `expire_time` in `yyyy-MM-dd HH:mm:ss` (Beijing time, as Herald writes
    /// it), after now and at most 7 days ahead.
    static func checkPolicy(_ policy: [String: Any]) throws {
        if let expire = policy["expire_time"] {
            guard let text = expire as? String, let millis = UmengTime.parse(text) else {
                throw Refusal(code: "2039", message: "时间格式必须是yyyy-MM-dd HH:mm:ss")
            }
            let now = WallClock.nowMillis()
            guard millis > now else { throw Refusal(code: "2003", message: "过期时间不能小于当前时间") }
            guard millis <= now + 7 * 86_400_000 else { throw Refusal(code: "2040", message: "过期时间不能超过发送时间+7天") }
        }
        if let outBizNo = policy["out_biz_no"], !(outBizNo is String) {
            throw Refusal(code: "1027", message: "policy格式错误")
        }
    }

    /// A notification (ticker, title and text) or a message (custom); `extra`
    /// an object; the whole payload at most 1840 bytes.
    static func checkAndroid(_ payload: [String: Any]) throws {
        guard let display = payload["display_type"] as? String else { throw Refusal(code: "1004", message: "display_type不能为空") }
        guard display == "notification" || display == "message" else { throw Refusal(code: "1019", message: "display_type值不正确") }
        guard let body = payload["body"] as? [String: Any] else { throw Refusal(code: "1002", message: "payload的body不能为空") }
        func text(_ key: String) -> String? { (body[key] as? String).flatMap { $0.isEmpty ? nil : $0 } }
        if display == "message" {
            guard body["custom"] != nil else { throw Refusal(code: "1003", message: "display_type为message时custom不能为空") }
        } else {
            guard text("ticker") != nil else { throw Refusal(code: "1008", message: "通知的ticker不能为空") }
            guard text("title") != nil else { throw Refusal(code: "1009", message: "通知的title不能为空") }
            guard text("text") != nil else { throw Refusal(code: "1010", message: "通知的text不能为空") }
        }
        switch text("after_open") ?? "go_app" {
        case "go_app": break
        case "go_url":
            guard let url = text("url") else { throw Refusal(code: "1022", message: "after_open为go_url时url不能为空") }
            guard url.hasPrefix("http://") || url.hasPrefix("https://") else { throw Refusal(code: "1007", message: "url必须以http或https开头") }
        case "go_activity":
            guard text("activity") != nil else { throw Refusal(code: "1024", message: "after_open为go_activity时activity不能为空") }
        case "go_custom":
            guard body["custom"] != nil else { throw Refusal(code: "1003", message: "after_open为go_custom时custom不能为空") }
        default:
            throw Refusal(code: "1019", message: "after_open值不正确")
        }
        if let extra = payload["extra"], !(extra is [String: Any]) { throw Refusal(code: "1026", message: "extra格式错误") }
        guard size(payload) <= 1_840 else { throw Refusal(code: "2022", message: "payload长度超出限制") }
    }

    /// `aps` with an alert (a string or an object) unless it is a silent push;
    /// custom keys other than Umeng's reserved `d` and `p`.
    static func checkIOS(_ payload: [String: Any]) throws {
        guard let aps = payload["aps"] as? [String: Any] else { throw Refusal(code: "2025", message: "aps不能为空") }
        let silent = (aps["content-available"] as? NSNumber)?.intValue == 1
        guard silent || aps["alert"] is String || aps["alert"] is [String: Any] else {
            throw Refusal(code: "2025", message: "aps格式错误")
        }
        guard payload["d"] == nil, payload["p"] == nil else { throw Refusal(code: "5002", message: "d和p是友盟保留字段") }
    }

    /// The payload's size as JSON.
    static func size(_ payload: [String: Any]) -> Int {
        (try? JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys, .withoutEscapingSlashes]))?.count ?? 0
    }

    static func isHex(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }

    static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }
}
