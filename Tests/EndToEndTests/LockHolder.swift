import Foundation

/// Another process holding an idcsync lock file (`flock`), as a concurrent run would. It returns only
/// once the lock is held, so a slow machine cannot start the run under test first; one process, so
/// SIGKILL releases the lock at once. It also ends when the test process dies (see orphan_guard.py).
final class LockHolder {
    private let process = Process()

    init(path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [SandboxServer.python, "-c", """
            import fcntl, os, sys, time
            parent = os.getppid()
            handle = open(sys.argv[1], "a+")
            fcntl.flock(handle, fcntl.LOCK_EX)
            handle.truncate(0); handle.write("pid 4242 (test)"); handle.flush()
            print("HELD", flush=True)
            deadline = time.monotonic() + 120
            while os.getppid() == parent and time.monotonic() < deadline:
                time.sleep(0.2)
            """, path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        guard String(decoding: line, as: UTF8.self).hasPrefix("HELD") else {
            kill(process.processIdentifier, SIGKILL)
            throw SandboxError("could not take the lock \(path) for the test")
        }
    }

    deinit {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
