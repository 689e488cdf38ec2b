import AsyncHTTPClient
import Crypto
import Foundation
import HeraldCore
import HeraldProviders
import NIOCore
import NIOHTTP1
import NIOSSL

/// Push to Apple devices over HTTP/2 (`POST /3/device/{token}`) with token
/// authentication: an ES256 JWT signed with the .p8 key, reused for 50
/// minutes (Apple refuses tokens older than an hour and throttles ones
/// refreshed too often). Headers carry topic, push type, priority (10 for
/// transactional, 5 for marketing), expiration and an optional collapse id
/// (`data.collapse_id`).
public struct APNsProvider: ChannelProvider {
    public let name = APNsRegistration.name
    public let channel = Channel.push
    let configuration: APNsConfiguration
    let client: HTTPClient
    public let tokens: AccessTokenCache

    /// `client` must speak HTTP/2 and trust the endpoint: see `makeClient`.
    public init(configuration: APNsConfiguration, client: HTTPClient) throws {
        let key = try P256.Signing.PrivateKey(pemRepresentation: configuration.privateKeyPEM)
        self.configuration = configuration
        self.client = client
        self.tokens = AccessTokenCache(key: "apns:" + configuration.keyID, shared: nil, marginSeconds: 600) {
            .init(token: try Self.providerToken(configuration: configuration, key: key, now: WallClock.nowMillis() / 1000),
                  expiresInSeconds: 3_600)
        }
    }

    /// An HTTP client for APNs: HTTP/2 over TLS, trusting `trustRootsPEM` when given.
    public static func makeClient(configuration: APNsConfiguration, maxConnections: Int = 4) throws -> HTTPClient {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let pem = configuration.trustRootsPEM {
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(pem.utf8)))
        }
        var settings = HTTPClient.Configuration(tlsConfiguration: tls)
        settings.httpVersion = .automatic
        settings.connectionPool = .init(idleTimeout: .seconds(300), concurrentHTTP1ConnectionsPerHostSoftLimit: maxConnections)
        settings.timeout = .init(connect: .seconds(5), read: .seconds(15))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: settings)
    }

    /// The provider authentication token: `{"alg":"ES256","kid":…}.{"iss":team,"iat":now}`.
    static func providerToken(configuration: APNsConfiguration, key: P256.Signing.PrivateKey, now: Int64) throws -> String {
        try JSONWebToken.compact(
            headerJSON: #"{"alg":"ES256","kid":\#(JSONText.quoted(configuration.keyID))}"#,
            claimsJSON: #"{"iss":\#(JSONText.quoted(configuration.teamID)),"iat":\#(now)}"#
        ) { input in try key.signature(for: input).rawRepresentation }
    }

    /// APNs device tokens are 32 bytes, written as 64 hex digits.
    public func canDeliver(to recipient: String) -> Bool { PushToken.isAPNsDeviceToken(recipient) }

    /// `{"aps":{"alert":{"title","body"},"sound":"default"}}` plus the message's data at top level.
    static func payload(_ message: OutboundMessage) -> (body: [UInt8], collapseID: String?) {
        var alert: [String: JSONValue] = ["body": .string(message.body)]
        if let title = message.title { alert["title"] = .string(title) }
        var root = message.dataFields
        var collapseID: String?
        if case .string(let id)? = root.removeValue(forKey: "collapse_id") { collapseID = String(id.prefix(64)) }
        root["aps"] = .object(["alert": .object(alert), "sound": .string("default")])
        return (JSONValue.object(root).encoded(), collapseID)
    }

    public func send(_ message: OutboundMessage) async -> SendOutcome {
        let (body, collapseID) = Self.payload(message)
        guard body.count <= 4_096 else { return .permanent(code: "PayloadTooLarge", message: "payload exceeds 4096 bytes") }
        do {
            var token = try await tokens.current()
            var response = try await post(message, body: body, collapseID: collapseID, token: token)
            if response.status == 403, Self.reason(response.body) == "ExpiredProviderToken" {
                token = try await tokens.refresh(replacing: token)
                response = try await post(message, body: body, collapseID: collapseID, token: token)
            }
            return Self.outcome(status: response.status, headers: response.headers, body: response.body)
        } catch {
            return HTTPOutcome.transportFailure(error)
        }
    }

    private func post(_ message: OutboundMessage, body: [UInt8], collapseID: String?, token: String) async throws
        -> (status: UInt, headers: HTTPHeaders, body: ByteBuffer)
    {
        var request = HTTPClientRequest(url: configuration.baseURL + "/3/device/" + message.to)
        request.method = .POST
        request.headers.add(name: "authorization", value: "bearer " + token)
        request.headers.add(name: "apns-topic", value: configuration.topic)
        request.headers.add(name: "apns-push-type", value: "alert")
        request.headers.add(name: "apns-priority", value: message.category == .marketing ? "5" : "10")
        request.headers.add(name: "apns-expiration", value: String(WallClock.nowMillis() / 1000 + configuration.expirationSeconds))
        if let collapseID { request.headers.add(name: "apns-collapse-id", value: collapseID) }
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await client.execute(request, timeout: .seconds(15))
        return (response.status.code, response.headers, try await response.body.collect(upTo: 1 << 20))
    }

    struct Failure: Decodable {
        let reason: String?
    }

    static func reason(_ body: ByteBuffer) -> String? {
        (try? JSONDecoder().decode(Failure.self, from: Data(body.readableBytesView)))?.reason
    }

    /// 200 with `apns-id`; 410 Unregistered and 400 BadDeviceToken are invalid
    /// recipients; 429 and 5xx are retried; the rest are permanent.
    static func outcome(status: UInt, headers: HTTPHeaders, body: ByteBuffer) -> SendOutcome {
        if status == 200 {
            return .accepted(providerMessageID: headers.first(name: "apns-id") ?? "", status: .delivered)
        }
        let reason = Self.reason(body) ?? "http_\(status)"
        switch (status, reason) {
        case (410, _), (400, "BadDeviceToken"), (400, "DeviceTokenNotForTopic"):
            return .invalidRecipient(code: reason, message: "APNs: \(reason)")
        default:
            return HTTPOutcome.classify(status: status, headers: headers, code: reason, message: "APNs: \(reason)")
        }
    }
}
