import Foundation
import HeraldCore
import HeraldSimulators
import Hummingbird
import NIOCore
import Synchronization

/// Umeng U-Push's API on loopback: `POST /api/send?sign=…` (unicast only) and
/// `POST /api/status?sign=…`, checked as Umeng documents: a known appkey, the
/// MD5 `sign` over "POST" + URL + body + that app's master secret, a 10- or
/// 13-digit timestamp within 10 minutes, then the unicast body and the
/// payload of the app's platform (`checkSend`). It answers
/// `{"ret":"SUCCESS","data":{"msg_id":…}}` or Umeng's FAIL body with HTTP 400
/// and the error code of its table. `/api/status` answers 1014 (no such task)
/// to every signed request: the simulator has no task-type messages.
///
/// Faults: invalid recipient → 5000; throttled → 2050; a server error is
/// HTTP 500 on odd attempts and 4001 (系统忙) on even ones. Umeng documents
/// no 5xx body, so the 500's is plain text. Deliberately not simulated:
/// receipts, which Umeng documents no format for.
public final class UmengSimulator: SimulatedProvider {
    public let name = UmengRegistration.name

    /// The simulated account: one app per platform, and how the run wants the simulator to behave.
    public struct Configuration: Sendable {
        /// The Android app: requests naming its appkey are checked against its secret.
        public var android: UmengConfiguration.App
        /// The iOS app, likewise.
        public var ios: UmengConfiguration.App
        /// Added before every reply.
        public var latency: Duration
        /// The faults to answer sends with, by device token.
        public var faults: FaultRule

        /// The account the sandbox secrets describe.
        public init(android: UmengConfiguration.App, ios: UmengConfiguration.App, latency: Duration = .zero,
                    faults: @escaping FaultRule = { _, _ in nil })
        {
            self.android = android
            self.ios = ios
            self.latency = latency
            self.faults = faults
        }

        /// The platform and master secret of a known appkey.
        func app(_ appKey: String) -> (platform: UmengPushAddress.Platform, secret: String)? {
            if appKey == android.appKey { return (.android, android.masterSecret) }
            if appKey == ios.appKey { return (.ios, ios.masterSecret) }
            return nil
        }
    }

    /// An Umeng FAIL reply: its error code and text.
    struct Refusal: Error {
        let code: String
        let message: String
    }

    /// A request that passed the checks every Umeng call gets.
    struct Signed {
        let platform: UmengPushAddress.Platform
        let fields: [String: Any]
        let body: ByteBuffer
    }

    public let configuration: Configuration
    public let ledger: SimulatorLedger
    private let sequence = Atomic<Int>(0)

    /// A simulator of `configuration`'s account, recording what it accepts in `ledger`.
    public init(configuration: Configuration, ledger: SimulatorLedger = SimulatorLedger()) {
        self.configuration = configuration
        self.ledger = ledger
    }

    public func register(on router: Router<BasicRequestContext>) {
        router.post("api/send", use: send)
        router.post("api/status", use: status)
    }

    @Sendable func send(_ request: Request, context: BasicRequestContext) async throws -> Response {
        if configuration.latency > .zero { try await Task.sleep(for: configuration.latency) }
        let signed: Signed
        let token: String
        do {
            signed = try await authenticate(request)
            token = try Self.checkSend(signed)
        } catch let refusal as Refusal {
            return Self.fail(refusal)
        }
        let attempt = ledger.request(to: token)
        switch configuration.faults(token, attempt) {
        case .invalidRecipient?, .optedOut?:
            return Self.fail(Refusal(code: "5000", message: "device_token错误"))
        case .throttled?:
            return Self.fail(Refusal(code: "2050", message: "发送频率超出限制"))
        case .serverError? where attempt % 2 == 1:
            return Response(status: .internalServerError, headers: [.contentType: "text/plain"],
                            body: .init(byteBuffer: ByteBuffer(string: "Internal Server Error")))
        case .serverError?:
            return Self.fail(Refusal(code: "4001", message: "系统忙"))
        case .badRequest?:
            return Self.fail(Refusal(code: "2022", message: "payload长度超出限制"))
        case nil:
            break
        }
        ledger.recordAccepted(to: token)
        ledger.keep(String(decoding: signed.body.readableBytesView, as: UTF8.self), for: token)
        let number = String(sequence.add(1, ordering: .relaxed).newValue)
        let msgID = "uu" + String(repeating: "0", count: max(0, 20 - number.count)) + number
        return Self.json(200, #"{"ret":"SUCCESS","data":{"msg_id":"\#(msgID)"}}"#)
    }

    @Sendable func status(_ request: Request, context: BasicRequestContext) async throws -> Response {
        if configuration.latency > .zero { try await Task.sleep(for: configuration.latency) }
        do {
            let signed = try await authenticate(request)
            guard let taskID = signed.fields["task_id"] as? String, !taskID.isEmpty else {
                throw Refusal(code: "2053", message: "task_id不能为空")
            }
            throw Refusal(code: "1014", message: "task_id不存在")
        } catch let refusal as Refusal {
            return Self.fail(refusal)
        }
    }

    /// The checks of every call: a JSON object naming a known appkey, signed with
    /// its master secret over the URL this request was posted to (the Host it
    /// named and the path), and a timestamp within Umeng's 10 minutes.
    func authenticate(_ request: Request) async throws -> Signed {
        let body = try await request.body.collect(upTo: 64 * 1024)
        guard let fields = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any] else {
            throw Refusal(code: "2008", message: "JSON解析错误")
        }
        guard let appKey = fields["appkey"] as? String, !appKey.isEmpty else { throw Refusal(code: "1000", message: "appkey不能为空") }
        guard let app = configuration.app(appKey) else { throw Refusal(code: "2021", message: "appkey不存在") }
        guard let sign = request.uri.queryParameters.get("sign"), !sign.isEmpty else {
            throw Refusal(code: "2007", message: "未对请求进行签名")
        }
        let url = "http://" + (request.head.authority ?? "") + request.uri.path
        guard UmengSignature.isValid(sign, url: url, body: Array(body.readableBytesView), masterSecret: app.secret) else {
            throw Refusal(code: "2027", message: "签名不正确")
        }
        try Self.checkTimestamp(fields["timestamp"])
        return Signed(platform: app.platform, fields: fields, body: body)
    }

    /// 10 (seconds) or 13 (milliseconds) digits, as a string or a number, at most 10 minutes from now.
    static func checkTimestamp(_ value: Any?) throws {
        let text: String
        switch value {
        case let string as String: text = string
        case let number as Int: text = String(number)
        case let number as NSNumber: text = number.stringValue
        default: throw Refusal(code: "2052", message: "timestamp不能为空")
        }
        guard text.count == 10 || text.count == 13, let stamp = Int64(text), stamp > 0 else {
            throw Refusal(code: "2036", message: "timestamp格式错误")
        }
        let millis = text.count == 10 ? stamp * 1_000 : stamp
        guard abs(WallClock.nowMillis() - millis) <= 600_000 else { throw Refusal(code: "2028", message: "时间戳已过期") }
    }

    static func fail(_ refusal: Refusal) -> Response {
        json(400, #"{"ret":"FAIL","data":{"error_code":"\#(refusal.code)","error_msg":\#(JSONText.quoted(refusal.message))}}"#)
    }

    static func json(_ status: Int, _ body: String) -> Response {
        Response(status: .init(code: status), headers: [.contentType: "application/json;charset=UTF-8"],
                 body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
