import Foundation
import HeraldCore
import HeraldProviders
import HeraldSimulators
import Hummingbird
import NIOCore
import Synchronization

/// Aliyun DirectMail's RPC API on loopback, under `/directmail` (Aliyun SMS's
/// simulator has the shared listener's `/`): a form POST checked as Alibaba
/// Cloud's gateway checks it (`AliyunRPCGate`: AccessKeyId, HMAC-SHA1
/// signature, timestamp, nonce), then SingleSendMail's parameters as the
/// docs state them, answering `{"EnvId","RequestId"}` or DirectMail's error
/// body `{"RequestId","HostId","Code","Message"}` with its HTTP status. It
/// also answers DescAccountSummary, whose `UserStatus` a test may set. It
/// posts nothing back, as DirectMail posts nothing over HTTP.
public final class DirectMailSimulator: SimulatedProvider {
    /// `directmail`, its key in `GET /sim/stats`.
    public let name = DirectMailRegistration.name
    /// Where the simulator answers on the shared listener: the sandbox's endpoint is the listener's URL plus this.
    public static let path = "/directmail"

    /// The simulated account and how the run wants it to behave.
    public struct Configuration: Sendable {
        /// The account's AccessKey ID.
        public var accessKeyID: String
        /// The secret requests must be signed with.
        public var accessKeySecret: String
        /// Added before every reply.
        public var latency: Duration
        /// The faults to answer SingleSendMail with.
        public var faults: FaultRule

        /// The account `accessKeyID`, answering without delay or faults unless told.
        public init(accessKeyID: String, accessKeySecret: String, latency: Duration = .zero,
                    faults: @escaping FaultRule = { _, _ in nil })
        {
            self.accessKeyID = accessKeyID
            self.accessKeySecret = accessKeySecret
            self.latency = latency
            self.faults = faults
        }
    }

    /// The simulated account and behaviour.
    public let configuration: Configuration
    /// What it received and accepted.
    public let ledger: SimulatorLedger
    /// The RPC gateway's checks, shared with Aliyun SMS's simulator.
    let gate: AliyunRPCGate
    private let sequence = Atomic<Int>(0)
    private let userStatus = Atomic<Int>(0)

    /// A simulator of `configuration`'s account, recording into `ledger` (its
    /// kept payloads are the form bodies of accepted sends).
    public init(configuration: Configuration, ledger: SimulatorLedger = SimulatorLedger()) {
        self.configuration = configuration
        self.ledger = ledger
        self.gate = AliyunRPCGate(accessKeyID: configuration.accessKeyID, accessKeySecret: configuration.accessKeySecret)
    }

    /// Sets the account's `UserStatus` (0 normal; flags 1 frozen, 2 in arrears,
    /// 4 outbound restricted, 8 deleted): DescAccountSummary reports it, and
    /// SingleSendMail refuses with `InvalidSendMail.Spam` while it is not 0.
    public func setUserStatus(_ status: Int) {
        userStatus.store(status, ordering: .relaxed)
    }

    /// Mounts its one RPC route, `POST /directmail`.
    public func register(on router: Router<BasicRequestContext>) {
        router.post(RouterPath(String(Self.path.dropFirst())), use: call)
    }

    /// One RPC call: the gateway's checks, then the action.
    @Sendable func call(_ request: Request, context: BasicRequestContext) async throws -> Response {
        if configuration.latency > .zero { try await Task.sleep(for: configuration.latency) }
        let body = try await request.body.collect(upTo: 8 << 20)
        let parameters: [String: String]
        switch gate.admit(body) {
        case .success(let admitted): parameters = admitted
        case .failure(.signatureMismatch):
            // DirectMail's error table names this refusal `Signature`.
            return Self.error(400, "Signature", "Specified signature is not matched with our calculation.")
        case .failure(let refusal): return Self.error(refusal.status, refusal.code, refusal.message)
        }
        guard parameters["Version"] == DirectMailConfiguration.version else {
            return Self.error(400, "NoSuchVersion", "Specified api version is not valid.")
        }
        switch parameters["Action"] {
        case "SingleSendMail": return singleSendMail(parameters, body: body)
        case "DescAccountSummary": return Self.json(200, summary())
        default: return Self.error(400, "InvalidAction.NotFound", "Specified api is not found.")
        }
    }

    /// SingleSendMail: its parameters, the run's faults and the account's status decide the answer.
    func singleSendMail(_ parameters: [String: String], body: ByteBuffer) -> Response {
        if let refusal = DirectMailSimulator.refusal(of: parameters) { return refusal }
        let to = parameters["ToAddress"] ?? ""
        let attempt = ledger.request(to: to)
        switch configuration.faults(to, attempt) {
        case .serverError?:
            return Self.error(503, "ServiceUnavailable", "The request has failed due to a temporary failure of the server.")
        case .throttled?:
            return Self.error(400, "InvalidSendMail.Spam", "Sendmail rejected by spam filter.")
        case .invalidRecipient?, .optedOut?:
            return Self.error(400, "InvalidToAddress.Spam", "Sendmail rejected by invalid address.")
        case .badRequest?:
            return Self.error(404, "InvalidMailAddress.NotFound", "The specified mailAddress does not exist.")
        case nil:
            break
        }
        guard userStatus.load(ordering: .relaxed) == 0 else {
            return Self.error(400, "InvalidSendMail.Spam", "Sendmail rejected by spam filter.")
        }
        ledger.recordAccepted(to: to)
        ledger.keep(String(decoding: body.readableBytesView, as: UTF8.self), for: to)
        let envID = String(600_000_000_000 + sequence.add(1, ordering: .relaxed).newValue)
        return Self.json(200, #"{"EnvId":"\#(envID)","RequestId":"\#(UUID().uuidString)"}"#)
    }

    /// DescAccountSummary's reply for the simulated account.
    func summary() -> String {
        #"{"DailyQuota":2000,"MonthQuota":60000,"RemainFreeQuota":1910,"DailyRemainFreeQuota":100,"QuotaLevel":2,"#
            + #""MaxQuotaLevel":2,"Domains":1,"MailAddresses":1,"Templates":0,"Tags":0,"IpChannelType":0,"#
            + #""UserStatus":\#(userStatus.load(ordering: .relaxed)),"RequestId":"\#(UUID().uuidString)"}"#
    }

    /// DirectMail's error body.
    static func error(_ status: Int, _ code: String, _ message: String) -> Response {
        json(status, #"{"RequestId":"\#(UUID().uuidString)","HostId":"dm.aliyuncs.com","Code":"\#(code)","Message":\#(JSONText.quoted(message))}"#)
    }

    /// A JSON reply as DirectMail sends it.
    static func json(_ status: Int, _ body: String) -> Response {
        Response(
            status: .init(code: status), headers: [.contentType: "application/json;charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
