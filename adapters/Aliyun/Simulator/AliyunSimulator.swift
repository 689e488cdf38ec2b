import Foundation
import HeraldCore
import HeraldProviders
import HeraldSimulators
import Hummingbird
import NIOCore
import Synchronization

/// Aliyun's SendSms on loopback: a form POST to `/` with the RPC common
/// parameters, checked like Aliyun checks them (AccessKeyId, HMAC-SHA1
/// signature, a Timestamp within 15 minutes, a SignatureNonce used once), and
/// Aliyun's reply shape (`{"Code":"OK","BizId":…,"RequestId":…}`). After a
/// delay it pushes an SmsReport JSON array to the configured report URL.
public final class AliyunSimulator: SimulatedProvider {
    public let name = AliyunRegistration.name

    public struct Configuration: Sendable {
        public var accessKeyID: String
        public var accessKeySecret: String
        /// Where SmsReports are pushed (Aliyun's console setting); nil pushes none.
        public var reportURL: String?
        public var reportDelay: Duration
        public var latency: Duration
        public var faults: FaultRule

        public init(
            accessKeyID: String, accessKeySecret: String, reportURL: String?, reportDelay: Duration = .milliseconds(10),
            latency: Duration = .zero, faults: @escaping FaultRule = { _, _ in nil }
        ) {
            self.accessKeyID = accessKeyID
            self.accessKeySecret = accessKeySecret
            self.reportURL = reportURL
            self.reportDelay = reportDelay
            self.latency = latency
            self.faults = faults
        }
    }

    public let configuration: Configuration
    public let ledger: SimulatorLedger
    let poster: ReceiptPoster
    /// The RPC gateway's checks: AccessKeyId, signature, timestamp, nonce.
    let gate: AliyunRPCGate
    private let sequence = Atomic<Int>(0)

    public init(configuration: Configuration, client: ProviderHTTPClient, ledger: SimulatorLedger = SimulatorLedger()) {
        self.configuration = configuration
        self.ledger = ledger
        self.poster = ReceiptPoster(client: client, ledger: ledger)
        self.gate = AliyunRPCGate(accessKeyID: configuration.accessKeyID, accessKeySecret: configuration.accessKeySecret)
    }

    public func register(on router: Router<BasicRequestContext>) {
        router.post("/", use: sendSms)
    }

    @Sendable func sendSms(_ request: Request, context: BasicRequestContext) async throws -> Response {
        if configuration.latency > .zero { try await Task.sleep(for: configuration.latency) }
        let body = try await request.body.collect(upTo: 64 * 1024)
        let parameters: [String: String]
        switch gate.admit(body) {
        case .success(let admitted): parameters = admitted
        case .failure(let refusal): return Self.reply(refusal.status, code: refusal.code, message: refusal.message)
        }
        guard parameters["Action"] == "SendSms", parameters["Version"] == "2017-05-25" else {
            return Self.reply(400, code: "InvalidAction.NotFound", message: "Specified api is not found.")
        }
        guard let phone = parameters["PhoneNumbers"], !phone.isEmpty, phone.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              parameters["SignName"]?.isEmpty == false, parameters["TemplateCode"]?.isEmpty == false,
              let templateParam = parameters["TemplateParam"],
              (try? JSONSerialization.jsonObject(with: Data(templateParam.utf8))) is [String: Any]
        else { return Self.reply(200, code: "isv.MOBILE_NUMBER_ILLEGAL", message: "非法手机号") }
        let attempt = ledger.request(to: phone)
        switch configuration.faults(phone, attempt) {
        case .serverError?:
            return Self.reply(500, code: "isp.SYSTEM_ERROR", message: "系统错误")
        case .throttled?:
            return Self.reply(200, code: "isv.BUSINESS_LIMIT_CONTROL", message: "触发分钟级流控Permits:1")
        case .invalidRecipient?, .optedOut?:
            return Self.reply(200, code: "isv.MOBILE_NUMBER_ILLEGAL", message: "非法手机号")
        case .badRequest?:
            return Self.reply(200, code: "isv.SMS_TEMPLATE_ILLEGAL", message: "模板不合法(不存在或被拉黑)")
        case nil:
            break
        }
        ledger.recordAccepted(to: phone)
        let number = sequence.add(1, ordering: .relaxed).newValue
        let bizID = "\(900_000_000_000_000 + number)^0"
        if let reportURL = configuration.reportURL {
            let report = AliyunSmsReport(
                phoneNumber: phone, success: true, errCode: "DELIVERED", errMsg: "用户接收成功", bizID: bizID,
                outID: parameters["OutId"], sendTime: Self.chinaTime(), reportTime: Self.chinaTime())
            poster.later(configuration.reportDelay) { [poster] in
                await poster.post(url: reportURL, contentType: "application/json", body: "[" + report.encoded() + "]")
            }
        }
        return Response(
            status: .ok, headers: [.contentType: "application/json;charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: #"{"Message":"OK","RequestId":"\#(UUID().uuidString)","BizId":"\#(bizID)","Code":"OK"}"#)))
    }

    static func reply(_ status: Int, code: String, message: String) -> Response {
        Response(
            status: .init(code: status), headers: [.contentType: "application/json;charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: #"{"Message":\#(JSONText.quoted(message)),"RequestId":"\#(UUID().uuidString)","Code":"\#(code)"}"#)))
    }

    /// Report times are Beijing time, `yyyy-MM-dd HH:mm:ss`.
    static func chinaTime() -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date())
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }
}
