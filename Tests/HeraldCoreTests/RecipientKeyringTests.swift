import Crypto
import Foundation
import HeraldCore
import Testing

@Suite("Recipient keys and fingerprints")
struct RecipientKeyringTests {
    static func key(_ bytes: Int) -> Data { SymmetricKey(size: .init(bitCount: bytes * 8)).withUnsafeBytes { Data($0) } }

    @Test("AES-256-GCM and both CBC modes round-trip; an old key id still decrypts after rotation",
          arguments: [RecipientEncryption.aes256GCM, .aes256CBC])
    func roundTrip(mode: RecipientEncryption) throws {
        let old = RecipientKeyring(keys: [("k1", Self.key(32))])
        let sealedWithOld = try old.encrypt("+8613800138000", mode: mode)
        let rotated = RecipientKeyring(keys: [("k2", Self.key(32)), ("k1", try #require(old.keyData("k1")))])
        #expect(try rotated.decrypt(sealedWithOld, mode: mode, keyID: "k1") == "+8613800138000")
        let sealedWithNew = try rotated.encrypt("+8613800138001", mode: mode)
        #expect(try rotated.decrypt(sealedWithNew, mode: mode, keyID: nil) == "+8613800138001")
        #expect(throws: RecipientKeyring.Failure.authentication) { try rotated.decrypt(sealedWithOld, mode: mode, keyID: "k2") }
    }

    @Test("AES-128-CBC takes a 16-byte key; a key of the wrong size, a tampered tag and garbage are refused")
    func refusals() throws {
        let keyring = RecipientKeyring(keys: [("short", Self.key(16)), ("long", Self.key(32))])
        let sealed = try keyring.encrypt("user@example.com", mode: .aes128CBC, keyID: "short")
        #expect(try keyring.decrypt(sealed, mode: .aes128CBC, keyID: "short") == "user@example.com")
        #expect(keyring.checkShape(sealed, mode: .aes128CBC, keyID: "long") == .wrongKeySize("long"))
        #expect(keyring.checkShape(sealed, mode: .aes128CBC, keyID: "nope") == .unknownKey("nope"))
        var gcm = Data(base64Encoded: try keyring.encrypt("+14155550100", mode: .aes256GCM, keyID: "long"))!
        gcm[gcm.count - 1] ^= 1
        #expect(throws: RecipientKeyring.Failure.authentication) {
            try keyring.decrypt(gcm.base64EncodedString(), mode: .aes256GCM, keyID: "long")
        }
        #expect(keyring.checkShape("%%%", mode: .aes256GCM, keyID: "long") == .malformed)
        #expect(RecipientKeyring.parse("k1:" + Self.key(32).base64EncodedString())?.defaultKeyID == "k1")
        #expect(RecipientKeyring.parse("k1:" + Self.key(20).base64EncodedString()) == nil)
        #expect(RecipientKeyring.parse("no-colon") == nil)
        #expect(RecipientEncryption(name: "aes") == .aes256GCM)
    }

    @Test("fingerprints are stable per key, differ by key and channel, and ignore an email address's case")
    func fingerprints() {
        let key = Self.key(32)
        let one = RecipientFingerprint(key: key), same = RecipientFingerprint(key: key), other = RecipientFingerprint(key: Self.key(32))
        #expect(one.of("+14155550100", on: .sms) == same.of("+14155550100", on: .sms))
        #expect(one.of("+14155550100", on: .sms) != other.of("+14155550100", on: .sms))
        #expect(one.of("+14155550100", on: .sms) != one.of("+14155550100", on: .wechat))
        #expect(one.of("Li@Example.com", on: .email) == one.of("li@example.com", on: .email))
        #expect(one.of("+14155550100", on: .sms).hasPrefix("fp:") && one.of("+14155550100", on: .sms).count == 25)
        #expect(!one.of("+14155550100", on: .sms).contains("4155550100"))
    }
}
