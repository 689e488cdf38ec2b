import _CryptoExtras
import Crypto
import Foundation
import HeraldCore
import HeraldSimulators
import Hummingbird
import NIOCore
import Synchronization

/// FCM HTTP v1 and Google's OAuth2 token endpoint on loopback. `POST /token`
/// takes the RFC 7523 JWT-bearer grant and checks the RS256 assertion against
/// the service account's public key (issuer, audience, scope, expiry);
/// `POST /v1/projects/{id}/messages:send` checks the Bearer token and the
/// message, and answers `{"name":"projects/…/messages/…"}` or FCM's error
/// shape with an `errorCode` detail. Tokens containing `bad` are malformed
/// (INVALID_ARGUMENT).
public final class FCMSimulator: SimulatedProvider {
    public let name = FCMRegistration.name

    public struct Configuration: Sendable {
        public var projectID: String
        public var clientEmail: String
        public var publicKey: _RSA.Signing.PublicKey
        /// The audience assertions must name: the token URI Herald was given.
        public var tokenURI: String
        public var latency: Duration
        public var faults: FaultRule

        public init(projectID: String, clientEmail: String, publicKey: _RSA.Signing.PublicKey, tokenURI: String,
                    latency: Duration = .zero, faults: @escaping FaultRule = { _, _ in nil })
        {
            self.projectID = projectID
            self.clientEmail = clientEmail
            self.publicKey = publicKey
            self.tokenURI = tokenURI
            self.latency = latency
            self.faults = faults
        }
    }

    public let configuration: Configuration
    public let ledger: SimulatorLedger
    private let tokens = Mutex<Set<String>>([])
    private let sequence = Atomic<Int>(0)

    public init(configuration: Configuration, ledger: SimulatorLedger = SimulatorLedger()) {
        self.configuration = configuration
        self.ledger = ledger
    }

    /// Access tokens minted so far.
    public var tokensIssued: Int { tokens.withLock { $0.count } }

    public func register(on router: Router<BasicRequestContext>) {
        router.post("token", use: token)
        router.post("v1/projects/:project/messages:send", use: send)
    }

    @Sendable func token(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let body = try await request.body.collect(upTo: 64 * 1024)
        let form = FormURLEncoding.decode(String(decoding: body.readableBytesView, as: UTF8.self)) ?? []
        let parameters = Dictionary(form, uniquingKeysWith: { first, _ in first })
        guard parameters["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer",
              let assertion = parameters["assertion"], let jwt = JSONWebToken.split(assertion)
        else { return Self.oauthError("invalid_request", "Invalid grant_type or assertion") }
        let now = Int64(Date().timeIntervalSince1970)
        guard jwt.header["alg"] as? String == "RS256",
              configuration.publicKey.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: jwt.signature), for: SHA256.hash(data: jwt.signingInput),
                padding: .insecurePKCS1v1_5)
        else { return Self.oauthError("invalid_grant", "Invalid JWT Signature.") }
        guard jwt.claims["iss"] as? String == configuration.clientEmail,
              jwt.claims["aud"] as? String == configuration.tokenURI,
              (jwt.claims["scope"] as? String)?.contains("firebase.messaging") == true,
              let exp = (jwt.claims["exp"] as? NSNumber)?.int64Value, exp > now, exp - now <= 3_600
        else { return Self.oauthError("invalid_grant", "Invalid JWT: claims or expiry") }
        let token = "ya29.sim-" + UUID().uuidString
        tokens.withLock { _ = $0.insert(token) }
        return Self.json(200, #"{"access_token":"\#(token)","expires_in":3599,"token_type":"Bearer"}"#)
    }

    struct Envelope: Decodable {
        struct Message: Decodable {
            struct Notification: Decodable {
                let title: String?
                let body: String?
            }
            let token: String?
            let notification: Notification?
            let data: [String: String]?
        }
        let message: Message?
    }

    @Sendable func send(_ request: Request, context: BasicRequestContext) async throws -> Response {
        if configuration.latency > .zero { try await Task.sleep(for: configuration.latency) }
        let bearer = request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
        guard let bearer, tokens.withLock({ $0.contains(bearer) }) else {
            return Self.error(401, status: "UNAUTHENTICATED", code: nil,
                              "Request had invalid authentication credentials. Expected OAuth 2 access token.")
        }
        guard context.parameters.get("project") == configuration.projectID else {
            return Self.error(403, status: "PERMISSION_DENIED", code: nil, "Permission denied on resource project.")
        }
        let body = try await request.body.collect(upTo: 64 * 1024)
        guard let envelope = try? JSONDecoder().decode(Envelope.self, from: Data(body.readableBytesView)),
              let message = envelope.message
        else { return Self.error(400, status: "INVALID_ARGUMENT", code: "INVALID_ARGUMENT", "Invalid JSON payload received.") }
        guard let token = message.token, !token.isEmpty, !token.contains("bad") else {
            return Self.error(400, status: "INVALID_ARGUMENT", code: "INVALID_ARGUMENT",
                              "The registration token is not a valid FCM registration token")
        }
        let attempt = ledger.request(to: token)
        switch configuration.faults(token, attempt) {
        case .serverError?:
            return Self.error(503, status: "UNAVAILABLE", code: "UNAVAILABLE", "The service is currently unavailable.")
        case .throttled(let seconds)?:
            var response = Self.error(429, status: "RESOURCE_EXHAUSTED", code: "QUOTA_EXCEEDED", "Quota exceeded.")
            response.headers[.retryAfter] = String(seconds)
            return response
        case .invalidRecipient?, .optedOut?:
            return Self.error(404, status: "NOT_FOUND", code: "UNREGISTERED", "Requested entity was not found.")
        case .badRequest?:
            return Self.error(400, status: "INVALID_ARGUMENT", code: "INVALID_ARGUMENT", "Invalid JSON payload received.")
        case nil:
            break
        }
        ledger.recordAccepted(to: token)
        ledger.keep(String(decoding: body.readableBytesView, as: UTF8.self), for: token)
        let number = sequence.add(1, ordering: .relaxed).newValue
        return Self.json(200, #"{"name":"projects/\#(configuration.projectID)/messages/0:\#(1_700_000_000_000 + number)%31bd1c9631bd1c96"}"#)
    }

    static func json(_ status: Int, _ body: String) -> Response {
        Response(status: .init(code: status), headers: [.contentType: "application/json; charset=UTF-8"],
                 body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func oauthError(_ error: String, _ description: String) -> Response {
        json(400, #"{"error":"\#(error)","error_description":\#(JSONText.quoted(description))}"#)
    }

    static func error(_ http: Int, status: String, code: String?, _ message: String) -> Response {
        let details = code.map { #","details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"\#($0)"}]"# } ?? ""
        return json(http, #"{"error":{"code":\#(http),"message":\#(JSONText.quoted(message)),"status":"\#(status)"\#(details)}}"#)
    }
}
