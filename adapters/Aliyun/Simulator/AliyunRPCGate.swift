import Foundation
import HeraldCore
import NIOCore
import Synchronization

/// What Alibaba Cloud's RPC gateway checks before any product sees a request,
/// for the simulators of its RPC APIs (SMS, DirectMail): a form body, the
/// AccessKeyId, the HMAC-SHA1 `Signature` (`AliyunSignature`, as the senders
/// sign), a `Timestamp` within 15 minutes and a `SignatureNonce` used once.
/// It exists so that each simulator checks the signature the same way and
/// only answers a refusal in its own product's words.
public final class AliyunRPCGate: Sendable {
    /// Why the gateway refuses a request; `status`, `code` and `message` are
    /// the gateway's own answer, which a product's simulator may restate.
    public enum Refusal: Error, Sendable, Equatable {
        /// The body is not `application/x-www-form-urlencoded`.
        case notAForm
        /// `AccessKeyId` is not the simulated account's.
        case unknownAccessKey
        /// `Signature` is not the one the secret gives.
        case signatureMismatch
        /// `Timestamp` is missing or more than 15 minutes from now.
        case timestampExpired
        /// `SignatureNonce` is missing or was used before.
        case nonceUsed

        /// The HTTP status of the refusal.
        public var status: Int { self == .unknownAccessKey ? 404 : 400 }

        /// The error `Code`.
        public var code: String {
            switch self {
            case .notAForm: "MissingParameter"
            case .unknownAccessKey: "InvalidAccessKeyId.NotFound"
            case .signatureMismatch: "SignatureDoesNotMatch"
            case .timestampExpired: "InvalidTimeStamp.Expired"
            case .nonceUsed: "SignatureNonceUsed"
            }
        }

        /// The error `Message`.
        public var message: String {
            switch self {
            case .notAForm: "The request body is not a form."
            case .unknownAccessKey: "Specified access key is not found."
            case .signatureMismatch: "Specified signature is not matched with our calculation."
            case .timestampExpired: "Specified time stamp or date value is expired."
            case .nonceUsed: "Specified signature nonce was used already."
            }
        }
    }

    let accessKeyID: String
    let accessKeySecret: String
    private let nonces = Mutex<Set<String>>([])

    /// A gateway admitting the one simulated account.
    public init(accessKeyID: String, accessKeySecret: String) {
        self.accessKeyID = accessKeyID
        self.accessKeySecret = accessKeySecret
    }

    /// The parameters of a signed form POST (the first value of each name),
    /// or why the gateway refuses it. A nonce is spent only by a request
    /// whose signature holds.
    public func admit(_ body: ByteBuffer) -> Result<[String: String], Refusal> {
        guard let form = FormURLEncoding.decode(String(decoding: body.readableBytesView, as: UTF8.self)) else {
            return .failure(.notAForm)
        }
        let parameters = Dictionary(form, uniquingKeysWith: { first, _ in first })
        guard parameters["AccessKeyId"] == accessKeyID else { return .failure(.unknownAccessKey) }
        guard AliyunSignature.isValid(method: "POST", parameters: form, secret: accessKeySecret) else {
            return .failure(.signatureMismatch)
        }
        guard let stamp = parameters["Timestamp"], let time = try? Date(stamp, strategy: .iso8601),
              abs(time.timeIntervalSinceNow) < 900
        else { return .failure(.timestampExpired) }
        guard let nonce = parameters["SignatureNonce"], nonces.withLock({ $0.insert(nonce).inserted }) else {
            return .failure(.nonceUsed)
        }
        return .success(parameters)
    }
}
