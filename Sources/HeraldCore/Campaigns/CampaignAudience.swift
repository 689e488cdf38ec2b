import Foundation

/// Turns imported rows (JSON objects or CSV lines) into `CampaignAddition`s,
/// keeping every good row and naming each bad one by row, field and code.
public struct CampaignAudience: Sendable {
    /// A row that was not added, and why.
    public struct RowError: Sendable, Equatable, Encodable {
        public var row: Int
        public var field: String
        public var code: String
        public var message: String
    }

    /// The most errors one reply lists; the rest are counted in `rejected`.
    public static let maxListedErrors = 1_000
    /// Recipients per JSON call.
    public static let maxJSONRecipients = 10_000
    /// The columns with a meaning of their own; any other becomes a data field.
    public static let knownColumns: Set<String> = ["to", "user_id", "timezone", "locale", "to_encryption", "to_key_id", "data"]

    public let campaignID: String
    public let channel: Channel
    /// The zone of recipients without their own.
    public let defaultZone: String
    public let validator: MessageValidator
    public let fingerprints: RecipientFingerprint

    public private(set) var additions: [CampaignAddition] = []
    public private(set) var errors: [RowError] = []
    public private(set) var rejected = 0
    private var zones: [String: Bool] = [:]

    public init(campaignID: String, channel: Channel, defaultZone: String, validator: MessageValidator,
                fingerprints: RecipientFingerprint)
    {
        self.campaignID = campaignID
        self.channel = channel
        self.defaultZone = defaultZone
        self.validator = validator
        self.fingerprints = fingerprints
    }

    mutating func reject(_ row: Int, _ error: APIError) {
        rejected += 1
        if errors.count < Self.maxListedErrors {
            errors.append(RowError(row: row, field: error.field ?? "", code: error.code, message: error.message))
        }
    }

    /// Adds one row; a bad one is recorded as an error instead.
    public mutating func add(row: Int, to: String?, userID: String?, timezone: String?, locale: String?,
                             toEncryption: String?, toKeyID: String?, dataJSON: String?)
    {
        do throws(APIError) {
            guard let to, !to.isEmpty else { throw .missing("to") }
            _ = try validator.checkRecipient(to, encryption: toEncryption, keyID: toKeyID, channel: channel)
            let userID = try validator.checkTag(userID.flatMap { $0.isEmpty ? nil : $0 }, field: "user_id")
            let locale = try validator.checkTag(locale.flatMap { $0.isEmpty ? nil : $0 }, field: "locale")
            let timezone = timezone.flatMap { $0.isEmpty ? nil : $0 }
            if let timezone {
                let known = zones[timezone] ?? (TimeZone(identifier: timezone) != nil)
                zones[timezone] = known
                guard known else {
                    throw .invalid("timezone", "timezone must be an IANA time zone name such as Asia/Shanghai",
                                   code: "invalid_timezone")
                }
            }
            let recipient = CampaignRecipient(
                to: to, userID: userID, timezone: timezone, locale: locale, dataJSON: dataJSON,
                toEncryption: toEncryption == "plain" ? nil : toEncryption, toKeyID: toKeyID)
            let person = fingerprints.person(recipient.identity(on: channel), scope: "campaign:" + campaignID)
            additions.append(CampaignAddition(person: person, zone: timezone ?? defaultZone,
                                              packed: recipient.packed(person: person)))
        } catch {
            reject(row, error)
        }
    }

    /// The rows of `{"recipients":[{…}]}`, at most `maxJSONRecipients` (413 past it).
    public static func jsonRows(_ body: UnsafeRawBufferPointer) throws(APIError) -> [JSONValue] {
        guard case .object(let object)? = JSONParser.parse(body) else {
            throw .malformedJSON("expected an object {\"recipients\":[…]}")
        }
        guard case .array(let rows)? = object["recipients"] else {
            throw .invalid("recipients", "recipients must be an array of {\"to\", …}", code: "missing_field")
        }
        guard rows.count <= Self.maxJSONRecipients else {
            throw APIError(status: 413, code: "too_many_recipients",
                           message: "a JSON call adds at most \(Self.maxJSONRecipients) recipients; use more calls or text/csv",
                           field: "recipients")
        }
        return rows
    }

    /// `{"recipients":[{…}]}`: rows are numbered from 0, as array indexes.
    public mutating func addJSON(_ body: UnsafeRawBufferPointer) throws(APIError) {
        let rows = try Self.jsonRows(body)
        addJSONRows(rows[...])
    }

