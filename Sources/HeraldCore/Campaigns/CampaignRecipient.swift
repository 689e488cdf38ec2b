/// One person of a campaign's audience, as kept in its pending list until
/// the pace releases them: a short record (`packed`), not a message.
public struct CampaignRecipient: Sendable, Equatable {
    public var to: String
    public var userID: String?
    public var timezone: String?
    public var locale: String?
    /// The person's template data, a compact JSON object.
    public var dataJSON: String?
    public var toEncryption: String?
    public var toKeyID: String?

    public init(to: String, userID: String? = nil, timezone: String? = nil, locale: String? = nil,
                dataJSON: String? = nil, toEncryption: String? = nil, toKeyID: String? = nil)
    {
        self.to = to
        self.userID = userID
        self.timezone = timezone
        self.locale = locale
        self.dataJSON = dataJSON
        self.toEncryption = toEncryption
        self.toKeyID = toKeyID
    }

    /// Separates the fields of a packed record: validated fields are printable
    /// and JSON escapes control characters, so it cannot occur inside one.
    static let separator: Character = "\u{1F}"

    /// The person's identity within a campaign: the user id, else the
    /// recipient (an address case-folded; an encrypted one by its ciphertext,
    /// since it is never decrypted at acceptance).
    public func identity(on channel: Channel) -> String {
        if let userID { return "u:" + userID }
        return "t:" + (channel == .email && toEncryption == nil ? to.lowercased() : to)
    }

    /// The stored form: person number, then every field, separated by U+001F.
    public func packed(person: UInt64) -> String {
        var record = String(person)
        record.reserveCapacity(32 + to.utf8.count + (dataJSON?.utf8.count ?? 0))
        for part in [to, userID, timezone, locale, toEncryption, toKeyID, dataJSON] {
            record.append(Self.separator)
            if let part { record += part }
        }
        return record
    }

    /// Reads a stored record.
    public static func unpack(_ record: String) -> (person: UInt64, recipient: CampaignRecipient)? {
        let parts = record.split(separator: separator, maxSplits: 7, omittingEmptySubsequences: false)
        guard parts.count == 8, let person = UInt64(parts[0]), !parts[1].isEmpty else { return nil }
        func optional(_ index: Int) -> String? { parts[index].isEmpty ? nil : String(parts[index]) }
        return (person, CampaignRecipient(
            to: String(parts[1]), userID: optional(2), timezone: optional(3), locale: optional(4), dataJSON: optional(7),
            toEncryption: optional(5), toKeyID: optional(6)))
    }
}

/// A recipient ready for its campaign's pending list: its person number (for
/// dedup), its zone (for windows) and its record.
public struct CampaignAddition: Sendable, Equatable {
    public var person: UInt64
    public var zone: String
    public var packed: String

    public init(person: UInt64, zone: String, packed: String) {
        self.person = person
        self.zone = zone
        self.packed = packed
    }
}
