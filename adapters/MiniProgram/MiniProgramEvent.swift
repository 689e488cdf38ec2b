import Foundation
import HeraldCore

/// What a mini-program's server URL receives that matters to Herald, in the
/// XML or the JSON form (the console chooses): the results of subscribe
/// sends, and the person subscribing to or refusing templates. `List` is one
/// object or an array of them, nested under the event's element or at the
/// top level, and numbers may come as strings: all of these are read.
public struct MiniProgramEvent: Sendable, Equatable {
    /// One subscribe send's result: `errorCode` 0 is delivered.
    public struct SendResult: Sendable, Equatable {
        public var templateID: String
        public var msgID: String
        public var errorCode: String
        public var errorStatus: String

        public init(templateID: String, msgID: String, errorCode: String, errorStatus: String) {
            self.templateID = templateID
            self.msgID = msgID
            self.errorCode = errorCode
            self.errorStatus = errorStatus
        }
    }

    /// One template the person accepted or refused.
    public struct SubscriptionChange: Sendable, Equatable {
        public var templateID: String
        public var accepted: Bool

        public init(templateID: String, accepted: Bool) {
            self.templateID = templateID
            self.accepted = accepted
        }
    }

    public enum Kind: Sendable, Equatable {
        case sent([SendResult])
        case subscriptions([SubscriptionChange])
        case other(String)
    }

    public var openID: String
    public var kind: Kind

    public init(openID: String, kind: Kind) {
        self.openID = openID
        self.kind = kind
    }

    /// The element each event's `List` sits in, in the XML form.
    static let containers = ["SubscribeMsgSentEvent", "SubscribeMsgPopupEvent", "SubscribeMsgChangeEvent"]

    /// Parses a pushed body, XML or JSON; nil when it is not a well-formed event.
    public init?(body: String) {
        let text = body.trimmingCharacters(in: .whitespacesAndNewlines)
        let parsed = text.hasPrefix("{") ? Self.json(text) : Self.xml(text)
        guard let (fields, items) = parsed, fields["MsgType"] == "event", let openID = fields["FromUserName"], !openID.isEmpty,
              (6...64).contains(openID.utf8.count), let event = fields["Event"]
        else { return nil }
        self.openID = openID
        switch event {
        case "subscribe_msg_sent_event":
            var results: [SendResult] = []
            for item in items {
                guard let template = item["TemplateId"], let msgID = item["MsgID"], !msgID.isEmpty, msgID.utf8.count <= 32,
                      msgID.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let code = item["ErrorCode"]
                else { return nil }
                results.append(SendResult(templateID: template, msgID: msgID, errorCode: code, errorStatus: item["ErrorStatus"] ?? ""))
            }
            kind = .sent(results)
        case "subscribe_msg_popup_event", "subscribe_msg_change_event":
            var changes: [SubscriptionChange] = []
            for item in items {
                guard let template = item["TemplateId"], !template.isEmpty, template.utf8.count <= 128,
                      let status = item["SubscribeStatusString"]
                else { return nil }
                changes.append(SubscriptionChange(templateID: template, accepted: status.hasPrefix("accept")))
            }
            kind = .subscriptions(changes)
        default:
            kind = .other(event)
        }
    }

    /// The top-level fields and the `List` items of the XML form.
    static func xml(_ text: String) -> ([String: String], [[String: String]])? {
        var outer = text
        var items: [[String: String]] = []
        for container in containers {
            guard let open = outer.range(of: "<" + container + ">"),
                  let close = outer.range(of: "</" + container + ">", range: open.upperBound..<outer.endIndex)
            else { continue }
            var inner = outer[open.upperBound..<close.lowerBound]
            while let start = inner.range(of: "<List>") {
                guard let end = inner.range(of: "</List>", range: start.upperBound..<inner.endIndex),
                      let item = FlatXML.parse("<xml>" + inner[start.upperBound..<end.lowerBound] + "</xml>")
                else { return nil }
                items.append(item)
                inner = inner[end.upperBound...]
            }
            outer.removeSubrange(open.lowerBound..<close.upperBound)
        }
        guard let fields = FlatXML.parse(outer) else { return nil }
        return (fields, items)
    }

    /// The top-level fields and the `List` items of the JSON form.
    static func json(_ text: String) -> ([String: String], [[String: String]])? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else { return nil }
        func strings(_ dictionary: [String: Any]) -> [String: String] {
            dictionary.compactMapValues { value in
                if let string = value as? String { return string }
                if let number = value as? NSNumber { return number.stringValue }
                return nil
            }
        }
        var list: Any? = object["List"]
        for container in containers where list == nil {
            list = (object[container] as? [String: Any])?["List"]
        }
        let items: [[String: Any]] = (list as? [[String: Any]]) ?? (list as? [String: Any]).map { [$0] } ?? []
        return (strings(object), items.map(strings))
    }

    /// The XML WeChat pushes for subscribe send results (used by the simulator).
    public static func sentXML(account: String, openID: String, createTime: Int64, results: [SendResult]) -> String {
        "<xml><ToUserName><![CDATA[\(account)]]></ToUserName><FromUserName><![CDATA[\(openID)]]></FromUserName>"
            + "<CreateTime>\(createTime)</CreateTime><MsgType><![CDATA[event]]></MsgType>"
            + "<Event><![CDATA[subscribe_msg_sent_event]]></Event><SubscribeMsgSentEvent>"
            + results.map {
                "<List><TemplateId><![CDATA[\($0.templateID)]]></TemplateId><MsgID>\($0.msgID)</MsgID>"
                    + "<ErrorCode>\($0.errorCode)</ErrorCode><ErrorStatus><![CDATA[\($0.errorStatus)]]></ErrorStatus></List>"
            }.joined() + "</SubscribeMsgSentEvent></xml>"
    }
}
