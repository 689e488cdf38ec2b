import Foundation
import HeraldCore
import HeraldProviders
import HeraldAdapters
import Testing

/// Vectors made outside Herald, by `Fixtures/make-vectors.py` (Python's
/// `cryptography`, `hmac`, `hashlib`, and `openssl enc` for CBC): Herald's
/// own encrypt and sign functions agree with themselves, these check they
/// agree with everyone else. See Fixtures/README.md.
enum ExternalVectors {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func load<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(T.self, from: Data(contentsOf: directory.appendingPathComponent(name)))
    }

    static func bytes(_ base64: String) throws -> [UInt8] {
        try #require(Data(base64Encoded: base64).map(Array.init), "not base64: \(base64)")
    }

    /// `bytes` with the byte at `index` (or the middle one) flipped; one byte appended when empty.
    static func oneByteChanged(_ bytes: [UInt8], at index: Int? = nil) -> [UInt8] {
        guard !bytes.isEmpty else { return [0x20] }
        var changed = bytes
        changed[index ?? bytes.count / 2] ^= 0x01
        return changed
    }

    static func oneByteChanged(_ text: String) -> String {
        String(decoding: oneByteChanged(Array(text.utf8)), as: UTF8.self)
    }
}

@Suite("Encrypted recipients: vectors from Python's cryptography and openssl")
struct RecipientVectorTests {
    struct Vectors: Decodable {
        struct Accepted: Decodable { let name, mode: String, keyId: String?, recipient, ciphertext: String }
        struct Refused: Decodable { let name, mode: String, keyId: String?, ciphertext, failure: String }
        let keyring: String
        let accepted: [Accepted]
        let refused: [Refused]
    }

    static func failure(_ name: String, keyID: String) -> RecipientKeyring.Failure? {
        switch name {
        case "authentication": .authentication
        case "malformed": .malformed
        case "wrong_key_size": .wrongKeySize(keyID)
        case "unknown_key": .unknownKey(keyID)
        default: nil
        }
    }

    @Test("every fixture decrypts to its clear recipient, and every mode Herald offers is covered")
    func decryptsEveryVector() throws {
        let vectors = try ExternalVectors.load(Vectors.self, "recipient-vectors.json")
        let keyring = try #require(RecipientKeyring.parse(vectors.keyring), "HERALD_RECIPIENT_KEYS form of the fixture keys")
        var modes: Set<RecipientEncryption> = []
        for vector in vectors.accepted {
            let mode = try #require(RecipientEncryption(name: vector.mode), "\(vector.name)")
            modes.insert(mode)
            #expect(keyring.checkShape(vector.ciphertext, mode: mode, keyID: vector.keyId) == nil, "\(vector.name)")
            #expect(try keyring.decrypt(vector.ciphertext, mode: mode, keyID: vector.keyId) == vector.recipient,
                    "\(vector.name)")
        }
        #expect(modes == Set(RecipientEncryption.allCases))
        #expect(vectors.accepted.count >= 10)
    }

    @Test("a tampered or truncated tag, bad padding, a wrong or unknown key are refused with the named failure")
    func refusesEveryBadVector() throws {
        let vectors = try ExternalVectors.load(Vectors.self, "recipient-vectors.json")
        let keyring = try #require(RecipientKeyring.parse(vectors.keyring))
        for vector in vectors.refused {
            let mode = try #require(RecipientEncryption(name: vector.mode), "\(vector.name)")
            let expected = try #require(Self.failure(vector.failure, keyID: vector.keyId ?? ""), "\(vector.name)")
            // Shape failures are caught at acceptance; an authentication failure only when the worker decrypts.
            #expect(keyring.checkShape(vector.ciphertext, mode: mode, keyID: vector.keyId)
                        == (expected == .authentication ? nil : expected), "\(vector.name)")
            #expect(throws: expected, "\(vector.name)") {
                try keyring.decrypt(vector.ciphertext, mode: mode, keyID: vector.keyId)
            }
        }
        #expect(vectors.refused.count >= 10)
    }
}

@Suite("Herald-Signature: vectors from Python's hmac")
struct WebhookSignatureVectorTests {
    struct Vectors: Decodable {
        struct Vector: Decodable { let name, secret: String, timestamp: Int64, bodyBase64, header: String }
        let vectors: [Vector]
    }

    /// `header` with the hex digit at `index` replaced by another, so it still parses.
    static func otherDigit(_ header: String, at index: Int) -> String {
        var characters = Array(header)
        characters[index] = characters[index] == "1" ? "2" : "1"
        return String(characters)
    }

