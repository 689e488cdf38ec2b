import Foundation

/// Where status events may be POSTed: an event subscription's `url` or a
/// message's `callback_url`. Only https, or plain http to loopback in the
/// local sandbox; no credentials in the URL, no fragment. Where the host
/// resolves to is vetted separately (the event client's egress guard), on
/// every connection it opens.
public enum EventTargetURL {
    /// Longer URLs are refused: a target is stored with every event queued for it.
    public static let maxLength = 2_048

    /// The URL as given, when it is one Herald may POST events to; a 422 naming `field` otherwise.
    public static func validate(_ text: String, field: String, loopbackAllowed: Bool) throws(APIError) -> String {
        guard !text.isEmpty, text.utf8.count <= maxLength else {
            throw .invalid(field, "\(field) must be a URL of 1–\(maxLength) bytes")
        }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              let host = components.host, !host.isEmpty
        else { throw .invalid(field, "\(field) must be an absolute https URL") }
        guard components.user == nil, components.password == nil else {
            throw .invalid(field, "\(field) must not carry credentials; events are signed with the subscription's secret")
        }
        guard components.fragment == nil else { throw .invalid(field, "\(field) must not have a fragment") }
        switch scheme {
        case "https":
            return text
        case "http" where loopbackAllowed && isLoopback(host):
            return text
        case "http":
            throw .invalid(field, "\(field) must use https" + (loopbackAllowed ? " (plain http only to loopback)" : ""))
        default:
            throw .invalid(field, "\(field) must be an https URL")
        }
    }

    static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        return bare == "localhost" || bare == "::1" || bare.hasPrefix("127.")
    }
}
