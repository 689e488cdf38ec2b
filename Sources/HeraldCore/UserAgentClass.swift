/// What kind of client fetched a short link. Link previews (messaging apps,
/// social bots) and mail security scanners fetch links nobody clicked, so
/// they are redirected like anyone but counted as `preview`, not as clicks.
public enum UserAgentClass: String, Sendable, CaseIterable {
    case preview, mobile, desktop, other

    /// Substrings (lowercased) of the user agents of preview fetchers and scanners.
    static let previewMarkers = [
        "whatsapp", "facebookexternalhit", "facebot", "facebookcatalog", "slackbot", "slack-imgproxy", "telegrambot",
        "twitterbot", "discordbot", "linkedinbot", "skypeuripreview", "pinterest", "redditbot", "vkshare", "embedly",
        "quora link preview", "iframely", "tumblr", "bitlybot", "snapchat", "line/", "kakaotalk-scrap", "viber",
        "wechat-preview", "googlebot", "bingbot", "bingpreview", "applebot", "yandexbot", "duckduckbot", "baiduspider",
        "google-safety", "google-inspectiontool", "microsoft office", "ms-office", "microsoftpreview", "outlook-",
        "barracuda", "mimecast", "proofpoint", "symantec", "trendmicro", "forcepoint", "zscaler", "fireeye",
        "safelinks", "sophos", "cisco", "ironport", "bot/", "bot;", "crawler", "spider", "preview", "scanner",
        "headlesschrome", "python-requests", "go-http-client", "curl/", "wget/",
    ]

    /// The class of a request's `User-Agent`; a `HEAD` request is a preview
    /// (browsers following a link send GET). A missing agent is a scanner.
    public static func of(userAgent: String?, isHead: Bool = false) -> UserAgentClass {
        guard !isHead, let userAgent, !userAgent.isEmpty else { return .preview }
        let agent = userAgent.lowercased()
        if previewMarkers.contains(where: { agent.contains($0) }) { return .preview }
        if agent.contains("mobile") || agent.contains("android") || agent.contains("iphone") || agent.contains("ipad") {
            return .mobile
        }
        if agent.contains("windows") || agent.contains("macintosh") || agent.contains("x11") || agent.contains("cros") {
            return .desktop
        }
        return .other
    }
}
