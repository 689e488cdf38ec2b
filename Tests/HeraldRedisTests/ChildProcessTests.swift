import Foundation
import HeraldRedis
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// How Herald and its tests start redis-server and other helpers.
@Suite("Child processes")
struct ChildProcessTests {
    @Test("a child holds only stdin, stdout and stderr, never a copy of the parent's sockets")
    func inheritsNoDescriptors() throws {
        // As NIO opens its sockets: without close-on-exec.
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(socket > 2)
        defer { close(socket) }
        let child = try ChildProcess("/bin/sleep", arguments: ["60"])
        defer { child.stop() }
        let descriptors = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(child.pid)/fd")
        #expect(Set(descriptors) == ["0", "1", "2"], "the child holds \(descriptors.sorted())")
    }
}
