/// A push recipient that belongs to Umeng U-Push (友盟推送), written
/// `umeng:android:<device_token>` or `umeng:ios:<device_token>`.
///
/// Push picks its provider by the recipient (`ChannelProvider.canDeliver`),
/// and an Umeng device token cannot be told apart by its shape: an Android one
/// is 44 characters, which FCM would take, and an iOS one is the 64 hex digits
/// APNs would take. Umeng also has one appkey per platform, so the recipient
/// says both which provider and which of its apps: FCM and APNs refuse it, the
/// Umeng provider takes nothing else. Suppressions key on the whole `to`.
public struct UmengPushAddress: Sendable, Equatable {
    /// The Umeng app a device token was issued by: Umeng has one appkey (and App Master Secret) per platform.
    public enum Platform: String, Sendable, CaseIterable {
        case android
        case ios
    }

    /// What every Umeng recipient starts with.
    public static let prefix = "umeng:"
    /// Device token lengths accepted: Umeng documents 44 characters on Android
    /// and 64 on iOS; the bounds leave room without admitting junk.
    public static let tokenLengths = 16...128

    /// Which of the two Umeng apps issued the token, so which appkey and secret send to it.
    public let platform: Platform
    /// The token Umeng's SDK reported on the device, sent as `device_tokens`.
    public let deviceToken: String

    /// The address `recipient` spells, or nil when it is not a valid Umeng recipient.
    public init?(_ recipient: String) {
        guard Self.isUmeng(recipient), Self.problem(with: recipient) == nil else { return nil }
        let parts = recipient.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        platform = Platform(rawValue: String(parts[1]))!
        deviceToken = String(parts[2])
    }

    /// Whether `recipient` claims to be an Umeng one (its prefix, in any case):
    /// then only Umeng may take it, valid or not.
    public static func isUmeng(_ recipient: String) -> Bool {
        recipient.utf8.count >= Self.prefix.utf8.count && recipient.prefix(Self.prefix.count).lowercased() == Self.prefix
    }

    /// Why `recipient` is not a valid Umeng recipient, for a 422 naming `to`;
    /// nil when it is valid or does not claim to be one.
    public static func problem(with recipient: String) -> String? {
        guard isUmeng(recipient) else { return nil }
        let parts = recipient.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        let form = "an Umeng recipient is umeng:android:<device_token> or umeng:ios:<device_token>"
        guard parts.count == 3, parts[0] == "umeng" else { return form }
        guard Platform(rawValue: String(parts[1])) != nil else {
            return "unknown Umeng platform '\(parts[1].prefix(16))'; " + form
        }
        let token = parts[2].utf8
        guard tokenLengths.contains(token.count), token.allSatisfy(isTokenByte) else {
            return "an Umeng device token is \(tokenLengths.lowerBound) to \(tokenLengths.upperBound) letters, digits, '-' or '_'"
        }
        return nil
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }
}
