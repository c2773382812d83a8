#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a small text file with plain POSIX calls: every command reads its config (and often AWS's
/// shared files), and this keeps Foundation's file machinery out of start-up (see scripts/bench).
public enum TextFile {
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case notFound, isDirectory, notUTF8
        case unreadable(String)

        public var description: String {
            switch self {
            case .notFound: "it does not exist"
            case .isDirectory: "it is a directory"
            case .notUTF8: "it is not UTF-8 text"
            case .unreadable(let reason): reason
            }
        }
    }

    public static func contents(of path: String, limit: Int = 16 * 1024 * 1024) -> Result<String, Failure> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            return .failure(code == ENOENT || code == ENOTDIR ? .notFound : .unreadable(describe(code)))
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .failure(.unreadable(describe(errno))) }
        guard (info.st_mode & S_IFMT) != S_IFDIR else { return .failure(.isDirectory) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(.unreadable(describe(errno)))
            }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[..<count])
            guard bytes.count <= limit else { return .failure(.unreadable("it is larger than \(limit / 1024) KiB")) }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { return .failure(.notUTF8) }
        return .success(text)
    }

    /// An `errno` value in words, for messages.
    public static func describe(_ code: Int32) -> String {
        switch code {
        case EACCES, EPERM: "permission denied"
        case EISDIR: "it is a directory"
        default:
            if let message = strerror(code) { String(cString: message).lowercased() } else { "error \(code)" }
        }
    }
}
