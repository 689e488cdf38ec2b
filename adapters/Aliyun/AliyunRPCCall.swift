import Foundation
import HeraldCore
import HeraldProviders
import NIOCore

/// One call to an Alibaba Cloud RPC-style API (SMS SendSms, DirectMail
/// SingleSendMail and DescAccountSummary): the common parameters every such
/// API requires, the API's own, and the `AliyunSignature` over all of them,
/// as a form POST to the endpoint's `/`. It exists so that each Aliyun product
/// states only its action and parameters, and the signing is written once.
public struct AliyunRPCCall: Sendable, Equatable {
    /// Where the API answers (`https://dysmsapi.aliyuncs.com`,
    /// `https://dm.aliyuncs.com`, or a simulator), without a trailing `/`.
    public var endpoint: String
    /// The API version the actions belong to (`2017-05-25` for SMS, `2015-11-23` for DirectMail).
    public var version: String
    /// The `RegionId` common parameter.
    public var regionID: String
    /// The AccessKey ID, sent as `AccessKeyId`.
    public var accessKeyID: String
    /// The AccessKey secret: the signing key (with `&`), never sent.
    public var accessKeySecret: String

    /// A call to the API at `endpoint` (a trailing `/` is dropped) in `version`.
    public init(endpoint: String, version: String, regionID: String, accessKeyID: String, accessKeySecret: String) {
        self.endpoint = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        self.version = version
        self.regionID = regionID
        self.accessKeyID = accessKeyID
        self.accessKeySecret = accessKeySecret
    }

    /// Every parameter of one request of `action`: the common ones (JSON
    /// replies, HMAC-SHA1 signature version 1.0, a fresh nonce, the UTC
    /// timestamp), the API's own `parameters`, then `Signature` over the rest.
    public func signedParameters(
        action: String, _ parameters: [(String, String)], date: Date = Date(), nonce: String = UUID().uuidString
    ) -> [(String, String)] {
        var all = [
            ("AccessKeyId", accessKeyID), ("Action", action), ("Format", "JSON"), ("RegionId", regionID),
            ("SignatureMethod", "HMAC-SHA1"), ("SignatureNonce", nonce), ("SignatureVersion", "1.0"),
            ("Timestamp", Self.timestamp(date)), ("Version", version),
        ] + parameters
        all.append(("Signature", AliyunSignature.sign(method: "POST", parameters: all, secret: accessKeySecret)))
        return all
    }

    /// The signed form POST of `action` with the API's `parameters`, asking for JSON.
    public func request(action: String, _ parameters: [(String, String)]) -> ProviderRequest {
        var request = ProviderRequest(url: endpoint + "/")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        request.body = ByteBuffer(string: FormURLEncoding.encode(signedParameters(action: action, parameters)))
        return request
    }

    /// `Timestamp`'s form: ISO 8601 in UTC to the second, `2015-11-23T04:00:00Z`.
    public static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!))
    }
}
