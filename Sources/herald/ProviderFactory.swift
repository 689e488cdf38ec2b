import AliyunAdapter
import APNsAdapter
import AsyncHTTPClient
import FCMAdapter
import Foundation
import HeraldCore
import HeraldDispatch
import HeraldProviders
import HeraldRedis
import HeraldSimulators
import SendGridAdapter
import SMTPAdapter
import TwilioAdapter
import WebhookAdapter
import WeChatAdapter

/// Builds each channel's providers from the configuration, in the order
/// `HERALD_<CHANNEL>_PROVIDERS` names them. A provider whose credentials are
/// not configured talks to Herald's simulator with the simulator's
/// credentials, so `herald serve` works with no configuration at all.
struct ProviderFactory {
    let config: HeraldConfiguration
    let client: ProviderHTTPClient
    let redis: RedisClient
    let publicURL: String
    let unsubscribeLinks: UnsubscribeLinks

    static let defaults: [Channel: String] = [.sms: "twilio", .email: "sendgrid", .push: "fcm,apns", .wechat: "wechat"]
    static let known: [Channel: Set<String>] = [
        .sms: ["twilio", "aliyun"], .email: ["sendgrid", "smtp"], .push: ["fcm", "apns"], .wechat: ["wechat"],
    ]

    /// The provider names configured for a channel, checked against those Herald has.
    static func names(_ channel: Channel, in config: HeraldConfiguration) throws -> [String] {
        let key = "HERALD_\(channel.rawValue.uppercased())_PROVIDERS"
        let names = (config.string(key) ?? defaults[channel] ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for name in names where !(known[channel]?.contains(name) ?? false) {
            throw ConfigurationError("\(key): unknown provider '\(name)'; expected one of "
                + (known[channel] ?? []).sorted().joined(separator: ", "))
        }
        return names
    }

    /// Every provider, plus the HTTP clients made for them (to shut down at exit).
    func make() throws -> (providers: [any ChannelProvider], clients: [HTTPClient]) {
        var providers: [any ChannelProvider] = []
        var clients: [HTTPClient] = []
        for channel in [Channel.sms, .email, .push, .wechat] {
            for name in try Self.names(channel, in: config) {
                switch name {
                case "twilio": providers.append(try twilio())
                case "aliyun": providers.append(try aliyun())
                case "sendgrid": providers.append(try sendgrid())
                case "smtp": providers.append(try smtp())
                case "fcm": providers.append(try fcm())
                case "apns":
                    let (provider, apnsClient) = try apns()
                    providers.append(provider)
                    clients.append(apnsClient)
                case "wechat": providers.append(try wechat())
                default: break
                }
            }
        }
        providers.append(WebhookProvider(secret: config.webhookSecret ?? SimulatorCredentials.webhookSecret, client: client))
        return (providers, clients)
    }

    func twilio() throws -> TwilioProvider {
        let twilio = try config.twilio()
        return TwilioProvider(
            configuration: TwilioConfiguration(
                baseURL: twilio.baseURL, accountSID: twilio.accountSID, authToken: twilio.authToken, from: twilio.from,
                statusCallbackURL: publicURL + "/v1/receipts/twilio"),
            client: client)
    }

    func aliyun() throws -> AliyunSMSProvider {
        let simulated = config.usesAliyunSimulator
        let simulator = try config.simulatorURL()
        return AliyunSMSProvider(
            configuration: AliyunConfiguration(
                endpoint: config.string("HERALD_ALIYUN_ENDPOINT") ?? (simulated ? simulator : "https://dysmsapi.aliyuncs.com"),
                accessKeyID: config.string("HERALD_ALIYUN_ACCESS_KEY_ID") ?? SimulatorCredentials.aliyunAccessKeyID,
                accessKeySecret: try required("HERALD_ALIYUN_ACCESS_KEY_SECRET", simulated, SimulatorCredentials.aliyunAccessKeySecret),
                signName: config.string("HERALD_ALIYUN_SIGN_NAME") ?? "Herald",
                templateCode: try required("HERALD_ALIYUN_TEMPLATE_CODE", simulated, "SMS_000000")),
            client: client)
    }

    func sendgrid() throws -> SendGridProvider {
        let simulated = config.usesSendGridSimulator
        let simulator = try config.simulatorURL()
        return SendGridProvider(
            configuration: SendGridConfiguration(
                baseURL: config.string("HERALD_SENDGRID_BASE_URL") ?? (simulated ? simulator : "https://api.sendgrid.com"),
                apiKey: config.string("HERALD_SENDGRID_API_KEY") ?? SimulatorCredentials.sendgridAPIKey,
                fromAddress: try required("HERALD_EMAIL_FROM", simulated, "herald@example.com"),
                fromName: config.string("HERALD_EMAIL_FROM_NAME"), unsubscribeLinks: unsubscribeLinks),
            client: client)
    }

    func smtp() throws -> SMTPProvider {
        guard let url = config.string("HERALD_SMTP_URL"), url.hasPrefix("smtp://") || url.hasPrefix("smtps://") else {
            throw ConfigurationError("the smtp provider needs HERALD_SMTP_URL (smtp://host:port or smtps://host:port)")
        }
        return SMTPProvider(configuration: SMTPConfiguration(
            url: url, username: config.string("HERALD_SMTP_USERNAME"), password: config.string("HERALD_SMTP_PASSWORD"),
            fromAddress: try required("HERALD_EMAIL_FROM", false, ""), fromName: config.string("HERALD_EMAIL_FROM_NAME"),
            requireTLS: config.string("HERALD_SMTP_REQUIRE_TLS") == "true", caFile: config.string("HERALD_SMTP_CA_FILE"),
            unsubscribeLinks: unsubscribeLinks))
    }

    func fcm() throws -> FCMProvider {
        if let path = config.string("HERALD_FCM_SERVICE_ACCOUNT_FILE") {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ConfigurationError("HERALD_FCM_SERVICE_ACCOUNT_FILE: cannot read \(path)")
            }
            let account = try FCMServiceAccount.parse(data)
            return try FCMProvider(
                account: account, baseURL: config.string("HERALD_FCM_BASE_URL") ?? "https://fcm.googleapis.com", client: client)
        }
        let simulator = try config.simulatorURL()
        let account = FCMServiceAccount(
            projectID: SimulatorCredentials.fcmProjectID, privateKeyID: "simulator",
            privateKey: SimulatorCredentials.fcmPrivateKeyPEM, clientEmail: SimulatorCredentials.fcmClientEmail,
            tokenURI: simulator + "/token")
        return try FCMProvider(account: account, baseURL: simulator, client: client)
    }

