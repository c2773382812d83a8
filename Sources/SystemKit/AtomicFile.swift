#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a file so that a reader sees either the old content or the new, never a mix: a temporary
/// file in the same folder, flushed, then renamed over the target, then the folder flushed so the
/// rename itself survives a crash. Schedulers' collectors (the node exporter's textfile directory)
/// and people opening guides mid-run rely on this. The folder must exist.
///
/// Only a regular file is ever replaced. A destination that is a symbolic link, device, FIFO,
/// socket or directory is refused before anything is written (`Failure.refused`): renaming over it
/// would replace the link or device node itself (`--out /dev/full` became a file) while the user
/// meant the thing it stands for.
public enum AtomicFile {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var reason: String
        /// What the destination is when it was refused for not being a regular file (a usage
        /// error: nothing was written); nil for a failure while writing.
        public var refused: FileKind?

        public init(path: String, reason: String, refused: FileKind? = nil) {
            self.path = path
            self.reason = reason
            self.refused = refused
        }

        public var description: String {
            refused == nil ? "cannot write \(path): \(reason)" : "refusing to write \(path): \(reason)"
        }
    }

    /// `mode` is the final file's (mkstemp creates 0600, so it is set explicitly).
    public static func write(_ text: String, to path: String, mode: mode_t = 0o644) throws(Failure) {
        try write(bytes: Array(text.utf8), to: path, mode: mode)
    }

    /// Writes `bytes` to `path` atomically with `mode`, fsyncing the file and then its folder.
    /// Refuses (`Failure.refused`) a destination that exists and is not a regular file.
    public static func write(bytes: [UInt8], to path: String, mode: mode_t) throws(Failure) {
        try requireReplaceable(path)
        let folder = path.lastIndex(of: "/").map { String(path[..<$0]) }.map { $0.isEmpty ? "/" : $0 } ?? "."
        let name = path.split(separator: "/").last.map(String.init) ?? path
        var template = Array("\(folder)/.\(name).XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw Failure(path: path, reason: TextFile.describe(errno)) }
        // mkstemp filled in the X's; the array ends with the NUL terminator.
        let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        func fail(_ code: Int32) -> Failure {
            close(fd)
            unlink(temporary)
            return Failure(path: path, reason: TextFile.describe(code))
        }
        var remaining = bytes[...]
        while !remaining.isEmpty {
            let written = remaining.withUnsafeBytes { systemWrite(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw fail(errno)
            }
            remaining = remaining.dropFirst(written)
        }
        guard fchmod(fd, mode) == 0, fsync(fd) == 0 else { throw fail(errno) }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw Failure(path: path, reason: TextFile.describe(code))
        }
        // Make the rename durable. Best effort: the new content is in place either way, and some
        // file systems refuse fsync on a directory.
        let folderFD = open(folder, O_RDONLY | O_CLOEXEC)
        if folderFD >= 0 {
            _ = fsync(folderFD)
            close(folderFD)
        }
    }

    /// Throws `Failure.refused` when something other than a regular file is at `path` (a symbolic
    /// link is not followed). Nothing there, or a regular file, passes. Callers that check before
    /// doing other work (e.g. before asking a question) use it directly.
    public static func requireReplaceable(_ path: String) throws(Failure) {
        guard let kind = FileKind.of(path), kind != .regular else { return }
        throw Failure(path: path, reason: refusal(path, kind), refused: kind)
    }

    private static func refusal(_ path: String, _ kind: FileKind) -> String {
        switch kind {
        case .symbolicLink:
            let target = FileKind.linkTarget(path).map { " to \($0)" } ?? ""
            return "it is a symbolic link\(target); idcsync replaces only regular files and does not write through links, so nothing was written; give the target's own path"
        case .directory:
            return "it is a directory; give the path of a file, nothing was written"
        default:
            return "it is \(kind), not a regular file; idcsync replaces only regular files, so nothing was written; give another path"
        }
    }
}

/// `write(2)`; at file scope the name is not shadowed by `AtomicFile.write`.
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(fd, buffer, count)
}
