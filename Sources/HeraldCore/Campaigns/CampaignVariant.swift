/// One arm of a campaign's A/B test: its own template or content, and its
/// relative weight in the audience not held out.
public struct CampaignVariant: Sendable, Equatable, Codable {
    public var name: String
    /// `name` or `name@version`; pinned to a version when the campaign starts.
    public var template: String?
    public var content: MessageContent?
    public var weight: Int

    public static let maxVariants = 8
    /// What a group is called when it is the holdout, in counters and results.
    public static let holdoutName = "holdout"
    /// The group sent the campaign's one content when it holds some out with no variants.
    public static let mainGroupName = "main"
    /// What messages sent to the rest after a winner test are counted as.
    public static let restName = "rest"

    /// Whether `name` may name a variant: `[A-Za-z0-9_-]{1,32}`, not `holdout` or `rest`.
    public static func isValidName(_ name: String) -> Bool {
        name != holdoutName && name != restName && (1...32).contains(name.utf8.count) && name.utf8.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F || $0 == 0x2D
        }
    }
}

/// Which group a person of an experiment falls in.
public enum ExperimentGroup: Sendable, Hashable {
    case holdout
    case variant(Int)
}
