#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import IDCSyncCore

/// An exclusive lock per IAM Identity Center instance, so two runs never add or remove Regions of
/// one instance at once. `flock(2)` on a file: the kernel releases it when the process ends, even
/// when killed, so a crash never leaves a stale lock.
public final class InstanceLock {
    private let fd: Int32
    public let path: String

    /// Takes the lock or fails at once (never waits), naming the holder.
    public convenience init(directory: String, instanceId: String) throws(IDCSyncError) {
        let safe = String(instanceId.filter { $0.isLetter || $0.isNumber || $0 == "-" })
        try self.init(directory: directory, name: "idcsync-\(safe).lock") { holder, path in
            "another idcsync run is changing instance \(instanceId) (\(holder), lock \(path)); wait for it to finish, then run again"
        }
    }

    /// A lock file `name` in `directory`; `busy(holder, path)` is the message when it is held.
    public init(directory: String, name: String, busy: (String, String) -> String) throws(IDCSyncError) {
        mkdir(directory, 0o700)
        path = directory + "/" + name
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw IDCSyncError(.failure, [Diagnostic(.error, code: "lock.open", "cannot open the lock file \(path) (error \(errno))")])
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            var buffer = [UInt8](repeating: 0, count: 256)
            let count = read(fd, &buffer, buffer.count)
            let holder = count > 0 ? String(decoding: buffer[..<count], as: UTF8.self).trimmingWhitespace() : "another process"
            close(fd)
            throw IDCSyncError(.conflict, [Diagnostic(.error, code: "lock.held", busy(holder, path))])
        }
        ftruncate(fd, 0)
        let note = "pid \(getpid())"
        _ = note.withCString { write(fd, $0, strlen($0)) }
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