    /// Adds JSON rows; each is numbered by its index in the call's array.
    public mutating func addJSONRows(_ rows: ArraySlice<JSONValue>) {
        additions.reserveCapacity(additions.count + rows.count)
        for (index, row) in zip(rows.indices, rows) {
            guard case .object(let fields) = row else {
                reject(index, .invalid("", "each recipient is an object", code: "invalid_type"))
                continue
            }
            var strings: [String: String] = [:]
            var typeError: APIError?
            for name in ["to", "user_id", "timezone", "locale", "to_encryption", "to_key_id"] {
                switch fields[name] {
                case nil, .null?: break
                case .string(let text)?: strings[name] = text
                default: typeError = typeError ?? .invalid(name, "'\(name)' must be a string", code: "invalid_type")
                }
            }
            var data: String?
            switch fields["data"] {
            case nil, .null?: break
            case .object(let object)?: data = JSONValue.object(object).compactText
            default: typeError = typeError ?? .invalid("data", "'data' must be an object", code: "invalid_type")
            }
            if let typeError {
                reject(index, typeError)
                continue
            }
            add(row: index, to: strings["to"], userID: strings["user_id"], timezone: strings["timezone"],
                locale: strings["locale"], toEncryption: strings["to_encryption"], toKeyID: strings["to_key_id"],
                dataJSON: data)
        }
    }

    /// Where a CSV import stands between segments: its columns, and the next byte and line to read.
    public struct CSVImport: Sendable {
        let columns: [String]
        let index: [String: Int]
        let extra: [(offset: Int, element: String)]
        var position: Int
        var line: Int
        /// Whether every row has been read.
        public internal(set) var isDone = false
    }

    /// Reads the header row of a `text/csv` body: it names the columns, one of them `to`.
    public static func csvHeader(_ body: UnsafeRawBufferPointer) throws(APIError) -> CSVImport {
        var reader = CSVReader(body)
        guard let header = reader.next() else {
            throw .invalid("to", "the first row names the columns, and one of them is 'to'", code: "missing_column")
        }
        let columns = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        guard columns.contains("to") else {
            throw .invalid("to", "the first row names the columns, and one of them is 'to'", code: "missing_column")
        }
        guard Set(columns).count == columns.count else {
            throw .invalid("", "a column is named twice in the header row", code: "duplicate_column")
        }
        return CSVImport(
            columns: columns, index: Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($1, $0) }),
            extra: columns.enumerated().filter { !Self.knownColumns.contains($0.element) && !$0.element.isEmpty },
            position: reader.position, line: reader.line)
    }

    /// `text/csv` with a header row: rows are numbered as a spreadsheet shows
    /// them (the header is row 1). Columns other than the known ones become
    /// string fields of the row's data; a `data` column holds a JSON object.
    public mutating func addCSV(_ body: UnsafeRawBufferPointer) throws(APIError) {
        var progress = try Self.csvHeader(body)
        while !progress.isDone { addCSVRows(body, &progress, limit: .max) }
    }

    /// Reads up to `limit` more rows of a CSV body, from where `progress` stands.
    public mutating func addCSVRows(_ body: UnsafeRawBufferPointer, _ progress: inout CSVImport, limit: Int) {
        var reader = CSVReader(body, position: progress.position, line: progress.line)
        let (columns, index, extra) = (progress.columns, progress.index, progress.extra)
        var read = 0
        defer {
            progress.position = reader.position
            progress.line = reader.line
        }
        while read < limit {
            guard let line = reader.next() else {
                progress.isDone = true
                return
            }
            read += 1
            let row = line.line
            if let problem = line.problem {
                reject(row, .invalid("", problem, code: "malformed_row"))
                continue
            }
            let fields = line.fields
            if fields.count == 1, fields[0].isEmpty { continue }  // a blank line
            guard fields.count == columns.count else {
                reject(row, .invalid("", "the row has \(fields.count) fields where the header has \(columns.count)",
                                     code: "malformed_row"))
                continue
            }
            func value(_ name: String) -> String? { index[name].map { fields[$0] }.flatMap { $0.isEmpty ? nil : $0 } }
            var data: [String: JSONValue] = [:]
            if let text = value("data") {
                let parsed = Array(text.utf8).withUnsafeBytes { JSONParser.parse($0) }
                guard case .object(let object)? = parsed else {
                    reject(row, .invalid("data", "the data column holds a JSON object", code: "invalid_type"))
                    continue
                }
                data = object
            }
            for (position, name) in extra where data[name] == nil { data[name] = .string(fields[position]) }
            add(row: row, to: value("to"), userID: value("user_id"), timezone: value("timezone"), locale: value("locale"),
                toEncryption: value("to_encryption"), toKeyID: value("to_key_id"),
                dataJSON: data.isEmpty ? nil : JSONValue.object(data).compactText)
        }
    }

    /// The additions made so far, handed over (and forgotten here) to be stored.
    public mutating func drain() -> [CampaignAddition] {
        defer { additions = [] }
        return additions
    }
}
