/// Tells the push platforms' recipient addresses apart, so a push reaches the
/// provider that issued its token: APNs device tokens are 32 bytes written as
/// 64 hex digits; FCM registration tokens are longer and not hex.
public enum PushToken {
    /// True for 64 hex digits: an APNs device token.
    public static func isAPNsDeviceToken(_ token: String) -> Bool {
        token.utf8.count == 64 && token.utf8.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) || ($0 >= 0x41 && $0 <= 0x46)
        }
    }
}
