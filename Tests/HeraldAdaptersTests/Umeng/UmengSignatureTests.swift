import Foundation
import HeraldCore
import Testing
@testable import HeraldAdapters

/// The signature and the exact bytes it covers, against values computed
/// outside Herald with Python's hashlib.
@Suite("Umeng signature")
struct UmengSignatureTests {
    /// Umeng's documented signing example (a broadcast; JSON boolean production_mode as the example has it).
    static let documentBody = #"{"policy":{"expire_time":"2018-03-27 09:06:02"},"description":"qweqwe","production_mode":true,"appkey":"5a77fca0b27b0a5f3f0000cb","payload":{"body":{"title":"fdasfa","ticker":"fdasfa","text":"qweqwewqewq","after_open":"go_app","play_vibrate":"false","play_lights":"false","play_sound":"true"},"display_type":"notification"},"type":"broadcast","timestamp":"1521856908422"}"#

    /// What Herald sends for `Self.message` at `Self.now`, byte for byte.
    static let heraldBody = #"{"appkey":"5f0000000000000000000a01","description":"herald push_01JDQ8Z6Y3W4V5T6S7R8Q9P0NM","device_tokens":"Ag_6vVcKBz7Ncc1v8kaYZEaQRc9U2TmUmwzydFVSh9bg","payload":{"body":{"after_open":"go_app","text":"您的订单已发货","ticker":"Order shipped","title":"Order shipped"},"display_type":"notification","extra":{"kind":"shipped","order":"123"}},"policy":{"expire_time":"2025-12-01 18:00:00","out_biz_no":"push_01JDQ8Z6Y3W4V5T6S7R8Q9P0NM"},"production_mode":"true","timestamp":"1764500000000","type":"unicast"}"#

    static let message = OutboundMessage(
        id: "push_01JDQ8Z6Y3W4V5T6S7R8Q9P0NM", channel: .push, to: "umeng:android:Ag_6vVcKBz7Ncc1v8kaYZEaQRc9U2TmUmwzydFVSh9bg",
        body: "您的订单已发货", title: "Order shipped", dataJSON: #"{"order":123,"kind":"shipped"}"#,
        expiresAtMillis: 1_764_583_200_000)
    static let now: Int64 = 1_764_500_000_000

    @Test("Umeng's documented example signs to its documented sign")
    func documentVector() {
        // python3 -c 'import hashlib,sys; print(hashlib.md5(sys.argv[1].encode()).hexdigest())' \
        //   'POSThttp://msg.umeng.com/api/send<documentBody>bedyc7rzfqdy2wcvycrkabprdil2bpmc'
        // → 914c16508236ab0908e0728301d27d04 (the value Umeng's document prints)
        let sign = UmengSignature.sign(url: "http://msg.umeng.com/api/send", body: Array(Self.documentBody.utf8),
                                       masterSecret: "bedyc7rzfqdy2wcvycrkabprdil2bpmc")
        #expect(sign == "914c16508236ab0908e0728301d27d04")
        #expect(UmengSignature.isValid(sign, url: "http://msg.umeng.com/api/send", body: Array(Self.documentBody.utf8),
                                       masterSecret: "bedyc7rzfqdy2wcvycrkabprdil2bpmc"))
        #expect(!UmengSignature.isValid(sign, url: "https://msgapi.umeng.com/api/send", body: Array(Self.documentBody.utf8),
                                        masterSecret: "bedyc7rzfqdy2wcvycrkabprdil2bpmc"), "the URL is signed")
    }

    @Test("Herald's unicast body is the bytes it signs: sorted keys, string production_mode, Beijing expire_time")
    func heraldVector() throws {
        let address = try #require(UmengPushAddress(Self.message.to))
        let body = UmengProvider.body(
            Self.message, to: address, payload: UmengProvider.payload(Self.message, platform: .android),
            appKey: UmengRegistration.sandboxAndroidAppKey, productionMode: true, nowMillis: Self.now)
        #expect(String(decoding: body, as: UTF8.self) == Self.heraldBody)
        // python3 -c 'import hashlib,sys; print(hashlib.md5(sys.argv[1].encode()).hexdigest())' \
        //   'POSThttps://msgapi.umeng.com/api/send<heraldBody>herald-test-master-secret'
        // → 9bbc65fabb224cc474a2819e50a1a29b
        #expect(UmengSignature.sign(url: "https://msgapi.umeng.com/api/send", body: body, masterSecret: "herald-test-master-secret")
            == "9bbc65fabb224cc474a2819e50a1a29b")
    }

    @Test("an expiry more than 7 days out is capped inside Umeng's limit; none sends no expire_time")
    func expiry() throws {
        let address = try #require(UmengPushAddress(Self.message.to))
        func policy(_ expires: Int64?) throws -> [String: String]? {
            var message = Self.message
            message.expiresAtMillis = expires
            let body = UmengProvider.body(message, to: address, payload: .object([:]), appKey: "k", productionMode: false,
                                          nowMillis: Self.now)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
            #expect(json["production_mode"] as? String == "false")
            return json["policy"] as? [String: String]
        }
        #expect(try policy(nil) == ["out_biz_no": Self.message.id])
        let capped = try #require(try policy(Self.now + 30 * 86_400_000)?["expire_time"])
        #expect(capped == UmengTime.format(millis: Self.now + UmengProvider.maxExpiryMillis))
        #expect(UmengTime.parse(capped).map { $0 <= Self.now + 7 * 86_400_000 } == true)
    }

    @Test("policy times are Beijing time and read back")
    func policyTime() {
        #expect(UmengTime.format(millis: 1_764_583_200_000) == "2025-12-01 18:00:00")
        #expect(UmengTime.parse("2025-12-01 18:00:00") == 1_764_583_200_000)
        #expect(UmengTime.parse("2025-12-01T18:00:00") == nil)
        #expect(UmengTime.parse("2025-13-01 18:00:00") == nil)
    }

    @Test("recipients: umeng:<android|ios>:<token> only; FCM-shaped and APNs-shaped tokens are not Umeng's")
    func addresses() {
        let token = "Ag_6vVcKBz7Ncc1v8kaYZEaQRc9U2TmUmwzydFVSh9bg"
        #expect(UmengPushAddress("umeng:android:" + token) == UmengPushAddress("umeng:android:" + token))
        #expect(UmengPushAddress("umeng:ios:" + String(repeating: "ab", count: 32))?.platform == .ios)
        #expect(UmengPushAddress("umeng:android:" + token)?.deviceToken == token)
        for bad in ["umeng:harmony:" + token, "umeng:android:", "umeng:android:short", "umeng:" + token,
                    "UMENG:android:" + token, "umeng:android:" + token + "!", "umeng:ios:" + String(repeating: "a", count: 129)] {
            #expect(UmengPushAddress(bad) == nil, "\(bad)")
            #expect(UmengPushAddress.problem(with: bad) != nil, "\(bad)")
        }
        #expect(UmengPushAddress.problem(with: "umeng:harmony:" + token)?.contains("unknown Umeng platform 'harmony'") == true)
        for other in ["fcm-token-1", "dXk3:APA91bH" + token, String(repeating: "ab", count: 32), "umengandroid" + token] {
            #expect(!UmengPushAddress.isUmeng(other))
            #expect(UmengPushAddress.problem(with: other) == nil)
        }
    }
}
