import HeraldCore

/// What a load run sends and how hard.
public struct LoadPlan: Sendable {
    public enum Mode: String, Sendable, CaseIterable {
        /// One message per `POST /v1/messages`.
        case single
        /// `batchSize` messages per `POST /v1/messages/batch`.
        case batch
    }

    public var host: String
    public var port: Int
    public var apiKey: String?
    public var mode: Mode
    /// Messages in total (bounded: every run stops by itself).
    public var messages: Int
    public var batchSize: Int
    /// Keep-alive connections, each with one request in flight.
    public var connections: Int
    /// Target messages per second; 0 sends flat out.
    public var rate: Double
    /// Recipients are `+1555` followed by seven digits of the message index.
    public var recipientPrefix: String
    /// Which channel each message goes to.
    public var mix: ChannelMix
    /// SMS name this stored template (with `name` and `order` data) instead of literal content.
    public var smsTemplate: String?

    public init(
        host: String = "127.0.0.1", port: Int = 8080, apiKey: String? = nil, mode: Mode = .single,
        messages: Int = 10_000, batchSize: Int = 1_000, connections: Int = 64, rate: Double = 0,
        recipientPrefix: String = "+1555", mix: ChannelMix = .smsOnly
    ) {
        self.mix = mix
        self.host = host
        self.port = port
        self.apiKey = apiKey
        self.mode = mode
        self.messages = messages
        self.batchSize = batchSize
        self.connections = connections
        self.rate = rate
        self.recipientPrefix = recipientPrefix
    }

    /// Requests needed to send `messages`.
    var requests: Int { mode == .single ? messages : (messages + batchSize - 1) / batchSize }

    /// Messages carried by request `index`.
    func messages(inRequest index: Int) -> Range<Int> {
        switch mode {
        case .single: index..<(index + 1)
        case .batch: (index * batchSize)..<min(messages, (index + 1) * batchSize)
        }
    }

    func recipient(_ index: Int) -> String {
        let digits = String(index % 10_000_000)
        return recipientPrefix + String(repeating: "0", count: 7 - digits.count) + digits
    }

    /// One message of the run, addressed in the shape its channel wants;
    /// pushes alternate between FCM registration tokens and APNs device tokens.
    func messageJSON(_ index: Int) -> String {
        switch mix.channel(index) {
        case .email:
            return #"{"channel":"email","to":"load\#(index)@example.com","content":{"subject":"Herald load test","body":"Herald load test message \#(index)"}}"#
        case .push:
            let token = index % 2 == 0 ? "fcm-load-\(index)" : Self.hexToken(index)
            return #"{"channel":"push","to":"\#(token)","content":{"title":"Herald","body":"Herald load test message \#(index)"}}"#
        case .wechat:
            return #"{"channel":"wechat","to":"oLoad\#(index)","content":{"body":"Herald load test message \#(index)"}}"#
        default:
            if let smsTemplate {
                return #"{"channel":"sms","to":"\#(recipient(index))","template":"\#(smsTemplate)","data":{"name":"Customer \#(index)","order":"A-\#(index)"}}"#
            }
            return #"{"channel":"sms","to":"\#(recipient(index))","content":{"body":"Herald load test message \#(index)"}}"#
        }
    }

    /// A 64-hex-digit APNs device token unique to `index`.
    static func hexToken(_ index: Int) -> String {
        let hex = String(index, radix: 16)
        return String(repeating: "a", count: 64 - hex.count) + hex
    }

    /// The raw HTTP/1.1 request for request `index`.
    func httpRequest(_ index: Int) -> String {
        httpRequest(messages: Array(messages(inRequest: index)))
    }

    /// The raw HTTP/1.1 request carrying these messages of the run (a resend
    /// of what Herald said it did not store carries some of a batch's).
    func httpRequest(messages indexes: [Int]) -> String {
        let body: String
        let path: String
        switch mode {
        case .single:
            body = messageJSON(indexes[0])
            path = "/v1/messages"
        case .batch:
            body = #"{"messages":["# + indexes.map(messageJSON).joined(separator: ",") + "]}"
            path = "/v1/messages/batch"
        }
        var head = "POST \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nContent-Type: application/json\r\n"
        if let apiKey { head += "Authorization: Bearer \(apiKey)\r\n" }
        head += "Content-Length: \(body.utf8.count)\r\n\r\n"
        return head + body
    }
}