    @Test("the signer writes exactly the header Python computed; the verifier takes it and refuses any one-byte change")
    func signsAndVerifies() throws {
        let vectors = try ExternalVectors.load(Vectors.self, "webhook-signature-vectors.json").vectors
        #expect(vectors.count >= 3)
        for vector in vectors {
            let body = try ExternalVectors.bytes(vector.bodyBase64)
            let now = vector.timestamp + 60
            #expect(WebhookSignature.header(secret: vector.secret, timestamp: vector.timestamp, body: body) == vector.header,
                    "\(vector.name)")
            #expect(WebhookSignature.verify(header: vector.header, body: body, secret: vector.secret, nowSeconds: now),
                    "\(vector.name)")
            // The last digit of t, so the changed time is still within the tolerance: only the MAC can refuse it.
            let lastTimestampDigit = try #require(Array(vector.header).firstIndex(of: ",")) - 1
            let changed: [(what: String, header: String, body: [UInt8], secret: String)] = [
                ("body", vector.header, ExternalVectors.oneByteChanged(body), vector.secret),
                ("last body byte", vector.header, ExternalVectors.oneByteChanged(body, at: max(body.count - 1, 0)), vector.secret),
                ("MAC", Self.otherDigit(vector.header, at: vector.header.count - 1), body, vector.secret),
                ("timestamp", Self.otherDigit(vector.header, at: lastTimestampDigit), body, vector.secret),
                ("secret", vector.header, body, ExternalVectors.oneByteChanged(vector.secret)),
            ]
            for change in changed {
                #expect(!WebhookSignature.verify(header: change.header, body: change.body, secret: change.secret, nowSeconds: now),
                        "\(vector.name): one byte of the \(change.what) changed")
            }
        }
    }
}

@Suite("SendGrid Event Webhook: ECDSA signatures from Python's cryptography")
struct SendGridSignatureVectorTests {
    struct Vectors: Decodable {
        struct Vector: Decodable {
            struct Event: Decodable { let heraldId: String }
            let name, timestamp, bodyBase64, signature: String
            let events: [Event]
        }
        let publicKey: String
        let vectors: [Vector]
    }

    @Test("each signature verifies under the fixture public key; a one-byte change of body or timestamp is refused")
    func verifies() throws {
        let fixture = try ExternalVectors.load(Vectors.self, "sendgrid-event-vectors.json")
        #expect(fixture.vectors.count >= 3)
        for vector in fixture.vectors {
            let body = try ExternalVectors.bytes(vector.bodyBase64)
            let timestamp = try #require(Int64(vector.timestamp), "\(vector.name)")
            #expect(SendGridEventSignature.isValid(signature: vector.signature, timestamp: vector.timestamp, body: body,
                                                   publicKey: fixture.publicKey), "\(vector.name)")
            #expect(!SendGridEventSignature.isValid(signature: vector.signature, timestamp: vector.timestamp,
                                                    body: ExternalVectors.oneByteChanged(body), publicKey: fixture.publicKey),
                    "\(vector.name): one body byte changed")
            #expect(!SendGridEventSignature.isValid(signature: vector.signature, timestamp: String(timestamp + 1),
                                                    body: body, publicKey: fixture.publicKey),
                    "\(vector.name): timestamp changed")
            var der = try ExternalVectors.bytes(vector.signature)
            der[der.count - 1] ^= 0x01  // the last byte of s: still DER, no longer the signature
            #expect(!SendGridEventSignature.isValid(signature: Data(der).base64EncodedString(),
                                                    timestamp: vector.timestamp, body: body, publicKey: fixture.publicKey),
                    "\(vector.name): signature changed")
        }
    }

    @Test("the webhook takes a signed post as SendGrid sends it and finds each event's message")
    func webhookAccepts() throws {
        let fixture = try ExternalVectors.load(Vectors.self, "sendgrid-event-vectors.json")
        let key = try #require(SendGridEventSignature.verificationKey(fixture.publicKey))
        let webhook = SendGridWebhook(verificationKey: key, window: ReplayWindow(toleranceSeconds: 600))
        let route = WebhookRoute(.post, .receipts, provider: "sendgrid")
        for vector in fixture.vectors {
            let seconds = try #require(Int64(vector.timestamp), "\(vector.name)")
            func post(_ body: [UInt8], timestamp: String) throws(WebhookRejection) -> WebhookResult {
                try webhook.handle(WebhookRequest(
                    url: "https://herald.example/v1/receipts/sendgrid", query: [],
                    headers: [SendGridEventSignature.signatureHeader.lowercased(): vector.signature,
                              SendGridEventSignature.timestampHeader.lowercased(): timestamp],
                    body: body, nowMillis: seconds * 1000 + 5_000), on: route)
            }
            let body = try ExternalVectors.bytes(vector.bodyBase64)
            let result = try post(body, timestamp: vector.timestamp)
            let messages = result.effects.map { effect -> String? in
                if case .receipt(let receipt) = effect { receipt.messageID } else { nil }
            }
            #expect(messages == vector.events.map(\.heraldId), "\(vector.name)")
            #expect(throws: WebhookRejection.invalidSignature("the Event Webhook signature does not match"), "\(vector.name)") {
                try post(ExternalVectors.oneByteChanged(body), timestamp: vector.timestamp)
            }
            #expect(throws: WebhookRejection.invalidSignature("the Event Webhook signature does not match"), "\(vector.name)") {
                try post(body, timestamp: String(seconds - 1))
            }
        }
    }
}
