import HeraldCore
import HeraldProviders

/// Aliyun SMS: SendSms, and the SmsReport and SmsUp pushes (authenticated by a secret token in their URLs).
public enum AliyunRegistration: ProviderRegistration {
    public static let name = "aliyun"
    public static let channel = Channel.sms
    public static let credentialKeys = ["HERALD_ALIYUN_ACCESS_KEY_ID", "HERALD_ALIYUN_ACCESS_KEY_SECRET",
                                        "HERALD_ALIYUN_RECEIPT_TOKEN"]
    public static let settingKeys = credentialKeys + ["HERALD_ALIYUN_ENDPOINT", "HERALD_ALIYUN_SIGN_NAME",
                                                      "HERALD_ALIYUN_TEMPLATE_CODE"]
    /// The sandbox sends SMS through Twilio's simulator unless `HERALD_SMS_PROVIDERS` names Aliyun.
    public static let isSandboxDefault = false

    public static func makeProvider(_ context: ProviderContext) throws -> any ChannelProvider {
        let settings = context.settings
        let configuration: AliyunConfiguration
        if let sandbox = context.sandbox {
            configuration = AliyunConfiguration(
                endpoint: settings.string("HERALD_ALIYUN_ENDPOINT") ?? sandbox.simulatorURL,
                accessKeyID: SandboxSecrets.aliyunAccessKeyID, accessKeySecret: sandbox.secrets.aliyunAccessKeySecret,
                signName: settings.string("HERALD_ALIYUN_SIGN_NAME") ?? "Herald",
                templateCode: settings.string("HERALD_ALIYUN_TEMPLATE_CODE") ?? "SMS_000000")
        } else {
            configuration = AliyunConfiguration(
                endpoint: settings.string("HERALD_ALIYUN_ENDPOINT") ?? "https://dysmsapi.aliyuncs.com",
                accessKeyID: try settings.required("HERALD_ALIYUN_ACCESS_KEY_ID", for: name),
                accessKeySecret: try settings.required("HERALD_ALIYUN_ACCESS_KEY_SECRET", for: name),
                signName: settings.string("HERALD_ALIYUN_SIGN_NAME") ?? "Herald",
                templateCode: try settings.required("HERALD_ALIYUN_TEMPLATE_CODE", for: name))
        }
        return AliyunSMSProvider(configuration: configuration, client: context.client)
    }

    public static func makeWebhook(_ context: ProviderContext) throws -> (any ProviderWebhook)? {
        if let sandbox = context.sandbox { return AliyunWebhook(receiptToken: sandbox.secrets.aliyunReceiptToken) }
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
