/// Size limits applied at the door. They follow the providers' own limits
/// (Twilio: 1,600 characters per SMS body) so a message that would be refused
/// downstream is refused before it is queued.
public enum MessageLimits {
    public static let maxSMSBodyCharacters = 1_600
    public static let maxBodyBytes = 256 * 1024
    /// A message's `metadata`, compact JSON: it travels in every status event of the message.
    public static let maxMetadataBytes = 2 * 1024
    public static let maxSubjectCharacters = 998
    public static let maxTitleCharacters = 256
    public static let maxTagCharacters = 128
    public static let maxIdempotencyKeyCharacters = 255
    public static let maxURLCharacters = 2_048
    public static let maxPushTokenCharacters = 4_096
    public static let maxBatchMessages = 1_000
}
