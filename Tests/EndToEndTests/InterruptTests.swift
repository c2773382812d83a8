import Foundation
import Testing

/// SIGINT and SIGTERM during a long run: idcsync stops at once, says it was interrupted and that
/// the steps shown are all that was done, releases the instance lock, and exits 130 or 143; a rerun
/// continues from where it stopped.
@Suite("interrupting a run (binary, against the AWS sandbox and the Okta fake)")
struct InterruptTests {
    @Test(arguments: [(SIGINT, Int32(130), "SIGINT"), (SIGTERM, Int32(143), "SIGTERM")])
    func aSignalStopsTheRunSaysWhatWasDoneAndReleasesTheLock(signal: Int32, expected: Int32, name: String) async throws {
        let world = try await SandboxWorld.make(addOsaka: false)
        // The Region stays ADDING until released, so the run is waiting when the signal comes.
        try await world.aws.control("POST", "/_sandbox/config", .object(["holdRegionTransitions": true]))

        let process = Process()
        process.executableURL = idcsyncBinary
        process.arguments = ["regions", "add", "ap-northeast-3", "--yes"]
        process.currentDirectoryURL = world.workspace.url
        process.environment = world.environment.merging(["PATH": "/usr/bin:/bin", "HOME": world.workspace.url.path, "LANG": "C.UTF-8"]) { $1 }.merging(Workspace.coverage) { $1 }
        let err = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let stderr = StreamText(err)
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

        let waiting = try await waitFor(30) { stderr.text.contains("wait until ap-northeast-3 is ACTIVE") || !process.isRunning }
        #expect(waiting && process.isRunning, "the run did not reach the Region wait: \(stderr.text)")
        kill(process.processIdentifier, signal)
        // The Region is held ADDING for ever, so ending at all means the signal stopped the wait
        // (unhandled, the run would wait out its one-hour timeout). The bound only keeps a loaded CI
        // machine from failing a correct run.
        let ended = try await waitFor(30) { !process.isRunning }
        #expect(ended, "still running 30 s after \(name)")
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == expected, "\(process.terminationReason.rawValue) \(process.terminationStatus)")
        let text = stderr.finish()
        #expect(text.contains("✓ AddRegion answered ADDING"), "\(text)")
        #expect(text.contains("error: interrupted by \(name): the steps reported above are all that was done, the instance lock is released, and a rerun continues from where this one stopped"), "\(text)")

        // The lock is free and the rerun finishes the job.
        try await world.aws.control("POST", "/_sandbox/config", .object(["holdRegionTransitions": false]))
        let rerun = try world.workspace.run(["regions", "add", "ap-northeast-3", "--yes"], environment: world.environment)
        #expect(rerun.status == 0, "\(rerun.stdout)\n\(rerun.stderr)")
        #expect(!rerun.stderr.contains("lock"), "\(rerun.stderr)")
    }

    /// Polls `condition` every 20 ms until it holds or `seconds` pass; true when it held.
    private func waitFor(_ seconds: Double, _ condition: () -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }
}

/// A pipe read on another thread as it fills, so a test can watch a running process's output.
private final class StreamText: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ pipe: Pipe) {
        let handle = pipe.fileHandleForReading
        DispatchQueue.global().async {
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                self.lock.withLock { self.data.append(chunk) }
            }
            self.done.signal()
        }
    }

    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }

    /// The whole output, once the writer has closed the pipe.
    func finish() -> String {
        done.wait()
        return text
    }
}
