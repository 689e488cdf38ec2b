import HeraldProviders
import Hummingbird
import Logging

/// Every provider simulator with the sandbox's credentials: the HTTP ones on
/// one port, APNs (HTTP/2 over TLS) on the next. Receipts go to `heraldURL`.
/// The sandbox serves it beside Herald; `herald-bench simulate` serves it alone.
public struct SimulatorSuite {
    public var heraldURL: String
    public var secrets: SandboxSecrets
    public var latency: Duration = .zero
    public var callbackDelay: Duration = .milliseconds(200)
    public var twilioStatuses = ["sent", "delivered"]
    public var faults = RandomFaults()

    public init(heraldURL: String, secrets: SandboxSecrets, latency: Duration = .zero,
                callbackDelay: Duration = .milliseconds(200), twilioStatuses: [String] = ["sent", "delivered"],
                faults: RandomFaults = RandomFaults())
    {
        self.heraldURL = heraldURL
        self.secrets = secrets
        self.latency = latency
        self.callbackDelay = callbackDelay
        self.twilioStatuses = twilioStatuses
        self.faults = faults
    }

    public func http(port: Int, client: ProviderHTTPClient, logger: Logger,
              onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> some ApplicationProtocol
    {
        let simulators: [any SimulatedProvider] = [
            TwilioSimulator(
                configuration: .init(
                    accountSID: SandboxSecrets.twilioAccountSID, authToken: secrets.twilioAuthToken,
                    latency: latency, callbackDelay: callbackDelay, callbackStatuses: twilioStatuses,
                    faults: faults.rule(for: "twilio")),
                client: client),
            WebhookSink(secret: secrets.webhookSecret),
            AliyunSimulator(
                configuration: .init(
                    accessKeyID: SandboxSecrets.aliyunAccessKeyID, accessKeySecret: secrets.aliyunAccessKeySecret,
                    reportURL: heraldURL + "/v1/receipts/aliyun?token=" + secrets.aliyunReceiptToken,
                    reportDelay: callbackDelay, latency: latency, faults: faults.rule(for: "aliyun")),
                client: client),
            SendGridSimulator(
                configuration: .init(
                    apiKey: secrets.sendgridAPIKey, eventURL: heraldURL + "/v1/receipts/sendgrid",
                    eventDelay: callbackDelay, signingKey: try secrets.sendgridPrivateKey, latency: latency,
                    faults: faults.rule(for: "sendgrid")),
                client: client),
            WeChatSimulator(
                configuration: .init(
                    appID: SandboxSecrets.wechatAppID, appSecret: secrets.wechatAppSecret,
                    serverToken: secrets.wechatServerToken, eventURL: heraldURL + "/v1/receipts/wechat",
                    eventDelay: callbackDelay, latency: latency, faults: faults.rule(for: "wechat")),
                client: client),
            FCMSimulator(
                configuration: .init(
                    projectID: SandboxSecrets.fcmProjectID, clientEmail: SandboxSecrets.fcmClientEmail,
                    publicKey: try secrets.fcmPrivateKey.publicKey, tokenURI: "http://127.0.0.1:\(port)/token",
                    latency: latency, faults: faults.rule(for: "fcm"))),
        ]
        return try SimulatorServer(simulators).application(port: port, logger: logger, onServerRunning: onRunning)
    }

    public func apns(port: Int, logger: Logger) throws -> some ApplicationProtocol {
        let simulator = APNsSimulator(
            configuration: .init(
                teamID: SandboxSecrets.apnsTeamID, keyID: SandboxSecrets.apnsKeyID,
                publicKey: try secrets.apnsPrivateKey.publicKey, topic: SandboxSecrets.apnsTopic,
                latency: latency, faults: faults.rule(for: "apns")))
        return try SimulatorServer([simulator]).application(port: port, logger: logger, tls: try SimulatorTLS.serverConfiguration())
    }
}
