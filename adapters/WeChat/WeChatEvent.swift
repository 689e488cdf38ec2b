import HeraldCore

/// An event WeChat pushes to the Official Account's server URL that matters
/// to Herald: the result of a template send (TEMPLATESENDJOBFINISH), or a
/// follower leaving (unsubscribe), which suppresses their openid.
public struct WeChatEvent: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// `status` is WeChat's own word: success, failed:user block, failed: system failed.
        case templateSendFinished(msgID: String, status: String)
        case unfollowed
        case other(String)
    }

    public var openID: String
    public var createTime: Int64
    public var kind: Kind

    public init(openID: String, createTime: Int64, kind: Kind) {
        self.openID = openID
        self.createTime = createTime
        self.kind = kind
    }

    /// Parses a pushed XML body; nil when it is not a well-formed event.
    public init?(xml: String) {
        guard let fields = FlatXML.parse(xml), fields["MsgType"] == "event", let openID = fields["FromUserName"],
              !openID.isEmpty, let created = fields["CreateTime"].flatMap({ Int64($0) }), let event = fields["Event"]
        else { return nil }
        self.openID = openID
        self.createTime = created
        switch event {
        case "TEMPLATESENDJOBFINISH":
            guard let msgID = fields["MsgID"]?.trimmingCharacters(in: .whitespaces), !msgID.isEmpty,
                  msgID.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let status = fields["Status"]
            else { return nil }
            kind = .templateSendFinished(msgID: msgID, status: status)
        case "unsubscribe": kind = .unfollowed
        default: kind = .other(event)
        }
    }

    /// Herald's status for a template send result.
    public static func status(for wechatStatus: String) -> MessageStatus {
        wechatStatus == "success" ? .delivered : .undelivered
    }

    /// A follower who blocked template messages is suppressed on the channel.
    public static func suppression(for wechatStatus: String) -> Suppression? {
        wechatStatus.contains("user block") ? Suppression(scope: .all, reason: .unsubscribed) : nil
    }

    /// The XML WeChat pushes for a template send result (used by the simulator).
    public static func templateSendFinishedXML(account: String, openID: String, createTime: Int64, msgID: String,
                                               status: String) -> String
    {
        "<xml><ToUserName><![CDATA[\(account)]]></ToUserName><FromUserName><![CDATA[\(openID)]]></FromUserName>"
            + "<CreateTime>\(createTime)</CreateTime><MsgType><![CDATA[event]]></MsgType>"
            + "<Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event><MsgID>\(msgID)</MsgID>"
            + "<Status><![CDATA[\(status)]]></Status></xml>"
    }
}
