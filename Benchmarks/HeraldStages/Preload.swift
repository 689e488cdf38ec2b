import Foundation

/// malloc-interposer counts only when its library is preloaded (it replaces
/// malloc for the whole process); the command re-executes itself so.
enum Preload {
    static let library = "libMallocInterposerSwift.so"

    static var isActive: Bool {
        ProcessInfo.processInfo.environment["LD_PRELOAD"]?.contains(library) ?? false
    }

    /// Replaces this process with itself, the interposer preloaded.
    static func reexec() throws -> Never {
        let executable = try ChildRun.executable
        let preload = URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent(library).path
        guard FileManager.default.fileExists(atPath: preload) else { throw StageError("\(preload) is missing") }
        var environment = ProcessInfo.processInfo.environment
        environment["LD_PRELOAD"] = preload
        let arguments = CommandLine.arguments
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        execve(executable, argv, envp)
        throw StageError("could not re-execute \(executable) with \(library) preloaded: errno \(errno)")
    }
}
