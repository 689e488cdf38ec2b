import Foundation
import HeraldCore
import HeraldProviders
import HeraldTesting
@testable import HeraldAdapters
import Testing

/// The mini-program adapter's own contracts, without a server.
@Suite("Mini-program adapter")
struct MiniProgramUnitTests {
    @Test("the push signature is the published algorithm: SHA-1 of the sorted token, timestamp and nonce")
    func signatureKnownAnswer() {
        // Computed outside Herald, from the documented example:
        // python3 -c "import hashlib;print(hashlib.sha1(''.join(sorted(['AAAAA','1714036504','1514711492'])).encode()).hexdigest())"
        #expect(WeChatSignature.compute(token: "AAAAA", timestamp: "1714036504", nonce: "1514711492")
            == "f464b24fc39322e44b38aa78f5edd27bd1441696")
    }

    @Test("each errcode maps to its outcome", arguments: [
        (0, "accepted"), (40001, "token"), (42001, "token"), (40014, "token"), (43101, "declined"), (40003, "invalid"),
        (-1, "retry"), (45009, "retry"), (43108, "retry"), (40037, "permanent"), (47003, "permanent"), (45168, "permanent"),
    ])
    func errorMapping(code: Int, expected: String) {
        let attempt = MiniProgramProvider.outcome(.init(errcode: code, errmsg: "m", msgid: 7), templateID: "T", messageID: "id")
        let kind: String = switch attempt {
        case .tokenRejected: "token"
        case .done(.accepted(let id, _)): id == "7" ? "accepted" : "wrong id"
        case .done(.declined(_, _, let topic)): topic == "T" ? "declined" : "wrong topic"
        case .done(.invalidRecipient): "invalid"
        case .done(.retryable): "retry"
        case .done(.permanent): "permanent"
        case .done: "other"
        }
        #expect(kind == expected)
    }

    @Test("the sent event is read in XML with several List items, and in JSON with List at the top or nested, one or many")
    func eventForms() throws {
        let xml = MiniProgramEvent.sentXML(account: "gh", openID: "oOpenID000001", createTime: 1, results: [
            .init(templateID: "A", msgID: "1700827132819554304", errorCode: "0", errorStatus: "success"),
            .init(templateID: "B", msgID: "1700827132819554305", errorCode: "10005", errorStatus: "fail"),
        ])
        guard case .sent(let results)? = MiniProgramEvent(body: xml)?.kind else { Issue.record("xml not read"); return }
        #expect(results.map(\.msgID) == ["1700827132819554304", "1700827132819554305"])
        let top = #"{"ToUserName":"gh","FromUserName":"oOpenID000001","CreateTime":1620963428,"MsgType":"event","Event":"subscribe_msg_sent_event","List":{"TemplateId":"A","MsgID":"1864323726461255680","ErrorCode":"0","ErrorStatus":"success"}}"#
        guard case .sent(let one)? = MiniProgramEvent(body: top)?.kind else { Issue.record("json not read"); return }
        #expect(one.first?.msgID == "1864323726461255680")
        let nested = #"{"ToUserName":"gh","FromUserName":"oOpenID000001","CreateTime":"1","MsgType":"event","Event":"subscribe_msg_change_event","SubscribeMsgChangeEvent":{"List":[{"TemplateId":"A","SubscribeStatusString":"reject"},{"TemplateId":"B","SubscribeStatusString":"accept"}]}}"#
        guard case .subscriptions(let changes)? = MiniProgramEvent(body: nested)?.kind else { Issue.record("nested not read"); return }
        #expect(changes == [.init(templateID: "A", accepted: false), .init(templateID: "B", accepted: true)])
        #expect(MiniProgramEvent(body: "<xml><MsgType>event</MsgType></xml>") == nil)
    }

    @Test("keyword types are read from their names, and the documented examples pass")
    func keywordExamples() {
        #expect(SubscribeKeywords.type(of: "character_string12") == "character_string")
        #expect(SubscribeKeywords.type(of: "phone_number4") == "phone_number")
        let good = [("thing", "一二三四五六七八九十一二三四五六七八九十"), ("number", "339208499"), ("number", "3.14"),
                    ("date", "2019年10月1日"), ("time", "15:01"), ("date", "2019年10月1日 15:01~2019年10月2日 15:01"),
                    ("amount", "¥100.50元"), ("phone_number", "+86-0766-66888866"), ("car_number", "粤A8Z888挂"),
                    ("name", "李雷"), ("name", "Alice Smith"), ("phrase", "配送中"), ("character_string", "AB-12_x"),
                    ("letter", "abc"), ("symbol", "%-#")]
        for (type, value) in good { #expect(SubscribeKeywords.problem(type: type, value: value) == nil, "\(type) \(value)") }
        let bad = [("thing", ""), ("phrase", "Hello"), ("symbol", "abc"), ("name", "一二三四五六七八九十一"), ("date", "tomorrow")]
        for (type, value) in bad { #expect(SubscribeKeywords.problem(type: type, value: value) != nil, "\(type) \(value)") }
    }
}
