import HeraldCore

/// `link_create.lua` as one typed call: a short link's hash created unless
/// its code is taken (a fresh random code colliding is astronomically
/// unlikely, but a link is never overwritten).
public enum LinkTransition {
    /// What the script answers.
    public enum Reply: Int, Equatable, IntegerReply {
        /// Stored under its code.
        case created = 1
        /// A link with that code exists; nothing was written (the caller draws another code).
        case codeTaken = 0

        static let script = "link_create.lua"
    }

    /// The call creating the link `code` to `url` (of `messageID`, "" for
    /// none); its key lives `keyTTLSeconds`: past `expiresAtMillis`, long
    /// enough that a late visitor gets 410 Gone, not 404.
    static func create(code: String, url: String, messageID: String, nowMillis: Int64, expiresAtMillis: Int64,
                       keyTTLSeconds: Int) -> (keys: [String], arguments: [String])
    {
        ([LinkStore.key(code)], [url, messageID, String(nowMillis), String(expiresAtMillis), String(keyTTLSeconds)])
    }
}
