import HeraldProviders
import HeraldSimulators
import Hummingbird
import Logging

/// Every provider simulator with the simulator credentials: the HTTP ones on
/// one port, APNs (HTTP/2 over TLS) on the next. Receipts go to `heraldURL`.
struct SimulatorSuite {
    var heraldURL: String
    var latency: Duration = .zero
    var callbackDelay: Duration = .milliseconds(200)
    var twilioStatuses = ["sent", "delivered"]
    var faults: FaultRule = { _, _ in nil }
    var webhookSecret = SimulatorCredentials.webhookSecret

    func http(port: Int, client: ProviderHTTPClient, logger: Logger,
              onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> some ApplicationProtocol
    {
        let simulators: [any SimulatedProvider] = [
            TwilioSimulator(
                configuration: .init(
                    accountSID: SimulatorCredentials.twilioAccountSID, authToken: SimulatorCredentials.twilioAuthToken,
                    latency: latency, callbackDelay: callbackDelay, callbackStatuses: twilioStatuses, faults: faults),
                client: client),
            WebhookSink(secret: webhookSecret),
            AliyunSimulator(
                configuration: .init(
                    accessKeyID: SimulatorCredentials.aliyunAccessKeyID, accessKeySecret: SimulatorCredentials.aliyunAccessKeySecret,
                    reportURL: heraldURL + "/v1/receipts/aliyun?token=" + SimulatorCredentials.aliyunReceiptToken,
                    reportDelay: callbackDelay, latency: latency, faults: faults),
                client: client),
            SendGridSimulator(
                configuration: .init(
                    apiKey: SimulatorCredentials.sendgridAPIKey, eventURL: heraldURL + "/v1/receipts/sendgrid",
                    eventDelay: callbackDelay, signingKey: SimulatorCredentials.sendgridSigningKey, latency: latency,
                    faults: faults),
                client: client),
            WeChatSimulator(
                configuration: .init(
                    appID: SimulatorCredentials.wechatAppID, appSecret: SimulatorCredentials.wechatAppSecret,
                    serverToken: SimulatorCredentials.wechatServerToken, eventURL: heraldURL + "/v1/receipts/wechat",
                    eventDelay: callbackDelay, latency: latency, faults: faults),
                client: client),
            FCMSimulator(
                configuration: .init(
                    projectID: SimulatorCredentials.fcmProjectID, clientEmail: SimulatorCredentials.fcmClientEmail,
                    publicKey: SimulatorCredentials.fcmPublicKey, tokenURI: "http://127.0.0.1:\(port)/token",
                    latency: latency, faults: faults)),
        ]
        return try SimulatorServer(simulators).application(port: port, logger: logger, onServerRunning: onRunning)
    }

    func apns(port: Int, logger: Logger) throws -> some ApplicationProtocol {
        let simulator = APNsSimulator(
            configuration: .init(
                teamID: SimulatorCredentials.apnsTeamID, keyID: SimulatorCredentials.apnsKeyID,
                publicKey: SimulatorCredentials.apnsKey.publicKey, topic: SimulatorCredentials.apnsTopic,
                latency: latency, faults: faults))
        return try SimulatorServer([simulator]).application(port: port, logger: logger, tls: try SimulatorTLS.serverConfiguration())
    }
}
