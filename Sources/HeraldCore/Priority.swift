/// Queue priority. Each priority has its own stream so urgent traffic (OTPs)
/// is read before bulk traffic that happens to be queued ahead of it.
public enum Priority: String, Sendable, CaseIterable, Codable {
    case high
    case normal
    case low
}
