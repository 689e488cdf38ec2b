import Foundation
import HeraldCore

/// One entry of Aliyun's SmsReport push (a JSON array posted to the receipt
/// URL): the delivery result of one number, matched to its message by `out_id`
/// (Herald's id) or `biz_id`.
public struct AliyunSmsReport: Sendable, Equatable, Decodable {
    public var phoneNumber: String
    public var success: Bool
    public var errCode: String?
    public var errMsg: String?
    public var bizID: String
    public var outID: String?
    public var sendTime: String?
    public var reportTime: String?

    enum CodingKeys: String, CodingKey {
        case phoneNumber = "phone_number"
        case success
        case errCode = "err_code"
        case errMsg = "err_msg"
        case bizID = "biz_id"
        case outID = "out_id"
        case sendTime = "send_time"
        case reportTime = "report_time"
        case smsSize = "sms_size"
    }

    /// Every member openapi.yaml declares is checked for its type, `sms_size`
    /// too though it is not kept; an optional member that is null reads as absent.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        phoneNumber = try container.decode(String.self, forKey: .phoneNumber)
        success = try container.decode(Bool.self, forKey: .success)
        bizID = try container.decode(String.self, forKey: .bizID)
        errCode = try container.decodeIfPresent(String.self, forKey: .errCode)
        errMsg = try container.decodeIfPresent(String.self, forKey: .errMsg)
        outID = try container.decodeIfPresent(String.self, forKey: .outID)
        sendTime = try container.decodeIfPresent(String.self, forKey: .sendTime)
        reportTime = try container.decodeIfPresent(String.self, forKey: .reportTime)
        _ = try container.decodeIfPresent(String.self, forKey: .smsSize)
    }

    public init(
        phoneNumber: String, success: Bool, errCode: String?, errMsg: String?, bizID: String, outID: String?,
        sendTime: String?, reportTime: String?
    ) {
        self.phoneNumber = phoneNumber
        self.success = success
        self.errCode = errCode
        self.errMsg = errMsg
        self.bizID = bizID
        self.outID = outID
        self.sendTime = sendTime
        self.reportTime = reportTime
    }

    /// Parses a push body; nil unless it is a JSON array of reports.
    public static func parse(_ body: Data) -> [AliyunSmsReport]? {
        try? JSONDecoder().decode([AliyunSmsReport].self, from: body)
    }

    public var status: MessageStatus { success ? .delivered : .undelivered }

    /// Identifies this report for deduplication: a redelivered push repeats it exactly.
    public var eventID: String { "aliyun:" + bizID + ":" + (success ? "ok" : (errCode ?? "failed")) }

    public func encoded() -> String {
        var json = #"{"phone_number":\#(JSONText.quoted(phoneNumber)),"success":\#(success),"biz_id":\#(JSONText.quoted(bizID))"#
        if let errCode { json += #","err_code":\#(JSONText.quoted(errCode))"# }
        if let errMsg { json += #","err_msg":\#(JSONText.quoted(errMsg))"# }
        if let outID { json += #","out_id":\#(JSONText.quoted(outID))"# }
        if let sendTime { json += #","send_time":\#(JSONText.quoted(sendTime))"# }
        if let reportTime { json += #","report_time":\#(JSONText.quoted(reportTime))"# }
        return json + #","sms_size":"1"}"#
    }
}
