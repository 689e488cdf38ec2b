import Foundation
import HeraldAdapters
import HeraldCore
import HeraldHTTP
import HeraldMetrics
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOEmbedded
import NIOHTTP1
@_spi(Benchmarks) import HeraldRedis

/// The stages of one SMS's way through Herald, in order, each fed what the
/// stage before it produced (computed once, outside the measurement), so
/// that every stage works on the real shape of its input: the bytes a
/// caller posts, the reply claim.lua sends, the JSON Twilio answers.
enum HotPathStages {
    static let body = Array(#"{"channel":"sms","to":"+14155550123","content":{"body":"Your Herald code is 482913. It expires in 10 minutes."},"user_id":"user-8812","metadata":{"order":"A-1"}}"#.utf8)
    static let now: Int64 = 1_765_000_000_000
    static let settings = StoreSettings(fingerprints: RecipientFingerprint(key: Data(repeating: 7, count: 32)))
    static let keys = ChannelKeys(.sms)
    static let id = MessageID.make(channel: .sms, nowMillis: now)
    static let sha = String(repeating: "a", count: 40)
    static let twilio = TwilioConfiguration(
        baseURL: "http://127.0.0.1:18080", accountSID: "AC00000000000000000000000000000042", authToken: "stage-token",
        from: "+15005550006", statusCallbackURL: "http://127.0.0.1:8080/v1/webhooks/twilio/status")
    static let sid = "SM0123456789abcdef0123456789abcdef"
    static let twilioReply = #"{"sid":"\#(sid)","account_sid":"AC00000000000000000000000000000042","to":"+14155550123","from":"+15005550006","body":"Your Herald code is 482913. It expires in 10 minutes.","status":"queued","num_segments":"1","num_media":"0","direction":"outbound-api","api_version":"2010-04-01","price":null,"price_unit":"USD","error_code":null,"error_message":null,"date_created":"Fri, 05 Dec 2025 10:00:00 +0000","date_updated":"Fri, 05 Dec 2025 10:00:00 +0000","date_sent":null,"messaging_service_sid":null,"uri":"/2010-04-01/Accounts/AC00000000000000000000000000000042/Messages/\#(sid).json"}"#

    /// Every stage, in the order a message meets them.
    static func all() throws -> [Stage] {
        let validator = MessageValidator()
        let message = try decodeAndValidate(validator)
        let enqueue = EnqueueTransition.call([(message, id)], keys: keys, settings: settings, nowMillis: now, recheck: false)
        let payload = zip(enqueue.arguments, enqueue.arguments.dropFirst()).first { $0.0 == MessageHash.payload }?.1 ?? ""
        let fingerprint = settings.fingerprints.of(message.to, on: .sms)
        let claimReply = ByteBuffer(string: "*6\r\n$4\r\nsend\r\n:1\r\n$\(payload.utf8.count)\r\n\(payload)\r\n$-1\r\n$-1\r\n"
            + "$\(fingerprint.utf8.count)\r\n\(fingerprint)\r\n")
        let entry = StreamEntry(stream: keys.stream(.normal), entryID: "1765000000000-0", messageID: id)
        guard let claimed = claim(claimReply, entry: entry), claimed.message.to == message.to else {
            throw StageError("the claim reply does not read back as the message")
        }
        let requests = TwilioMessageRequest(configuration: twilio)
        let reply = ByteBuffer(string: twilioReply)
        guard case .accepted(sid, _) = TwilioProvider.outcome(status: 201, headers: HTTPHeaders(), body: reply) else {
            throw StageError("Twilio's reply does not read as accepted")
        }
        let sentReply = ByteBuffer(string: "*4\r\n$2\r\nok\r\n$4\r\nsent\r\n$0\r\n\r\n$0\r\n\r\n")
        let route = try Route()
        let metrics = HeraldMetrics()
        return [
            Stage(name: "decode-sms", summary: "POST /v1/messages body parsed and validated into a NewMessage", body: .sync {
                _ = try? decodeAndValidate(validator)
            }),
            Stage(name: "enqueue-arguments", summary: "enqueue.lua's keys and arguments, as EVALSHA on the wire", body: .sync {
                onWire(EnqueueTransition.call([(message, id)], keys: keys, settings: settings, nowMillis: now, recheck: false))
            }),
            Stage(name: "claim-reply", summary: "claim.lua's reply read off the wire into a ClaimedMessage", body: .sync {
                _ = claim(claimReply, entry: entry)
            }),
            Stage(name: "twilio-request", summary: "the Messages API form POST built for the claimed message", body: .sync {
                _ = requests.request(for: claimed.message)
            }),
            Stage(name: "twilio-reply", summary: "Twilio's 201 message resource read into the outcome", body: .sync {
                _ = TwilioProvider.outcome(status: 201, headers: HTTPHeaders(), body: reply)
            }),
            Stage(name: "sent-record", summary: "sent.lua's call on the wire, and its reply read", body: .sync {
                onWire(SentTransition.call(claimed, provider: "twilio", providerMessageID: sid, status: .sent, note: "",
                                           indexProviderID: false, settings: settings, nowMillis: now))
                _ = RESP.decode(sentReply).flatMap { try? SentTransition.Reply($0[0]) }
            }),
            Stage(name: "metrics", summary: "the metrics one SMS counts: accepted, attempt, send time, HTTP request", body: .sync {
                metrics.accepted(.sms)
                metrics.attempt(.sms, provider: "twilio", outcome: .accepted)
                metrics.sendDuration(provider: "twilio", .microseconds(900))
                metrics.httpRequest(method: "POST", route: "/v1/messages", status: 202, .microseconds(300))
            }),
            Stage(name: "http-route", summary: "GET /health through Herald's router and middleware, body written", body: .async {
                await route.once()
            }),
        ]
    }

    static func decodeAndValidate(_ validator: MessageValidator) throws -> NewMessage {
        try body.withUnsafeBytes { bytes in
            let request = try RequestDecoder.messageRequest(from: bytes)
            return try validator.validate(request, nowMillis: now)
        }
    }

    /// A script call as the connection writes it: EVALSHA in a fresh buffer.
    static func onWire(_ call: (keys: [String], arguments: [String])) {
        var buffer = ByteBufferAllocator().buffer(capacity: 64)
        RESP.encode(RESP.evalsha(sha, call.keys, call.arguments), into: &buffer)
    }

    static func claim(_ bytes: ByteBuffer, entry: StreamEntry) -> ClaimedMessage? {
        guard let value = RESP.decode(bytes)?.first, let reply = try? ClaimTransition.Reply(value) else { return nil }
        return ClaimTransition.claimed(reply, entry: entry, keys: keys)
    }
}

/// Herald's whole router (every middleware, every route registered), asked
/// for a route that needs no Redis, as the HTTP server asks it.
struct Route: Sendable {
    let responder: Router<HeraldRequestContext>.Responder
    let channel = EmbeddedChannel()
    let logger = Logger(label: "herald.stages")

    init() throws {
        let store = MessageStore(redis: RedisClient(endpoint: try RedisEndpoint(url: "redis://127.0.0.1:1")),
                                 settings: HotPathStages.settings)
        let api = HeraldAPI(store: store, configuration: APIConfiguration(apiKeys: ["stage-key"], publicURL: "http://127.0.0.1:8080"), metrics: HeraldMetrics())
        responder = api.router().buildResponder()
    }

    func once() async {
        let request = Request(
            head: HTTPRequest(method: .get, scheme: "http", authority: "localhost", path: "/health"),
            body: RequestBody(buffer: ByteBuffer()))
        let context = HeraldRequestContext(source: .init(channel: channel, logger: logger))
        guard let response = try? await responder.respond(to: request, context: context) else { return }
        try? await response.body.write(DiscardingWriter())
    }

    struct DiscardingWriter: ResponseBodyWriter {
        func write(_ buffer: ByteBuffer) async throws {}
        func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}

struct StageError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
