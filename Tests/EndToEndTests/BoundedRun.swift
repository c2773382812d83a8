import Foundation
import Testing

/// A run that cannot hang the test suite: the process is killed once `bound` seconds have passed,
/// and the test sees how long it took (a hang fails the test instead of stalling it).
struct BoundedRunResult {
    var result: RunResult
    var seconds: Double
    /// The process was still running at the bound and was killed.
    var killed: Bool
}

extension Workspace {
    func run(_ arguments: [String], environment: [String: String] = [:], bound: Double) throws -> BoundedRunResult {
        let process = Process()
        process.executableURL = idcsyncBinary
        process.arguments = arguments
        process.currentDirectoryURL = url
        var env = ["PATH": "/usr/bin:/bin", "HOME": url.path, "LANG": "C.UTF-8"]
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let started = Date()
        try process.run()
        let killed = KilledFlag()
        let watchdog = DispatchWorkItem {
            guard process.isRunning else { return }
            killed.set()
            kill(process.processIdentifier, SIGKILL)
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + bound, execute: watchdog)
        let errorData = KilledFlag.DataBox()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            errorData.data = err.fileHandleForReading.readDataToEndOfFile()
            done.signal()
        }
        let outputData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        watchdog.cancel()
        done.wait()
        let result = RunResult(status: process.terminationStatus, stdout: String(decoding: outputData, as: UTF8.self),
                               stderr: String(decoding: errorData.data, as: UTF8.self))
        return BoundedRunResult(result: result, seconds: Date().timeIntervalSince(started), killed: killed.value)
    }
}

private final class KilledFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    var value: Bool { lock.withLock { flag } }
    func set() { lock.withLock { flag = true } }

    final class DataBox: @unchecked Sendable {
        var data = Data()
    }
}
