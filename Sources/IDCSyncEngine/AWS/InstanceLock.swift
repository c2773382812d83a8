#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import IDCSyncCore
import SystemKit

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
            let reason = TextFile.describe(errno)
            throw IDCSyncError(.failure, [Diagnostic(.error, code: "lock.open",
                "cannot open the lock file \(path) (\(reason)); the run did nothing. idcsync keeps its lock files in that folder: make it writable, or give reconcile another with --lock-dir (e.g. an emptyDir when the config is a read-only ConfigMap)")])
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

    /// Refuses, before any work, a lock folder that cannot be one: `--lock-dir` names an existing
    /// folder, or one idcsync creates inside an existing folder. The message starts with the flag.
    public static func checkDirectory(_ path: String) -> String? {
        guard !path.isEmpty else { return "--lock-dir must name a folder, not \"\"" }
        var info = stat()
        if stat(path, &info) == 0 {
            return info.st_mode & S_IFMT == S_IFDIR ? nil : "--lock-dir \(path): it is not a folder; give the folder for idcsync's lock files"
        }
        let code = errno
        guard code == ENOENT else { return "--lock-dir \(path): cannot use it (\(TextFile.describe(code)))" }
        let trimmed = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
        let parent = trimmed.contains("/") ? String(trimmed[..<trimmed.lastIndex(of: "/")!]) : "."
        guard stat(parent.isEmpty ? "/" : parent, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            return "--lock-dir \(path): its parent folder does not exist; idcsync creates only the lock folder itself: create the parent, or pick another folder"
        }
        return nil
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
