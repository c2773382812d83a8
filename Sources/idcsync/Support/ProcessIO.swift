#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import HTTPKit

/// This process's environment, read once per command and handed to the engine as a value.
enum ProcessEnvironment {
    static var current: [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return result
    }
}

/// Unbuffered writes to a file descriptor (stdio's globals are not concurrency-safe in Swift 6).
/// Every write goes through `Redactor.printable`: no registered secret, and no control character
/// but line breaks, tabs and idcsync's own styling, reaches the terminal or a pipe.
struct FileDescriptor {
    let raw: Int32
    static let standardOutput = FileDescriptor(raw: STDOUT_FILENO)
    static let standardError = FileDescriptor(raw: STDERR_FILENO)

    func write(_ text: String) {
        var bytes = Array(Redactor.printable(text).utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { buffer in
                systemWrite(raw, buffer.baseAddress, buffer.count)
            }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            bytes = bytes.dropFirst(written)
        }
    }
}

private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(fd, buffer, count)
}
