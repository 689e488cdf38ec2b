/// The delivery channels Herald knows. A channel decides how `to` is validated,
/// which stream a message waits in and which providers may carry it.
public enum Channel: String, Sendable, CaseIterable, Codable {
    case sms
    case email
    case push
    case wechat
    case webhook
}
