import Foundation
import HeraldCore
import HeraldProviders
import HeraldSimulators
import HTTPTypes
import Hummingbird
import NIOCore

/// Twilio's Messages API on loopback, in Twilio's wire format: form POST with
/// basic auth → `201` JSON with an `SM…` sid, Twilio error bodies
/// (`{"code":21211,"message":…,"more_info":…,"status":400}`), and signed
/// StatusCallback posts (`X-Twilio-Signature`) after a configurable delay.
public struct TwilioSimulator: SimulatedProvider {
    public let name = TwilioRegistration.name
    public struct Configuration: Sendable {
        public var accountSID: String
        public var authToken: String
        /// Added before every reply.
        public var latency: Duration
        /// Delay between the reply and the first status callback.
        public var callbackDelay: Duration
        /// Callbacks posted, in order ("sent", "delivered").
        public var callbackStatuses: [String]
        /// Post the first callback before replying, as a provider racing its own reply would.
        public var callbackBeforeReply: Bool
        public var faults: FaultRule

        public init(
            accountSID: String, authToken: String, latency: Duration = .zero,
            callbackDelay: Duration = .milliseconds(10), callbackStatuses: [String] = ["sent", "delivered"],
            callbackBeforeReply: Bool = false, faults: @escaping FaultRule = { _, _ in nil }
        ) {
            self.accountSID = accountSID
            self.authToken = authToken
            self.latency = latency
            self.callbackDelay = callbackDelay
            self.callbackStatuses = callbackStatuses
            self.callbackBeforeReply = callbackBeforeReply
            self.faults = faults
        }
    }

    public let configuration: Configuration
    public let ledger: SimulatorLedger
    let client: ProviderHTTPClient
    let authorization: String

    public init(configuration: Configuration, client: ProviderHTTPClient, ledger: SimulatorLedger = SimulatorLedger()) {
        self.configuration = configuration
        self.client = client
        self.ledger = ledger
        self.authorization = "Basic "
            + Data("\(configuration.accountSID):\(configuration.authToken)".utf8).base64EncodedString()
    }

    public func register(on router: Router<BasicRequestContext>) {
        router.post("2010-04-01/Accounts/:account/Messages.json", use: createMessage)
        router.get("2010-04-01/Accounts/:account", use: account)
    }

    /// The account resource (`GET /2010-04-01/Accounts/{sid}.json`), behind the same basic auth as sending.
    @Sendable func account(_ request: Request, context: BasicRequestContext) async throws -> Response {
        guard context.parameters.get("account") == configuration.accountSID + ".json",
              request.headers[.authorization] == authorization
        else { return Self.error(401, code: 20003, message: "Authenticate") }
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string:
                #"{"sid":"\#(configuration.accountSID)","friendly_name":"Herald simulator","status":"active","type":"Full"}"#)))
    }

    @Sendable func createMessage(_ request: Request, context: BasicRequestContext) async throws -> Response {
        if configuration.latency > .zero { try await Task.sleep(for: configuration.latency) }
        guard context.parameters.get("account") == configuration.accountSID,
              request.headers[.authorization] == authorization
        else { return Self.error(401, code: 20003, message: "Authenticate") }
        let body = try await request.body.collect(upTo: 64 * 1024)
        guard let form = FormURLEncoding.decode(String(decoding: body.readableBytesView, as: UTF8.self)) else {
            return Self.error(400, code: 21100, message: "Invalid form body")
        }
        let parameters = Dictionary(form, uniquingKeysWith: { first, _ in first })
        guard let to = parameters["To"], PhoneNumber.isValidE164(to) else {
            return Self.error(400, code: 21211, message: "The 'To' number is not a valid phone number.")
        }
        guard let messageBody = parameters["Body"], !messageBody.isEmpty else {
            return Self.error(400, code: 21602, message: "Message body is required.")
        }
        let attempt = ledger.request(to: to)
        switch configuration.faults(to, attempt) {
        case .serverError?:
            return Self.error(500, code: 20500, message: "Internal Server Error")
        case .throttled(let seconds)?:
            var response = Self.error(429, code: 20429, message: "Too Many Requests")
            response.headers[.retryAfter] = String(seconds)
            return response
        case .invalidRecipient?:
            return Self.error(400, code: 21211, message: "The 'To' number \(to) is not a valid phone number.")
        case .optedOut?:
            return Self.error(400, code: 21610, message: "Attempt to send to unsubscribed recipient")
        case .badRequest?:
            return Self.error(400, code: 21602, message: "Message body is required.")
        case nil:
            break
        }
        ledger.recordAccepted(to: to)
        ledger.keep(messageBody, for: to)
        let sid = "SM" + RandomHex.make()
        let from = parameters["From"] ?? ""
        if let callback = parameters["StatusCallback"] {
            let statuses = configuration.callbackStatuses
            if configuration.callbackBeforeReply, let first = statuses.first {
                await postCallback(callback, sid: sid, to: to, from: from, status: first)
                scheduleCallbacks(Array(statuses.dropFirst()), url: callback, sid: sid, to: to, from: from)
            } else {
                scheduleCallbacks(statuses, url: callback, sid: sid, to: to, from: from)
            }
        }
        let now = Self.clock.now
        let json = #"{"sid":"\#(sid)","account_sid":"\#(configuration.accountSID)","to":"\#(to)","from":\#(JSONText.quoted(from)),"body":\#(JSONText.quoted(messageBody)),"status":"queued","num_segments":"1","num_media":"0","direction":"outbound-api","api_version":"2010-04-01","price":null,"price_unit":"USD","error_code":null,"error_message":null,"date_created":"\#(now)","date_updated":"\#(now)","date_sent":null,"messaging_service_sid":null,"uri":"/2010-04-01/Accounts/\#(configuration.accountSID)/Messages/\#(sid).json"}"#
        return Response(
            status: .created, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: json)))
    }

    private func scheduleCallbacks(_ statuses: [String], url: String, sid: String, to: String, from: String) {
        guard !statuses.isEmpty else { return }
        let delay = configuration.callbackDelay
        Task {
            for status in statuses {
                await LoopSleep.sleep(for: delay)
                await postCallback(url, sid: sid, to: to, from: from, status: status)
            }
        }
    }

    /// Posts one StatusCallback exactly as Twilio does (form body, signature over URL + sorted params).
    func postCallback(_ url: String, sid: String, to: String, from: String, status: String) async {
        var parameters = [
            ("MessageSid", sid), ("SmsSid", sid), ("AccountSid", configuration.accountSID), ("From", from),
            ("To", to), ("MessageStatus", status), ("SmsStatus", status), ("ApiVersion", "2010-04-01"),
        ]
        if status == "failed" || status == "undelivered" { parameters.append(("ErrorCode", "30003")) }
        let signature = TwilioSignature.compute(url: url, parameters: parameters, authToken: configuration.authToken)
        await ReceiptPoster(client: client, ledger: ledger).post(
            url: url, contentType: "application/x-www-form-urlencoded", body: FormURLEncoding.encode(parameters),
            headers: [("X-Twilio-Signature", signature)])
    }

    static func error(_ status: Int, code: Int, message: String) -> Response {
        let json = #"{"code":\#(code),"message":\#(JSONText.quoted(message)),"more_info":"https://www.twilio.com/docs/errors/\#(code)","status":\#(status)}"#
        return Response(
            status: .init(code: status), headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: json)))
    }

    static let clock = RFC2822Clock()
}
