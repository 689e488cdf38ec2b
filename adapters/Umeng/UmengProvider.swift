import Foundation
import HeraldCore
import HeraldProviders
import NIOCore
import NIOHTTP1

/// Push through Umeng U-Push (友盟推送): one signed `POST /api/send?sign=…`
/// per message, `type: unicast`, to the app of the recipient's platform
/// (`umeng:android:<token>` or `umeng:ios:<token>`, see `UmengPushAddress`).
///
/// Umeng's answer is final for Herald: it documents no receipt callback Herald
/// could verify, so an accepted message stays `sent`. `policy.out_biz_no`
/// carries Herald's id, but Umeng documents that it deduplicates task-type
/// messages only, so a unicast retried after an ambiguous timeout may show twice.
public struct UmengProvider: ChannelProvider {
    public let name = UmengRegistration.name
    public let channel = Channel.push
    let configuration: UmengConfiguration
    let client: ProviderHTTPClient
    /// Unix milliseconds: the `timestamp` Umeng checks against its clock (10 minutes).
    let nowMillis: @Sendable () -> Int64

    /// Umeng refuses an Android payload over 1840 bytes (its document; a newer client says 2048).
    static let maxAndroidPayloadBytes = 1_840
    /// `expire_time` may be at most 7 days after the send (2040): a minute is kept in hand.
    static let maxExpiryMillis: Int64 = 7 * 86_400_000 - 60_000

    /// A sender for `configuration`'s apps through the process's HTTP client;
    /// `nowMillis` is the clock its timestamps come from (a test skews it).
    public init(configuration: UmengConfiguration, client: ProviderHTTPClient,
                nowMillis: @escaping @Sendable () -> Int64 = { WallClock.nowMillis() })
    {
        self.configuration = configuration
        self.client = client
        self.nowMillis = nowMillis
    }

    /// Only `umeng:android:…` and `umeng:ios:…` recipients.
    public func canDeliver(to recipient: String) -> Bool { UmengPushAddress(recipient) != nil }

    public func send(_ message: OutboundMessage) async -> SendOutcome {
        guard let address = UmengPushAddress(message.to) else {
            return .invalidRecipient(code: "malformed_recipient",
                                     message: UmengPushAddress.problem(with: message.to) ?? "not an Umeng recipient")
        }
        guard let app = configuration.app(for: address.platform) else {
            let keys = UmengConfiguration.settings(for: address.platform)
            return .permanent(code: "platform_not_configured",
                              message: "no Umeng \(address.platform.rawValue) app is configured: set \(keys.appKey) and \(keys.masterSecret)")
        }
        let payload = Self.payload(message, platform: address.platform)
        if address.platform == .android, payload.encoded().count > Self.maxAndroidPayloadBytes {
            return .permanent(code: "payload_too_large", message: "an Umeng Android payload is at most \(Self.maxAndroidPayloadBytes) bytes")
        }
        let body = Self.body(message, to: address, payload: payload, appKey: app.appKey,
                             productionMode: configuration.productionMode, nowMillis: nowMillis())
        do {
            let response = try await post("/api/send", body: body, app: app)
            return Self.outcome(status: response.status, headers: response.headers, body: response.body, to: address)
        } catch {
            return HTTPOutcome.transportFailure(error)
        }
    }

    /// Posts `body` to `path`, signed over these very bytes with the app's master secret.
    func post(_ path: String, body: [UInt8], app: UmengConfiguration.App) async throws -> ProviderResponse {
        let url = configuration.baseURL + path
        var request = ProviderRequest(url: url + "?sign=" + UmengSignature.sign(url: url, body: body, masterSecret: app.masterSecret))
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = ByteBuffer(bytes: body)
        return try await client.execute(request)
    }

