import Foundation
import HeraldRedis
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// How Herald and its tests start redis-server and other helpers.
@Suite("Child processes")
struct ChildProcessTests {
    @Test("a child never holds a copy of the parent's sockets")
    func inheritsNoDescriptors() throws {
        // As NIO opens its sockets: without close-on-exec.
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(socket > 2)
        defer { close(socket) }
        let inode = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(socket)")
        #expect(inode.hasPrefix("socket:"))
        let child = try ChildProcess("/bin/sleep", arguments: ["60"])
        defer { child.stop() }
        // What the child opens itself as it starts (a locale file) may show for a moment; a socket never.
        let held = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(child.pid)/fd").compactMap {
            try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(child.pid)/fd/\($0)")
        }
        #expect(!held.contains(inode), "the child holds the parent's socket: \(held)")
        #expect(!held.contains { $0.hasPrefix("socket:") }, "the child holds a socket: \(held)")
    }
}
