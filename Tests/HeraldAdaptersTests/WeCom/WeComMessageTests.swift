import Foundation
import HeraldCore
import Testing
@testable import HeraldAdapters

/// WeCom's message shape on its own: the byte limits, counted in UTF-8, and
/// the request body, byte for byte. No server.
@Suite("WeCom message shape")
struct WeComMessageTests {
    @Test("limits are UTF-8 bytes: 2,048 for text and markdown, 128/512/2,048 for a textcard's title, description and url")
    func limits() throws {
        #expect(try WeComAppMessage(body: String(repeating: "a", count: 2_048), title: nil, data: [:]).kind == .text)
        // 682 three-byte characters are 2,046 bytes; one more is 2,049.
        _ = try WeComAppMessage(body: String(repeating: "审", count: 682), title: nil, data: ["msgtype": .string("markdown")])
        #expect(throws: APIError.self) {
            try WeComAppMessage(body: String(repeating: "审", count: 683), title: nil, data: ["msgtype": .string("markdown")])
        }
        let card: [String: JSONValue] = ["msgtype": .string("textcard"), "url": .string("https://a.example")]
        let ok = try WeComAppMessage(body: String(repeating: "b", count: 512), title: String(repeating: "a", count: 128), data: card)
        #expect(ok.kind == .textcard && ok.url == "https://a.example" && ok.buttonText == nil)
        do throws(APIError) {
            _ = try WeComAppMessage(body: "b", title: String(repeating: "标", count: 43), data: card)
            Issue.record("a 129-byte title is refused")
        } catch {
            #expect(error.field == "content.title" && error.code == "too_long" && error.status == 422)
            #expect(error.message.contains("129"))
        }
        do throws(APIError) {
            _ = try WeComAppMessage(body: "b", title: "t", data: ["msgtype": .number(1)])
            Issue.record("a msgtype that is not a string is refused")
        } catch {
            #expect(error.field == "data.msgtype")
        }
    }

    @Test("the body has sorted keys, integer numbers and Herald's id; safe only on text; btntxt only when given")
    func requestBody() throws {
        let configuration = WeComConfiguration(baseURL: "https://qyapi.weixin.qq.com/", corpID: "ww1", corpSecret: "s",
                                               agentID: 1_000_002, safe: 1)
        #expect(configuration.baseURL == "https://qyapi.weixin.qq.com")
        #expect(configuration.tokenKey == "herald:{wecom}:token:ww1:1000002")
        let message = OutboundMessage(id: "wecom_01", channel: .wecom, to: "zhangsan", body: "hi \"there\"")
        let text = try WeComAppMessage(body: message.body, title: nil, data: [:])
        #expect(String(decoding: WeComProvider.requestBody(message, text, configuration: configuration), as: UTF8.self)
            == #"{"agentid":1000002,"duplicate_check_interval":1800,"enable_duplicate_check":1,"herald_message_id":"wecom_01","#
            + #""msgtype":"text","safe":1,"text":{"content":"hi \"there\""},"touser":"zhangsan"}"#)
        let card = try WeComAppMessage(body: "d", title: "t", data: [
            "msgtype": .string("textcard"), "url": .string("https://a.example/x"), "btntxt": .string("更多"),
        ])
        #expect(String(decoding: WeComProvider.requestBody(message, card, configuration: configuration), as: UTF8.self)
            == #"{"agentid":1000002,"duplicate_check_interval":1800,"enable_duplicate_check":1,"herald_message_id":"wecom_01","#
            + #""msgtype":"textcard","textcard":{"btntxt":"更多","description":"d","title":"t","url":"https://a.example/x"},"#
            + #""touser":"zhangsan"}"#)
    }

    @Test("the reply: errcode 0 with our userid listed (any case) is invalid; msgid as string or number; token codes refresh")
    func replies() throws {
        func reply(_ json: String) throws -> WeComSendReply { try JSONDecoder().decode(WeComSendReply.self, from: Data(json.utf8)) }
        let listed = try reply(#"{"errcode":0,"errmsg":"ok","invaliduser":"a|zhangsan","msgid":"m1"}"#)
        guard case .done(.invalidRecipient("invaliduser", _)) = WeComProvider.outcome(listed, to: "ZhangSan") else {
            Issue.record("a listed userid is an invalid recipient")
            return
        }
        guard case .done(.accepted("m1", .delivered)) = WeComProvider.outcome(listed, to: "lisi") else {
            Issue.record("another userid listed does not concern this message")
            return
        }
        guard case .done(.accepted("42", .delivered)) = WeComProvider.outcome(try reply(#"{"errcode":0,"msgid":42}"#), to: "x") else {
            Issue.record("a numeric msgid is read")
            return
        }
        for code in [40014, 42001, 41001] {
            guard case .tokenRejected = WeComProvider.outcome(try reply(#"{"errcode":\#(code),"errmsg":"x"}"#), to: "x") else {
                Issue.record("\(code) refreshes the token")
                return
            }
        }
    }
}