    /// The unicast request, serialized once (sorted keys): these bytes are signed and sent.
    /// `production_mode` is the string `"true"`/`"false"`, as Umeng's document writes it.
    /// `expire_time` is the message's expiry, capped at Umeng's 7 days and written in
    /// Beijing time (an assumption: Umeng's document names no zone, see `UmengTime`).
    static func body(_ message: OutboundMessage, to address: UmengPushAddress, payload: JSONValue, appKey: String,
                     productionMode: Bool, nowMillis: Int64) -> [UInt8]
    {
        var policy: [String: JSONValue] = ["out_biz_no": .string(message.id)]
        if let expires = message.expiresAtMillis {
            policy["expire_time"] = .string(UmengTime.format(millis: min(expires, nowMillis + maxExpiryMillis)))
        }
        return JSONValue.object([
            "appkey": .string(appKey), "timestamp": .string(String(nowMillis)), "type": .string("unicast"),
            "device_tokens": .string(address.deviceToken), "payload": payload, "policy": .object(policy),
            "production_mode": .string(productionMode ? "true" : "false"), "description": .string("herald " + message.id),
        ]).encoded()
    }

    /// Android: a `notification` whose ticker and title are the message's title (its
    /// body when it has none: Umeng requires both) and whose text is the body,
    /// opening the app; `extra` carries `data` as string pairs, as the SDK hands
    /// them to the app. iOS: `aps.alert` with title and body, and `data` as
    /// custom keys beside `aps`, as for APNs.
    static func payload(_ message: OutboundMessage, platform: UmengPushAddress.Platform) -> JSONValue {
        let data = message.dataFields
        switch platform {
        case .android:
            let title = JSONValue.string(message.title ?? message.body)
            var payload: [String: JSONValue] = [
                "display_type": .string("notification"),
                "body": .object(["ticker": title, "title": title, "text": .string(message.body), "after_open": .string("go_app")]),
            ]
            if !data.isEmpty { payload["extra"] = .object(data.mapValues { .string($0.text) }) }
            return .object(payload)
        case .ios:
            var alert: [String: JSONValue] = ["body": .string(message.body)]
            if let title = message.title { alert["title"] = .string(title) }
            var root = data
            root["aps"] = .object(["alert": .object(alert)])
            return .object(root)
        }
    }

    /// SUCCESS with a `msg_id` is accepted (`sent`: no receipt follows); a FAIL's
    /// `error_code` is classified by `UmengErrorClass`; 5xx is retried. Umeng's
    /// error text is kept with the device token masked, should it quote it.
    static func outcome(status: UInt, headers: HTTPHeaders, body: ByteBuffer, to address: UmengPushAddress) -> SendOutcome {
        let reply = UmengReply(body)
        if status == 200, let reply, reply.succeeded {
            guard let id = reply.msgID else {
                return .retryable(code: "bad_response", message: "Umeng answered SUCCESS without a msg_id", retryAfterMillis: nil)
            }
            return .accepted(providerMessageID: id, status: .delivered)
        }
        guard let code = reply?.errorCode else {
            if status == 200 {
                return .retryable(code: "bad_response", message: "Umeng answered HTTP 200 without ret SUCCESS", retryAfterMillis: nil)
            }
            return HTTPOutcome.classify(status: status, headers: headers, code: "http_\(status)", message: "Umeng answered HTTP \(status)")
        }
        let detail = (reply?.errorMessage ?? "").replacingOccurrences(of: address.deviceToken, with: PIIMask.token(address.deviceToken))
        let message = String("Umeng \(code): \(detail)".prefix(200))
        if status >= 500 { return .retryable(code: code, message: message, retryAfterMillis: HTTPOutcome.retryAfterMillis(headers)) }
        switch UmengErrorClass.of(code, platform: address.platform) {
        case .invalidToken:
            return .invalidRecipient(code: code, message: message)
        case .throttled:
            // Umeng sends no Retry-After; its limits are per minute.
            return .throttled(code: code, message: message, retryAfterMillis: HTTPOutcome.retryAfterMillis(headers) ?? 60_000)
        case .transient:
            return .retryable(code: code, message: message, retryAfterMillis: HTTPOutcome.retryAfterMillis(headers))
        case .configuration(let fix):
            return .permanent(code: code, message: String("\(message) — \(fix)".prefix(400)))
        case .refused:
            return .permanent(code: code, message: message)
        }
    }
}
