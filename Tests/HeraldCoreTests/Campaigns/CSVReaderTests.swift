import HeraldCore
import Testing

@Suite("CSV reading")
struct CSVReaderTests {
    static func records(_ text: String) -> [CSVReader.Record] {
        Array(text.utf8).withUnsafeBytes { bytes in
            var reader = CSVReader(bytes)
            var records: [CSVReader.Record] = []
            while let record = reader.next() { records.append(record) }
            return records
        }
    }

    @Test("quoted fields keep commas, doubled quotes and line breaks; CRLF and LF both end a record")
    func quoting() {
        let records = Self.records("to,name\r\n+1,\"Smith, \"\"Jo\"\"\"\n+2,\"two\nlines\"\n+3,plain")
        #expect(records.map(\.fields) == [["to", "name"], ["+1", "Smith, \"Jo\""], ["+2", "two\nlines"], ["+3", "plain"]])
        #expect(records.map(\.line) == [1, 2, 3, 5])
        #expect(records.allSatisfy { $0.problem == nil })
    }

    @Test("a stray quote is reported on its own record, and the records after it are read")
    func strayQuote() {
        let records = Self.records("to\n+1\"x\n\"+2\"junk\n+3\n")
        #expect(records.count == 4)
        #expect(records[1].problem != nil)
        #expect(records[2].problem != nil)
        #expect(records[3].fields == ["+3"] && records[3].problem == nil)
    }

    @Test("a quote never closed is reported on its record, and the rows after it are still read")
    func unclosed() {
        let records = Self.records("to\n\"+1,x\n+2\n+3\n")
        #expect(records[1].problem == "a quoted field is not closed" && records[1].line == 2)
        #expect(records[2...].map(\.fields) == [["+2"], ["+3"]])
        #expect(records[2...].map(\.line) == [3, 4])
    }

    @Test("a byte order mark is not part of the first column's name")
    func byteOrderMark() {
        #expect(Self.records("\u{FEFF}to\n+1\n").first?.fields == ["to"])
    }
}
