import HeraldCore
import HeraldProviders

/// Email through any SMTP server (libcurl). There is no SMTP simulator, so it
/// is available only when `HERALD_SMTP_URL` is configured.
public enum SMTPRegistration: ProviderRegistration {
    public static let name = "smtp"
    public static let channel = Channel.email
    /// It posts nothing back to Herald: outcomes come in its replies.
    public static let postsReceipts = false
    public static let credentialKeys = ["HERALD_SMTP_URL"]
    public static let settingKeys = credentialKeys + ["HERALD_SMTP_USERNAME", "HERALD_SMTP_PASSWORD", "HERALD_EMAIL_FROM",
                                                      "HERALD_EMAIL_FROM_NAME", "HERALD_SMTP_REQUIRE_TLS", "HERALD_SMTP_CA_FILE"]
    public static let hasSimulator = false

    public static func makeProvider(_ context: ProviderContext) throws -> any ChannelProvider {
        let settings = context.settings
        guard let url = settings.string("HERALD_SMTP_URL"), url.hasPrefix("smtp://") || url.hasPrefix("smtps://") else {
            throw ProviderConfigurationError("the smtp provider needs HERALD_SMTP_URL (smtp://host:port or smtps://host:port)")
        }
        return SMTPProvider(configuration: SMTPConfiguration(
            url: url, username: settings.string("HERALD_SMTP_USERNAME"), password: settings.string("HERALD_SMTP_PASSWORD"),
            fromAddress: try settings.required("HERALD_EMAIL_FROM", for: name),
            fromName: settings.string("HERALD_EMAIL_FROM_NAME"),
            requireTLS: settings.string("HERALD_SMTP_REQUIRE_TLS") == "true", caFile: settings.string("HERALD_SMTP_CA_FILE"),
            unsubscribeLinks: context.unsubscribeLinks))
    }
}
