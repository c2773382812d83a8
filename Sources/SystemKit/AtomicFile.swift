#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a file so that a reader sees either the old content or the new, never a mix: a temporary
/// file in the same folder, flushed, then renamed over the target. Schedulers' collectors (the
/// node exporter's textfile directory) and people opening guides mid-run rely on this.
public enum AtomicFile {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "cannot write \(path): \(reason)" }
    }

    public static func write(_ text: String, to path: String, mode: mode_t = 0o644) throws(Failure) {
        let folder = path.lastIndex(of: "/").map { String(path[..<$0]) }.map { $0.isEmpty ? "/" : $0 } ?? "."
        let name = path.split(separator: "/").last.map(String.init) ?? path
        var template = Array("\(folder)/.\(name).XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw Failure(path: path, reason: TextFile.describe(errno)) }
        let temporary = String(cString: template)
        func fail(_ reason: String) -> Failure {
            close(fd)
            unlink(temporary)
            return Failure(path: path, reason: reason)
        }
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { systemWrite(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw fail(TextFile.describe(errno))
            }
            bytes = bytes.dropFirst(written)
        }
        guard fchmod(fd, mode) == 0, fsync(fd) == 0 else { throw fail(TextFile.describe(errno)) }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let reason = TextFile.describe(errno)
            unlink(temporary)
            throw Failure(path: path, reason: reason)
        }
    }
}

/// `write(2)`; at file scope the name is not shadowed by `AtomicFile.write`.
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(fd, buffer, count)
}
