import CHeraldSpawn
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A child process Herald or its tests start (redis-server, an SMTP server).
/// Foundation's `Process.waitUntilExit` spins a run loop that deadlocks on
/// Swift's cooperative pool, so children are spawned and reaped with
/// posix_spawn/waitpid directly.
public final class ChildProcess: Sendable {
    /// The child's process id, for signals and diagnostics.
    public let pid: pid_t
    /// Set once the child is reaped: from then on its pid may be another
    /// child's (a test run starts thousands), so it is never waited on or
    /// signalled again. Without it, a second stop() of a redis-server that
    /// had exited killed whichever later child got its pid.
    /// The wait status once reaped; nil while it runs.
    private let reaped = Mutex<Int32?>(nil)

    /// Starts `path` with `arguments`; stdin is /dev/null, stdout and stderr go
    /// to `outputFile` (or /dev/null).
    public init(_ path: String, arguments: [String], outputFile: String? = nil) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputFile ?? "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // NIO opens its sockets without close-on-exec: without this the child
        // would hold a copy of every connection the parent had open. A socket
        // the parent closed then stayed open in the child, so the peer saw no
        // FIN, and got a reset only when that unrelated child exited.
        guard herald_spawn_file_actions_close_from(&actions, 3) == 0 else {
            throw RedisError.connectionFailed("cannot start \(path): posix_spawn_file_actions_addclosefrom_np failed")
        }
        // The parent may block or ignore signals (service-lifecycle handles SIGTERM itself);
        // the child must start with default dispositions or it would ignore our SIGTERM.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        guard result == 0 else { throw RedisError.connectionFailed("cannot start \(path): errno \(result)") }
        self.pid = pid
    }

    /// True until the child has exited (reaping it if it has).
    public var isRunning: Bool {
        reaped.withLock { reaped in
            guard reaped == nil else { return false }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == 0 { return true }
            reaped = status
            return false
        }
    }

    /// How it ended, once it has (`isRunning` false): its exit code, or 128
    /// and the signal that killed it; nil while it runs.
    public var exitStatus: Int32? {
        guard !isRunning, let status = reaped.withLock({ $0 }) else { return nil }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// SIGTERM, then waits for the exit (SIGKILL after 10 s if it lingers).
    public func stop() { signal(SIGTERM) }

    /// SIGKILL: a crash.
    public func kill() { signal(SIGKILL) }

    private func signal(_ signal: Int32) {
        reaped.withLock { reaped in
            var status: Int32 = 0
            guard reaped == nil else { return }
            guard waitpid(pid, &status, WNOHANG) == 0 else {
                reaped = status
                return
            }
            Glibc.kill(pid, signal)
            let deadline = ContinuousClock.now.advanced(by: .seconds(10))
            while waitpid(pid, &status, WNOHANG) == 0 {
                if ContinuousClock.now > deadline { Glibc.kill(pid, SIGKILL) }
                usleep(2_000)
            }
            reaped = status
        }
    }
}
