import Foundation
import HeraldCore
import HeraldProviders
import NIOCore
import Testing
import HeraldAdapters

@Suite("WeChat parsing and signatures")
struct WeChatParsingTests {
    @Test("the TEMPLATESENDJOBFINISH push parses; nested, unclosed or entity-laden XML is refused")
    func events() throws {
        let xml = """
            <xml><ToUserName><![CDATA[gh_7f083739789a]]></ToUserName>
            <FromUserName><![CDATA[oia2TjuEGTNoeX76QEjQNrcURxG8]]></FromUserName>
            <CreateTime>1395658920</CreateTime><MsgType><![CDATA[event]]></MsgType>
            <Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event><MsgID>200163836</MsgID>
            <Status><![CDATA[failed:user block]]></Status></xml>
            """
        let event = try #require(WeChatEvent(xml: xml))
        #expect(event.openID == "oia2TjuEGTNoeX76QEjQNrcURxG8")
        #expect(event.kind == .templateSendFinished(msgID: "200163836", status: "failed:user block"))
        #expect(WeChatEvent.status(for: "failed:user block") == .undelivered)
        #expect(WeChatEvent.suppression(for: "failed:user block")?.reason == .unsubscribed)
        #expect(WeChatEvent.suppression(for: "failed: system failed") == nil)
        #expect(WeChatEvent(xml: "<xml><MsgType>event</MsgType><Event><A>1</A></Event></xml>") == nil)
        #expect(WeChatEvent(xml: "<xml><MsgType>event</MsgType>") == nil)
        #expect(FlatXML.parse("<xml><A>1 &amp; 2</A></xml>") == nil)
        #expect(FlatXML.parse("<xml><A>1</A><A>2</A></xml>") == nil, "a repeated field is refused, not overwritten")
    }

    @Test("the server signature is sha1 of the sorted token, timestamp and nonce")
    func signature() {
        // sha1("1409304348" + "abc" + "xxxxxx"), sorted as strings.
        let signature = WeChatSignature.compute(token: "abc", timestamp: "1409304348", nonce: "xxxxxx")
        #expect(signature == "021fe7f121b5ca14c95b07a474c0deb21b78fc4b")
        #expect(WeChatSignature.isValid(signature: signature.uppercased(), token: "abc", timestamp: "1409304348", nonce: "xxxxxx"))
        #expect(!WeChatSignature.isValid(signature: signature, token: "abd", timestamp: "1409304348", nonce: "xxxxxx"))
    }
}
