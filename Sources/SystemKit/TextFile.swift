#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a small text file with plain POSIX calls: every command reads its config (and often AWS's
/// shared files), and this keeps Foundation's file machinery out of start-up (see scripts/bench).
///
/// Only a regular file is read. The open never blocks (`O_NONBLOCK`: a FIFO without a writer would
/// otherwise wait for ever, `O_NOCTTY`: a terminal does not become the controlling one), and what
/// was opened is checked with `fstat`, so a FIFO, device or socket is refused by name, never read.
/// Use it for every input a user or the environment names (config, AWS files, token files); a token
/// file reader passes a small `limit` (e.g. 8 KiB).
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

    /// The file's text. A path that is not a regular file fails with `.isDirectory` or with
    /// `.unreadable("it is a FIFO (named pipe), not a regular file")` (device, socket likewise);
    /// one larger than `limit` bytes with `.unreadable("it is larger than N KiB")`.
    public static func contents(of path: String, limit: Int = 16 * 1024 * 1024) -> Result<String, Failure> {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            return .failure(code == ENOENT || code == ENOTDIR ? .notFound : .unreadable(describe(code)))
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .failure(.unreadable(describe(errno))) }
        switch FileKind(mode: info.st_mode) {
        case .regular: break
        case .directory: return .failure(.isDirectory)
        case let kind: return .failure(.unreadable("it is \(kind), not a regular file"))
        }
        guard info.st_size <= limit else { return .failure(.unreadable(tooLarge(limit))) }
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
            guard bytes.count <= limit else { return .failure(.unreadable(tooLarge(limit))) }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { return .failure(.notUTF8) }
        return .success(text)
    }

    private static func tooLarge(_ limit: Int) -> String {
        limit >= 1024 * 1024 && limit % (1024 * 1024) == 0 ? "it is larger than \(limit / (1024 * 1024)) MiB" : "it is larger than \(limit / 1024) KiB"
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
