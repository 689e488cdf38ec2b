/// Why a message is sent. Marketing is subject to unsubscribe, fatigue and quiet
/// hours; transactional messages (OTPs, receipts) bypass fatigue and quiet hours.
public enum MessageCategory: String, Sendable, CaseIterable, Codable {
    case transactional
    case marketing
}
