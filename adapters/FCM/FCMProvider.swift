import _CryptoExtras
import Crypto
import Foundation
import HeraldCore
import HeraldProviders
import NIOCore
import NIOHTTP1

/// Push through FCM HTTP v1: `POST /v1/projects/{id}/messages:send` with an
/// OAuth2 access token minted from the service account (an RS256-signed JWT
/// exchanged at its token_uri) and cached until shortly before it expires.
public struct FCMProvider: ChannelProvider {
    public let name = FCMRegistration.name
    public let channel = Channel.push
    let account: FCMServiceAccount
    /// `https://fcm.googleapis.com` in production, the simulator locally.
    let baseURL: String
    let client: ProviderHTTPClient
    public let tokens: AccessTokenCache

    public init(account: FCMServiceAccount, baseURL: String, client: ProviderHTTPClient) throws {
        let key = try _RSA.Signing.PrivateKey(pemRepresentation: account.privateKey)
        self.account = account
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.client = client
        self.tokens = AccessTokenCache(key: "fcm:" + account.clientEmail, shared: nil) {
            try await Self.mintToken(account: account, key: key, client: client)
        }
    }

    /// Everything but an APNs device token or an `umeng:` recipient: FCM registration tokens.
    public func canDeliver(to recipient: String) -> Bool {
        !PushToken.isAPNsDeviceToken(recipient) && !UmengPushAddress.isUmeng(recipient)
    }

    static let scope = "https://www.googleapis.com/auth/firebase.messaging"

    /// The signed assertion of RFC 7523 that Google exchanges for an access token.
    static func assertion(account: FCMServiceAccount, key: _RSA.Signing.PrivateKey, now: Int64) throws -> String {
        var header = #"{"alg":"RS256","typ":"JWT""#
        if let kid = account.privateKeyID { header += #","kid":\#(JSONText.quoted(kid))"# }
        header += "}"
        let claims = #"{"iss":\#(JSONText.quoted(account.clientEmail)),"scope":"\#(scope)","aud":\#(JSONText.quoted(account.tokenURI)),"iat":\#(now),"exp":\#(now + 3600)}"#
        return try JSONWebToken.compact(headerJSON: header, claimsJSON: claims) { input in
            try key.signature(for: input, padding: .insecurePKCS1v1_5).rawRepresentation
        }
    }

    struct TokenReply: Decodable {
        let access_token: String?
        let expires_in: Int?
        let error: String?
    }

    struct TokenError: Error, CustomStringConvertible {
        let description: String
    }

    static func mintToken(account: FCMServiceAccount, key: _RSA.Signing.PrivateKey, client: ProviderHTTPClient) async throws
        -> AccessTokenCache.Minted
    {
        let jwt = try assertion(account: account, key: key, now: WallClock.nowMillis() / 1000)
        var request = ProviderRequest(url: account.tokenURI)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = ByteBuffer(string: FormURLEncoding.encode([
            ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"), ("assertion", jwt),
        ]))
        let response = try await client.execute(request)
        let reply = try? JSONDecoder().decode(TokenReply.self, from: Data(response.body.readableBytesView))
        guard response.status == 200, let token = reply?.access_token, !token.isEmpty else {
            throw TokenError(description: "token endpoint answered HTTP \(response.status) \(reply?.error ?? "")")
        }
        return .init(token: token, expiresInSeconds: reply?.expires_in ?? 3_600)
    }

    /// The v1 message: notification title and body, `data` as string pairs.
    static func payload(_ message: OutboundMessage) -> [UInt8] {
        var notification: [String: JSONValue] = ["body": .string(message.body)]
        if let title = message.title { notification["title"] = .string(title) }
        var body: [String: JSONValue] = ["token": .string(message.to), "notification": .object(notification)]
        let data = message.dataFields
        if !data.isEmpty { body["data"] = .object(data.mapValues { .string($0.text) }) }
        return JSONValue.object(["message": .object(body)]).encoded()
    }

    public func send(_ message: OutboundMessage) async -> SendOutcome {
        let body = Self.payload(message)
        do {
            var token = try await tokens.current()
            var response = try await post(body, token: token)
            if response.status == 401 {
                token = try await tokens.refresh(replacing: token)
                response = try await post(body, token: token)
            }
            return Self.outcome(status: response.status, headers: response.headers, body: response.body)
        } catch let error as TokenError {
            return .retryable(code: "token", message: error.description, retryAfterMillis: nil)
        } catch {
            return HTTPOutcome.transportFailure(error)
        }
    }

    private func post(_ body: [UInt8], token: String) async throws -> ProviderResponse {
        var request = ProviderRequest(url: baseURL + "/v1/projects/\(account.projectID)/messages:send")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer " + token)
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = ByteBuffer(bytes: body)
        return try await client.execute(request)
    }

    struct Reply: Decodable {
        struct Failure: Decodable {
            struct Detail: Decodable {
                let errorCode: String?
            }
            let code: Int?
            let message: String?
            let status: String?
            let details: [Detail]?
        }
        let name: String?
        let error: Failure?
    }

    /// FCM's `errorCode` (in details) or `status` decides: UNREGISTERED and a
    /// token-shaped INVALID_ARGUMENT are invalid recipients; UNAVAILABLE,
    /// INTERNAL and QUOTA_EXCEEDED (429) are retried.
    static func outcome(status: UInt, headers: HTTPHeaders, body: ByteBuffer) -> SendOutcome {
        let reply = try? JSONDecoder().decode(Reply.self, from: Data(body.readableBytesView))
        if status == 200 {
            guard let name = reply?.name, !name.isEmpty else {
                return .retryable(code: "bad_response", message: "FCM answered 200 without a name", retryAfterMillis: nil)
            }
            return .accepted(providerMessageID: name, status: .delivered)
        }
        let failure = reply?.error
        let code = failure?.details?.compactMap(\.errorCode).first ?? failure?.status ?? "http_\(status)"
        let message = String((failure?.message ?? "HTTP \(status)").prefix(200))
        switch code {
        case "UNREGISTERED", "SENDER_ID_MISMATCH":
            return .invalidRecipient(code: code, message: message)
        case "INVALID_ARGUMENT" where message.lowercased().contains("token"):
            return .invalidRecipient(code: code, message: message)
        case "QUOTA_EXCEEDED":
            return .throttled(code: code, message: message, retryAfterMillis: HTTPOutcome.retryAfterMillis(headers))
        case "UNAVAILABLE", "INTERNAL":
            return .retryable(code: code, message: message, retryAfterMillis: HTTPOutcome.retryAfterMillis(headers))
        default:
            return HTTPOutcome.classify(status: status, headers: headers, code: code, message: message)
        }
    }
}
