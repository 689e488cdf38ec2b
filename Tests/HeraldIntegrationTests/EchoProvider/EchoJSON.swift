import Foundation

/// Reads one string member of Echo's small JSON bodies.
enum EchoJSON {
    static func string(_ name: String, in text: String) -> String? {
        ((try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any])?[name] as? String
    }
}
