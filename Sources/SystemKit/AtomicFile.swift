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
public enum AtomicFile {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "cannot write \(path): \(reason)" }
    }

    /// `mode` is the final file's (mkstemp creates 0600, so it is set explicitly).
    public static func write(_ text: String, to path: String, mode: mode_t = 0o644) throws(Failure) {
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
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { systemWrite(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw fail(errno)
            }
            bytes = bytes.dropFirst(written)
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
}

/// `write(2)`; at file scope the name is not shadowed by `AtomicFile.write`.
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(fd, buffer, count)
}
