#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch

/// Runs a command line through `/bin/sh -c` with `posix_spawn` (no Foundation), capturing stdout and
/// stderr. stdin is inherited, as botocore's `Popen` call leaves it. The blocking wait runs on a
/// Dispatch thread, not on Swift concurrency's cooperative pool.
///
/// Bounded: a command that has not exited within `timeout`, or that prints more than
/// `maximumStdout` bytes on stdout, is killed with everything it started and the run fails
/// (botocore waits for ever and reads everything). The command gets its own process group so that
/// the kill reaches its children too, except when stdin is a terminal: a process outside the
/// terminal's foreground group that reads a prompt answer (an MFA code) would be stopped by
/// SIGTTIN, so there it stays in idcsync's group and only the shell is killed.
public enum ShellCommand {
    public enum Termination: Sendable, Equatable {
        case exited(Int32)
        case signaled(Int32)
    }

    public struct Output: Sendable {
        public var termination: Termination
        public var stdout: [UInt8]
        public var stderr: [UInt8]
    }

    public struct Failure: Error, Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            /// The command could not be started or waited for.
            case system
            /// Still running after the timeout; it was killed.
            case timedOut(Duration)
            /// It printed more than the cap on stdout; it was killed.
            case tooMuchOutput(Int)
        }
        public var kind: Kind = .system
        public var reason: String
    }

    public static let defaultTimeout: Duration = .seconds(60)
    public static let maximumStdout = 1024 * 1024
    public static let maximumStderr = 64 * 1024

    /// `ownProcessGroup`: nil decides by whether stdin is a terminal (see above).
    public static func run(_ command: String, environment: [String: String], timeout: Duration = defaultTimeout,
                    maximumStdout: Int = maximumStdout, ownProcessGroup: Bool? = nil) async -> Result<Output, Failure> {
        await withCheckedContinuation { (continuation: CheckedContinuation<Result<Output, Failure>, Never>) in
            DispatchQueue.global().async {
                continuation.resume(returning: runBlocking(command, environment: environment, timeout: timeout,
                                                           maximumStdout: maximumStdout, ownProcessGroup: ownProcessGroup))
            }
        }
    }

    public static func runBlocking(_ command: String, environment: [String: String], timeout: Duration = defaultTimeout,
                            maximumStdout: Int = maximumStdout, ownProcessGroup: Bool? = nil) -> Result<Output, Failure> {
        let deadline = monotonicNanoseconds() + timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        let ownGroup = ownProcessGroup ?? (isatty(0) == 0)
        var environment = environment
        if environment["PATH"] == nil, let path = getenv("PATH") { environment["PATH"] = String(cString: path) }

        var stdoutPipe: [Int32] = [-1, -1]
        var stderrPipe: [Int32] = [-1, -1]
        guard makePipe(&stdoutPipe) else { return .failure(Failure(reason: "cannot create a pipe: \(TextFile.describe(errno))")) }
        guard makePipe(&stderrPipe) else {
            let code = errno
            close(stdoutPipe[0]); close(stdoutPipe[1])
            return .failure(Failure(reason: "cannot create a pipe: \(TextFile.describe(code))"))
        }

        #if canImport(Darwin)
        var actions: posix_spawn_file_actions_t? = nil
        var attributes: posix_spawnattr_t? = nil
        #else
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // The pipe ends are close-on-exec; dup2 gives the child plain copies on 1 and 2.
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, stderrPipe[1], 2)
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The child starts with no blocked signals and every signal at its default action, whatever
        // this process (or the test runner) did with them: an ignored SIGTERM or SIGPIPE would
        // otherwise be inherited through exec.
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var defaultSignals = sigset_t()
        sigfillset(&defaultSignals)
        sigdelset(&defaultSignals, SIGKILL)
        sigdelset(&defaultSignals, SIGSTOP)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        if ownGroup {
            // A new group whose id is the shell's pid: killing -pid reaches everything it started.
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let arguments: [UnsafeMutablePointer<CChar>?] = ["/bin/sh", "-c", command].map { (text: String) in strdup(text) }
        let variables: [UnsafeMutablePointer<CChar>?] = environment.sorted { $0.key < $1.key }.map { (entry: (key: String, value: String)) in strdup("\(entry.key)=\(entry.value)") }
        defer {
            arguments.forEach { free($0) }
            variables.forEach { free($0) }
        }
        var pid = pid_t()
        let spawned = (arguments + [nil]).withUnsafeBufferPointer { argv in
            (variables + [nil]).withUnsafeBufferPointer { envp in
                posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv.baseAddress!, envp.baseAddress!)
            }
        }
        close(stdoutPipe[1])
        close(stderrPipe[1])
        guard spawned == 0 else {
            close(stdoutPipe[0]); close(stderrPipe[0])
            return .failure(Failure(reason: "cannot start /bin/sh: \(TextFile.describe(spawned))"))
        }

        var stdout: [UInt8] = []
        var stderr: [UInt8] = []
        var polls = [pollfd(fd: stdoutPipe[0], events: Int16(POLLIN), revents: 0),
                     pollfd(fd: stderrPipe[0], events: Int16(POLLIN), revents: 0)]
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var stopped: Failure?
        /// Kills the command (its group when it has one) and reaps the shell.
        func stop(_ failure: Failure) {
            stopped = failure
            _ = kill(ownGroup ? -pid : pid, SIGKILL)
        }
        reading: while polls.contains(where: { $0.fd >= 0 }) {
            let remaining = deadline - monotonicNanoseconds()
            guard remaining > 0 else {
                stop(Failure(kind: .timedOut(timeout), reason: "timed out"))
                break
            }
            let ready = poll(&polls, nfds_t(polls.count), Int32(min(remaining / 1_000_000 + 1, 60_000)))
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            for index in polls.indices where polls[index].fd >= 0 && polls[index].revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(polls[index].fd, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 {
                    close(polls[index].fd)
                    polls[index].fd = -1
                    continue
                }
                if index == 0 {
                    guard stdout.count + count <= maximumStdout else {
                        stop(Failure(kind: .tooMuchOutput(maximumStdout), reason: "too much output"))
                        break reading
                    }
                    stdout.append(contentsOf: buffer[..<count])
                } else {
                    stderr.append(contentsOf: buffer[..<min(count, max(0, maximumStderr - stderr.count))])
                }
            }
        }
        for entry in polls where entry.fd >= 0 { close(entry.fd) }

        // The shell may close its output and keep running: the wait is bounded by the same deadline.
        var status: Int32 = 0
        while true {
            let reaped = waitpid(pid, &status, stopped == nil ? WNOHANG : 0)
            if reaped == pid { break }
            if reaped < 0 {
                guard errno == EINTR else { return .failure(Failure(reason: "cannot wait for /bin/sh: \(TextFile.describe(errno))")) }
                continue
            }
            if monotonicNanoseconds() >= deadline {
                stop(Failure(kind: .timedOut(timeout), reason: "timed out"))
                continue
            }
            var pause = timespec(tv_sec: 0, tv_nsec: 10_000_000)
            _ = nanosleep(&pause, nil)
        }
        if let stopped { return .failure(stopped) }
        // WIFEXITED / WEXITSTATUS / WTERMSIG are C macros Swift does not import.
        let termination: Termination = status & 0x7F == 0 ? .exited((status >> 8) & 0xFF) : .signaled(status & 0x7F)
        return .success(Output(termination: termination, stdout: stdout, stderr: stderr))
    }

    private static func monotonicNanoseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }

    /// A pipe whose ends are close-on-exec (`pipe2` is not visible from Swift on Glibc).
    private static func makePipe(_ fds: inout [Int32]) -> Bool {
        guard pipe(&fds) == 0 else { return false }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return true
    }
}
