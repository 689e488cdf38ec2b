import Crypto
import Foundation
import HeraldCore
import HeraldProviders
import HeraldSimulators
import HTTPTypes
import Hummingbird
import NIOCore

/// SendGrid's `POST /v3/mail/send` on loopback: Bearer API key, the v3 JSON
/// body checked for what SendGrid requires, `202` with `X-Message-Id`, and
/// SendGrid's error shape (`{"errors":[{"message","field","help"}]}`). After
/// a delay it posts signed Event Webhook batches (processed, then delivered,
/// or a bounce for addresses whose local part starts with `bounce`).
public struct SendGridSimulator: SimulatedProvider {
    public let name = SendGridRegistration.name

    public struct Configuration: Sendable {
        public var apiKey: String
        /// Where events are posted (SendGrid's Mail Settings); nil posts none.
        public var eventURL: String?
        public var eventDelay: Duration
        /// Signs the Event Webhook; its public key is what Herald verifies with.
        public var signingKey: P256.Signing.PrivateKey
        public var latency: Duration
        public var faults: FaultRule
        /// Post the events before answering, as a provider racing its own reply would.
        public var eventsBeforeReply: Bool

        public init(
            apiKey: String, eventURL: String?, eventDelay: Duration = .milliseconds(10),
            signingKey: P256.Signing.PrivateKey, latency: Duration = .zero, faults: @escaping FaultRule = { _, _ in nil },
            eventsBeforeReply: Bool = false
        ) {
            self.eventsBeforeReply = eventsBeforeReply
            self.apiKey = apiKey
            self.eventURL = eventURL
            self.eventDelay = eventDelay
            self.signingKey = signingKey
            self.latency = latency
            self.faults = faults
        }
    }

    public let configuration: Configuration
    public let ledger: SimulatorLedger
    let poster: ReceiptPoster

    public init(configuration: Configuration, client: ProviderHTTPClient, ledger: SimulatorLedger = SimulatorLedger()) {
        self.configuration = configuration
        self.ledger = ledger
        self.poster = ReceiptPoster(client: client, ledger: ledger)
    }

    public func register(on router: Router<BasicRequestContext>) {
        router.post("v3/mail/send", use: send)
        router.get("v3/scopes", use: scopes)
    }

    /// The API key's scopes (`GET /v3/scopes`): what `herald doctor` reads to check the key.
    @Sendable func scopes(_ request: Request, context: BasicRequestContext) async throws -> Response {
        guard request.headers[.authorization] == "Bearer " + configuration.apiKey else {
            return Response(
                status: .unauthorized, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"errors":[{"field":null,"message":"authorization required"}]}"#)))
        }
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: #"{"scopes":["mail.send"]}"#)))
    }

    struct Mail: Decodable {
        struct Address: Decodable { let email: String? }
        struct Personalization: Decodable {
            let to: [Address]?
            let custom_args: [String: String]?
        }
        struct Content: Decodable {
            let type: String?
            let value: String?
        }
        let personalizations: [Personalization]?
        let from: Address?
        let subject: String?
        let content: [Content]?
    }

    @Sendable func send(_ request: Request, context: BasicRequestContext) async throws -> Response {
        if configuration.latency > .zero { try await Task.sleep(for: configuration.latency) }
        guard request.headers[.authorization] == "Bearer " + configuration.apiKey else {
            return Self.error(401, "The provided authorization grant is invalid, expired, or revoked", field: nil)
        }
        let body = try await request.body.collect(upTo: 30 << 20)
        guard let mail = try? JSONDecoder().decode(Mail.self, from: Data(body.readableBytesView)) else {
            return Self.error(400, "Bad Request", field: nil)
        }
        guard let personalization = mail.personalizations?.first, let to = personalization.to?.first?.email else {
            return Self.error(400, "The personalizations field is required and must have at least one personalization.",
                              field: "personalizations")
        }
        guard EmailAddress.isValid(to) else {
            return Self.error(400, "Does not contain a valid address.", field: "personalizations.0.to.0.email")
        }
        guard mail.from?.email.map(EmailAddress.isValid) == true else {
            return Self.error(400, "The from email does not contain a valid address.", field: "from.email")
        }
        guard mail.subject?.isEmpty == false else {
            return Self.error(400, "The subject is required.", field: "subject")
        }
        guard let content = mail.content, !content.isEmpty, content.allSatisfy({ $0.value?.isEmpty == false }),
              content.first?.type == "text/plain"
        else { return Self.error(400, "The content value must be a string at least one character in length.", field: "content.0.value") }
        let attempt = ledger.request(to: to)
        switch configuration.faults(to, attempt) {
        case .serverError?:
            return Self.error(500, "Internal server error", field: nil)
        case .throttled(let seconds)?:
            var response = Self.error(429, "too many requests", field: nil)
            response.headers[HTTPField.Name("X-RateLimit-Reset")!] = String(Int(Date().timeIntervalSince1970) + seconds)
            return response
        case .invalidRecipient?, .optedOut?:
            return Self.error(400, "Does not contain a valid address.", field: "personalizations.0.to.0.email")
        case .badRequest?:
            return Self.error(400, "The from address does not match a verified Sender Identity.", field: "from")
        case nil:
            break
        }
        ledger.recordAccepted(to: to)
        ledger.keep(String(decoding: body.readableBytesView, as: UTF8.self), for: to)
        let messageID = Base64URL.encode(Data((0..<16).map { _ in UInt8.random(in: 0...255) }))
        if let url = configuration.eventURL {
            let heraldID = personalization.custom_args?["herald_id"]
            await postEvents(url: url, to: to, messageID: messageID, heraldID: heraldID)
        }
        var response = Response(status: .accepted)
        response.headers[HTTPField.Name("X-Message-Id")!] = messageID
        return response
    }

    private func postEvents(url: String, to: String, messageID: String, heraldID: String?) async {
        let now = Int64(Date().timeIntervalSince1970)
        let sgMessageID = messageID + ".filterdrecv-5bb8bb5b5-vrtkq-1-6571E1E0-2B.0"
        func event(_ name: String, reason: String? = nil, type: String? = nil) -> SendGridEvent {
            SendGridEvent(email: to, timestamp: now, event: name, sgEventID: UUID().uuidString, sgMessageID: sgMessageID,
                          reason: reason, type: type, heraldID: heraldID)
        }
        let outcome = to.hasPrefix("bounce")
            ? event("bounce", reason: "550 5.1.1 The email account that you tried to reach does not exist", type: "bounce")
            : event("delivered")
        let events = [event("processed"), outcome]
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        let body = String(decoding: (try? encoder.encode(events)) ?? Data("[]".utf8), as: UTF8.self)
        let key = configuration.signingKey
        let post: @Sendable () async -> Void = { [poster] in
            let timestamp = String(Int(Date().timeIntervalSince1970))
            let signature = SendGridEventSignature.sign(timestamp: timestamp, body: Array(body.utf8), privateKey: key)
            await poster.post(url: url, contentType: "application/json", body: body, headers: [
                (SendGridEventSignature.signatureHeader, signature), (SendGridEventSignature.timestampHeader, timestamp),
            ])
        }
        if configuration.eventsBeforeReply { await post() } else { poster.later(configuration.eventDelay, post) }
    }

    static func error(_ status: Int, _ message: String, field: String?) -> Response {
        let fieldJSON = field.map { JSONText.quoted($0) } ?? "null"
        return Response(
            status: .init(code: status), headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: #"{"errors":[{"message":\#(JSONText.quoted(message)),"field":\#(fieldJSON),"help":null}]}"#)))
    }
}
