/// Reads RFC 4180 CSV: fields separated by commas, optionally quoted
/// (`"a ""quoted"" field"`, which may hold commas and line breaks), records
/// ended by CRLF or LF. A malformed record (a stray quote, a quote never
/// closed) is reported with its line and skipped, and reading goes on with
/// the next line.
public struct CSVReader {
    /// One record: its fields, the line it starts on (1-based), and what is wrong with it.
    public struct Record: Sendable {
        public var fields: [String]
        public var line: Int
        public var problem: String?
    }

    private let bytes: UnsafeRawBufferPointer
    /// The next byte to read, and the line it is on: where a reader made again on the same bytes goes on from.
    public private(set) var position = 0
    public private(set) var line = 1

    /// Goes on reading `bytes` from `position`, on `line`.
    public init(_ bytes: UnsafeRawBufferPointer, position: Int, line: Int) {
        self.bytes = bytes
        self.position = position
        self.line = line
    }

    public init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        // A UTF-8 byte order mark, as spreadsheets write it, is not part of the first column's name.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
    }

    public mutating func next() -> Record? {
        guard position < bytes.count else { return nil }
        let start = line
        var fields: [String] = []
        var field: [UInt8] = []
        var problem: String?
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") && field.isEmpty {
                var restart = position
                while restart < bytes.count, bytes[restart] != UInt8(ascii: "\n") { restart += 1 }
                restart = min(bytes.count, restart + 1)
                position += 1
                var closed = false
                while position < bytes.count {
                    let inner = bytes[position]
                    position += 1
                    if inner == UInt8(ascii: "\"") {
                        if position < bytes.count, bytes[position] == UInt8(ascii: "\"") {
                            field.append(inner)
                            position += 1
                        } else {
                            closed = true
                            break
                        }
                    } else {
                        if inner == UInt8(ascii: "\n") { line += 1 }
                        field.append(inner)
                    }
                }
                if !closed {
                    // A quote left open would swallow every row after it: report this
                    // record alone and read on from the line after the one it opened on.
                    position = restart
                    line = start + 1
                    return Record(fields: fields + [String(decoding: field, as: UTF8.self)], line: start,
                                  problem: "a quoted field is not closed")
                }
                if position < bytes.count, bytes[position] != UInt8(ascii: ","), bytes[position] != UInt8(ascii: "\n"),
                   bytes[position] != UInt8(ascii: "\r")
                {
                    problem = problem ?? "text follows a closing quote"
                    while position < bytes.count, bytes[position] != UInt8(ascii: ","), bytes[position] != UInt8(ascii: "\n") {
                        position += 1
                    }
                }
                continue
            }
            position += 1
            switch byte {
            case UInt8(ascii: ","):
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
            case UInt8(ascii: "\n"):
                line += 1
                fields.append(String(decoding: field, as: UTF8.self))
                return Record(fields: fields, line: start, problem: problem)
            case UInt8(ascii: "\r") where position < bytes.count && bytes[position] == UInt8(ascii: "\n"):
                break
            case UInt8(ascii: "\""):
                problem = problem ?? "a quote inside an unquoted field"
                field.append(byte)
            default:
                field.append(byte)
            }
        }
        fields.append(String(decoding: field, as: UTF8.self))
        return Record(fields: fields, line: start, problem: problem)
    }
}
