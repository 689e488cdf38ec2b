import Foundation
import HeraldCore

/// One entry of Aliyun's SmsUp push: a reply someone sent to one of our
/// numbers. Aliyun gives mainland numbers without the country code, as it
/// takes them in SendSms.
public struct AliyunSmsUp: Sendable, Equatable, Decodable {
    /// The sender as Aliyun gives it (see `e164PhoneNumber`).
    public var phoneNumber: String
    /// What they wrote.
    public var content: String
    /// When the carrier passed it on, Aliyun's local time.
    public var sendTime: String?
    /// The extension number the reply came in on.
    public var destCode: String?

    enum CodingKeys: String, CodingKey {
        case phoneNumber = "phone_number"
        case content
        case sendTime = "send_time"
        case destCode = "dest_code"
        case signName = "sign_name"
        case sequenceID = "sequence_id"
    }

    /// Every member openapi.yaml declares is checked for its type, `sign_name`
    /// and `sequence_id` (an integer or a string) too though they are not kept;
    /// an optional member that is null reads as absent.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        phoneNumber = try container.decode(String.self, forKey: .phoneNumber)
        content = try container.decode(String.self, forKey: .content)
        sendTime = try container.decodeIfPresent(String.self, forKey: .sendTime)
        destCode = try container.decodeIfPresent(String.self, forKey: .destCode)
        _ = try container.decodeIfPresent(String.self, forKey: .signName)
        if container.contains(.sequenceID), try !container.decodeNil(forKey: .sequenceID),
           (try? container.decode(String.self, forKey: .sequenceID)) == nil
        {
            let number = try container.decode(Double.self, forKey: .sequenceID)
            guard number.isFinite, number.rounded(.towardZero) == number else {
                throw DecodingError.dataCorruptedError(
                    forKey: .sequenceID, in: container, debugDescription: "sequence_id is an integer or a string")
            }
        }
    }

    public init(phoneNumber: String, content: String, sendTime: String? = nil, destCode: String? = nil) {
        self.phoneNumber = phoneNumber
        self.content = content
        self.sendTime = sendTime
        self.destCode = destCode
    }

    /// Parses a push body; nil unless it is a JSON array of replies, each with
    /// a phone number that reads as E.164.
    public static func parse(_ body: Data) -> [AliyunSmsUp]? {
        guard let replies = try? JSONDecoder().decode([AliyunSmsUp].self, from: body),
              replies.allSatisfy({ PhoneNumber.isValidE164($0.e164PhoneNumber) })
        else { return nil }
        return replies
    }

    /// The sender in E.164, the form suppressions are kept in. Aliyun's
    /// replies come from mainland numbers (11 digits from 1, given without
    /// +86); any other number is country code and number without `+`.
    public var e164PhoneNumber: String {
        let number = phoneNumber.trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
        if number.hasPrefix("+") { return number }
        if number.hasPrefix("00") { return "+" + number.dropFirst(2) }
        if number.count == 11, number.hasPrefix("1") { return "+86" + number }
        return "+" + number
    }

    /// The body Aliyun would push for `replies` (used by the simulator and tests).
    public static func encoded(_ replies: [AliyunSmsUp]) -> String {
        "[" + replies.map { reply in
            var json = #"{"phone_number":\#(JSONText.quoted(reply.phoneNumber)),"content":\#(JSONText.quoted(reply.content))"#
            if let sendTime = reply.sendTime { json += #","send_time":\#(JSONText.quoted(sendTime))"# }
            if let destCode = reply.destCode { json += #","dest_code":\#(JSONText.quoted(destCode))"# }
            return json + #","sequence_id":1234567890}"#
        }.joined(separator: ",") + "]"
    }
}