    func apns() throws -> (APNsProvider, HTTPClient) {
        let configuration: APNsConfiguration
        if let keyFile = config.string("HERALD_APNS_KEY_FILE") {
            guard let key = try? String(contentsOfFile: keyFile, encoding: .utf8) else {
                throw ConfigurationError("HERALD_APNS_KEY_FILE: cannot read \(keyFile)")
            }
            let roots = try config.string("HERALD_APNS_TRUST_ROOTS_FILE").map { path in
                guard let pem = try? String(contentsOfFile: path, encoding: .utf8) else {
                    throw ConfigurationError("HERALD_APNS_TRUST_ROOTS_FILE: cannot read \(path)")
                }
                return pem
            }
            configuration = APNsConfiguration(
                baseURL: config.string("HERALD_APNS_BASE_URL") ?? "https://api.push.apple.com",
                teamID: try required("HERALD_APNS_TEAM_ID", false, ""), keyID: try required("HERALD_APNS_KEY_ID", false, ""),
                privateKeyPEM: key, topic: try required("HERALD_APNS_TOPIC", false, ""), trustRootsPEM: roots)
        } else {
            configuration = APNsConfiguration(
                baseURL: try config.apnsSimulatorURL(), teamID: SimulatorCredentials.apnsTeamID,
                keyID: SimulatorCredentials.apnsKeyID, privateKeyPEM: SimulatorCredentials.apnsKey.pemRepresentation,
                topic: SimulatorCredentials.apnsTopic, trustRootsPEM: SimulatorTLS.certificatePEM)
        }
        let apnsClient = try APNsProvider.makeClient(configuration: configuration)
        do {
            return (try APNsProvider(configuration: configuration, client: apnsClient), apnsClient)
        } catch {
            try? apnsClient.syncShutdown()
            throw error
        }
    }

    func wechat() throws -> WeChatProvider {
        let simulated = config.usesWeChatSimulator
        let simulator = try config.simulatorURL()
        return WeChatProvider(
            configuration: WeChatConfiguration(
                baseURL: config.string("HERALD_WECHAT_BASE_URL") ?? (simulated ? simulator : "https://api.weixin.qq.com"),
                appID: config.string("HERALD_WECHAT_APP_ID") ?? SimulatorCredentials.wechatAppID,
                appSecret: try required("HERALD_WECHAT_APP_SECRET", simulated, SimulatorCredentials.wechatAppSecret),
                defaultTemplateID: config.string("HERALD_WECHAT_TEMPLATE_ID") ?? (simulated ? "TM00001" : nil)),
            client: client, sharedTokens: RedisTokenStore(redis: redis))
    }

    /// A setting a real provider needs; the simulator's value when simulated.
    private func required(_ key: String, _ simulated: Bool, _ simulatorValue: String) throws -> String {
        if let value = config.string(key) { return value }
        if simulated { return simulatorValue }
        throw ConfigurationError("\(key) is required when the provider's account is configured")
    }
}
