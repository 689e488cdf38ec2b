import Foundation

/// What `herald doctor` found, one line a check: `ok`, `warn` or `FAIL`, the
/// subject, what was seen, and for anything wrong how to fix it.
struct DoctorReport {
    enum Verdict: String {
        case ok = "ok  "
        case warn = "warn"
        case fail = "FAIL"
    }

    private(set) var failed = false

    mutating func add(_ verdict: Verdict, _ subject: String, _ text: String, fix: String? = nil) {
        if verdict == .fail { failed = true }
        var line = "\(verdict.rawValue)  \(subject.padding(toLength: 10, withPad: " ", startingAt: 0)) \(text)"
        if let fix { line += "\n                  fix: \(fix)" }
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
