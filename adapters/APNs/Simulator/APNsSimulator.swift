import Crypto
import Foundation
import HeraldCore
import HeraldSimulators
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// APNs' provider API on loopback (served over TLS + HTTP/2 by
/// `SimulatorServer`): `POST /3/device/{token}` with an ES256 provider token
/// (403 InvalidProviderToken / ExpiredProviderToken), the apns-* headers
/// checked as APNs checks them, `200` with `apns-id`, and APNs' error bodies
/// (`{"reason":"BadDeviceToken"}`, `410 {"reason":"Unregistered","timestamp":…}`).
public final class APNsSimulator: SimulatedProvider {
    public var listener: SimulatorListener { .tls }
    public let name = APNsRegistration.name

    public struct Configuration: Sendable {
        public var teamID: String
        public var keyID: String
        public var publicKey: P256.Signing.PublicKey
        public var topic: String
        public var latency: Duration
        public var faults: FaultRule

        public init(teamID: String, keyID: String, publicKey: P256.Signing.PublicKey, topic: String,
                    latency: Duration = .zero, faults: @escaping FaultRule = { _, _ in nil })
        {
            self.teamID = teamID
            self.keyID = keyID
            self.publicKey = publicKey
            self.topic = topic
            self.latency = latency
            self.faults = faults
        }
    }

    public let configuration: Configuration
    public let ledger: SimulatorLedger
    private let providerTokens = Mutex<Set<String>>([])
    private let headers = Mutex<[String: [String: String]]>([:])

    public init(configuration: Configuration, ledger: SimulatorLedger = SimulatorLedger()) {
        self.configuration = configuration
        self.ledger = ledger
    }

    /// Distinct provider tokens seen: APNs wants one reused, not one per request.
    public var providerTokensSeen: Int { providerTokens.withLock { $0.count } }

    /// The apns-* headers of the last accepted push to a device.
    public func lastHeaders(to device: String) -> [String: String]? { headers.withLock { $0[device] } }

    public func register(on router: Router<BasicRequestContext>) {
        router.post("3/device/:token", use: push)
    }

    @Sendable func push(_ request: Request, context: BasicRequestContext) async throws -> Response {
        if configuration.latency > .zero { try await Task.sleep(for: configuration.latency) }
        guard let authorization = request.headers[.authorization], authorization.hasPrefix("bearer "),
              let jwt = JSONWebToken.split(String(authorization.dropFirst(7))),
              jwt.header["alg"] as? String == "ES256", jwt.header["kid"] as? String == configuration.keyID,
              jwt.claims["iss"] as? String == configuration.teamID,
              let signature = try? P256.Signing.ECDSASignature(rawRepresentation: jwt.signature),
              configuration.publicKey.isValidSignature(signature, for: jwt.signingInput)
        else { return Self.error(403, "InvalidProviderToken") }
        guard let issued = (jwt.claims["iat"] as? NSNumber)?.int64Value,
              Int64(Date().timeIntervalSince1970) - issued < 3_600
        else { return Self.error(403, "ExpiredProviderToken") }
        providerTokens.withLock { _ = $0.insert(String(authorization.dropFirst(7))) }
        func header(_ name: String) -> String? { request.headers[HTTPField.Name(name)!] }
        guard header("apns-topic") == configuration.topic else { return Self.error(400, "TopicDisallowed") }
        guard let pushType = header("apns-push-type"), ["alert", "background", "voip"].contains(pushType) else {
            return Self.error(400, "InvalidPushType")
        }
        guard let priority = header("apns-priority"), ["5", "10"].contains(priority) else { return Self.error(400, "BadPriority") }
        guard header("apns-expiration").map({ Int64($0) != nil }) ?? true else { return Self.error(400, "BadExpirationDate") }
        if let collapse = header("apns-collapse-id"), collapse.utf8.count > 64 { return Self.error(400, "BadCollapseId") }
        let device = context.parameters.get("token") ?? ""
        guard PushToken.isAPNsDeviceToken(device) else { return Self.error(400, "BadDeviceToken") }
        let body = try await request.body.collect(upTo: 8 * 1024)
        guard body.readableBytes > 0 else { return Self.error(400, "PayloadEmpty") }
        guard body.readableBytes <= 4_096 else { return Self.error(413, "PayloadTooLarge") }
        guard let json = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
              json["aps"] is [String: Any]
        else { return Self.error(400, "BadMessageId") }
        switch configuration.faults(device, ledger.request(to: device)) {
        case .serverError?: return Self.error(503, "ServiceUnavailable")
        case .throttled?: return Self.error(429, "TooManyRequests")
        case .invalidRecipient?, .optedOut?:
            return Self.json(410, #"{"reason":"Unregistered","timestamp":\#(Int64(Date().timeIntervalSince1970 * 1000))}"#)
        case .badRequest?: return Self.error(400, "BadTopic")
        case nil: break
        }
        ledger.recordAccepted(to: device)
        ledger.keep(String(decoding: body.readableBytesView, as: UTF8.self), for: device)
        var seen: [String: String] = [:]
        for field in request.headers where field.name.canonicalName.hasPrefix("apns-") {
            seen[field.name.canonicalName] = field.value
        }
        headers.withLock { $0[device] = seen }
        var response = Response(status: .ok)
        response.headers[HTTPField.Name("apns-id")!] = UUID().uuidString
        return response
    }

    static func error(_ status: Int, _ reason: String) -> Response {
        json(status, #"{"reason":"\#(reason)"}"#)
    }

    static func json(_ status: Int, _ body: String) -> Response {
        Response(status: .init(code: status), headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
