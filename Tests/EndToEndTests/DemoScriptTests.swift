import Foundation
import Testing

/// `scripts/demo`, the first thing a newcomer runs, shows the whole job and every step of it works:
/// run with the binary under test (IDCSYNC_BIN), so it builds nothing.
@Suite("scripts/demo (the binary under test, against its own sandboxes)")
struct DemoScriptTests {
    @Test func theDemoShowsTheWholeJobAndEveryStepSucceeds() throws {
        let process = Process()
        process.executableURL = repositoryRoot.appendingPathComponent("scripts/demo")
        process.currentDirectoryURL = repositoryRoot
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AWS_") && !$0.key.hasPrefix("OKTA_") && !$0.key.hasPrefix("IDCSYNC_") }
        environment["IDCSYNC_BIN"] = idcsyncBinary.path
        environment["NO_COLOR"] = "1"
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stderrBox = StderrReader(err)
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let stderr = stderrBox.text()
        #expect(process.terminationStatus == 0, "\(stdout)\n\(stderr)")

        // Discovery: the demo's config names no instance.
        #expect(stderr.contains("note: instance.regions: ap-northeast-1 (discovered from AWS: sso-admin ListRegions)"), "\(stderr)")
        // regions add wrote the guides (not "skipped") and made Osaka's tile.
        #expect(stderr.contains("guide files written to"), "\(stderr)")
        #expect(!stderr.contains("skipped"))
        #expect(stdout.contains("idcsync-bookmarks.en.md"))
        #expect(stdout.contains("# AWS access portal: which URL to use in which Region"))
        #expect(stdout.contains("label: Osaka (renamed by hand) → AWS access portal - Osaka (ap-northeast-3)"))
        #expect(stdout.contains("Ready for a primary-Region outage: 9 passed, 0 warnings, 0 failed, 1 skipped."), "\(stdout)")
        #expect(stdout.contains("idcsync_reconcile_drift{target=\"default\",kind=\"okta_slots\",owner=\"idcsync\"} 0"))
        #expect(stdout.contains("idcsync_reconcile_target_ok{target=\"default\"} 1"))
        #expect(stdout.contains("clientCidr           10.100.0.0/22  (can never be changed after creation)"))
        #expect(stderr.contains("== demo done in "))
    }
}

/// Reads a pipe to its end on another thread, so the process never blocks on a full stderr.
private final class StderrReader: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ pipe: Pipe) {
        DispatchQueue.global().async {
            self.data = pipe.fileHandleForReading.readDataToEndOfFile()
            self.done.signal()
        }
    }

    func text() -> String {
        done.wait()
        return String(decoding: data, as: UTF8.self)
    }
}
