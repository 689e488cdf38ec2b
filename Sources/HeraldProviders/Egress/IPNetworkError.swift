/// Why a network (CIDR) could not be parsed, naming the text at fault: a
/// malformed `HERALD_WEBHOOK_ALLOWED_NETWORKS` stops Herald at start.
public struct IPNetworkError: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
