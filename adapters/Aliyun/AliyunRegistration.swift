import HeraldCore
import HeraldProviders
import HeraldSimulators

/// Aliyun SMS: SendSms, and the SmsReport and SmsUp pushes (authenticated by a secret token in their URLs).
public enum AliyunRegistration: SimulatedRegistration {
    public static let name = "aliyun"
    public static let channel = Channel.sms
    public static let credentialKeys = ["HERALD_ALIYUN_ACCESS_KEY_ID", "HERALD_ALIYUN_ACCESS_KEY_SECRET",
                                        "HERALD_ALIYUN_RECEIPT_TOKEN"]
    public static let settingKeys = credentialKeys + ["HERALD_ALIYUN_ENDPOINT", "HERALD_ALIYUN_SIGN_NAME",
                                                      "HERALD_ALIYUN_TEMPLATE_CODE", "HERALD_ALIYUN_AMBIGUOUS_RETRY_SECONDS"]
    /// The sandbox sends SMS through Twilio's simulator unless `HERALD_SMS_PROVIDERS` names Aliyun.
    public static let isSandboxDefault = false
    /// The simulated account's AccessKey ID: an identifier, not a secret.
    public static let sandboxAccessKeyID = "LTAIsimulator"

    public static func drawSandboxSecrets() throws -> [String: String] {
        ["access_key_secret": SandboxSecrets.randomToken(), "receipt_token": SandboxSecrets.randomToken()]
    }

    public static func makeSimulator(_ context: SimulatorContext) throws -> any SimulatedProvider {
        AliyunSimulator(
            configuration: .init(
                accessKeyID: sandboxAccessKeyID, accessKeySecret: context.secrets["access_key_secret"],
                reportURL: context.heraldURL + "/v1/receipts/aliyun?token=" + context.secrets["receipt_token"],
                reportDelay: context.callbackDelay, latency: context.latency, faults: context.faults),
            client: context.client, ledger: context.ledger())
    }

    public static func makeProvider(_ context: ProviderContext) throws -> any ChannelProvider {
        let settings = context.settings
        let configuration: AliyunConfiguration
        if let sandbox = context.sandbox {
            configuration = AliyunConfiguration(
                endpoint: settings.string("HERALD_ALIYUN_ENDPOINT") ?? sandbox.simulatorURL,
                accessKeyID: sandboxAccessKeyID, accessKeySecret: sandbox.secrets(of: self)["access_key_secret"],
                signName: settings.string("HERALD_ALIYUN_SIGN_NAME") ?? "Herald",
                templateCode: settings.string("HERALD_ALIYUN_TEMPLATE_CODE") ?? "SMS_000000",
                ambiguousRetryMillis: try ambiguousRetryMillis(settings))
        } else {
            configuration = AliyunConfiguration(
                endpoint: settings.string("HERALD_ALIYUN_ENDPOINT") ?? "https://dysmsapi.aliyuncs.com",
                accessKeyID: try settings.required("HERALD_ALIYUN_ACCESS_KEY_ID", for: name),
                accessKeySecret: try settings.required("HERALD_ALIYUN_ACCESS_KEY_SECRET", for: name),
                signName: settings.string("HERALD_ALIYUN_SIGN_NAME") ?? "Herald",
                templateCode: try settings.required("HERALD_ALIYUN_TEMPLATE_CODE", for: name),
                ambiguousRetryMillis: try ambiguousRetryMillis(settings))
        }
        return AliyunSMSProvider(configuration: configuration, client: context.client)
    }

    /// How long a send whose outcome is unknown (the connection dropped after
    /// the request went out) waits before it is tried again: long enough for
    /// its SmsReport to arrive and settle it first. Ten minutes unless set.
    static func ambiguousRetryMillis(_ settings: ProviderSettings) throws -> Int64 {
        guard let text = settings.string("HERALD_ALIYUN_AMBIGUOUS_RETRY_SECONDS") else { return 600_000 }
        guard let seconds = Int64(text), seconds > 0, seconds <= 86_400 else {
            throw ProviderConfigurationError("HERALD_ALIYUN_AMBIGUOUS_RETRY_SECONDS must be a whole number of seconds from 1 to 86400")
        }
        return seconds * 1_000
    }

    public static func makeWebhook(_ context: ProviderContext) throws -> (any ProviderWebhook)? {
        if let sandbox = context.sandbox { return AliyunWebhook(receiptToken: sandbox.secrets(of: self)["receipt_token"]) }
        guard let token = context.settings.string("HERALD_ALIYUN_RECEIPT_TOKEN") else {
            context.warn("aliyun: no HERALD_ALIYUN_RECEIPT_TOKEN, so /v1/receipts/aliyun and /v1/inbound/aliyun answer 404")
            return nil
        }
        guard token.utf8.count >= 16 else {
            throw ProviderConfigurationError("HERALD_ALIYUN_RECEIPT_TOKEN must be at least 16 characters (it is the only proof a push comes from Aliyun)")
        }
        return AliyunWebhook(receiptToken: token)
    }
}
