@testable import AWSKit
import SystemKit
import Foundation
import IDCSyncTestSupport
import Testing

/// credential_process is bounded: a command that hangs or floods stdout is stopped, with everything
/// it started, and the error names the profile and the limit.
@Suite("Credentials: credential_process limits")
struct CredentialProcessLimitsTests {
    func provider(_ home: CredHome, _ command: String, environment: [String: String] = [:]) -> ProcessCredentialProvider {
        home.config("[profile tool]\ncredential_process = \(command)\n")
        return ProcessCredentialProvider(context: ProfileContext(environment: environment.merging(["AWS_PROFILE": "tool"]) { $1 }, profile: nil, home: home.path),
                                         time: FakeClock())
    }

    /// Whether a process is gone (or a zombie nobody has reaped yet), waiting up to `seconds`.
    func gone(_ pid: Int32, within seconds: Double) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        repeat {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
            // The state follows the command name in parentheses: "123 (sleep) Z ...".
            if let close = stat.lastIndex(of: ")"), stat[stat.index(close, offsetBy: 2)] == "Z" { return true }
            usleep(10_000)
        } while Date() < end
        return false
    }

    @Test func aCommandThatHangsIsStoppedAfterTheTimeout() async throws {
        let home = CredHome()
        let started = Date()
        let error = await credError { try await provider(home, "sleep 300", environment: [ProcessCredentialProvider.timeoutVariable: "1"]).credentials() }
        let elapsed = Date().timeIntervalSince(started)
        let reason = try #require(credentialsReason(error))
        #expect(reason.source == "credential_process (profile tool)")
        #expect(reason.reason.contains("sleep did not finish within 1 s and was stopped"), "\(reason.reason)")
        #expect(reason.reason.contains("IDCSYNC_CREDENTIAL_PROCESS_TIMEOUT"))
        // Wall time here includes waiting for a busy test runner's threads; the tight bound is
        // checked on the blocking call below.
        #expect(elapsed < 250, "stopped after \(elapsed) s, not the 300 s of the command")
    }

    @Test func theWholeProcessGroupIsKilled() async throws {
        let home = CredHome()
        let pidFile = home.path + "/child.pid"
        let script = home.write("bin/hang", """
        #!/bin/sh
        sleep 300 &
        echo $! > \(pidFile)
        wait
        """, executable: true)
        let started = Date()
        let result = ShellCommand.runBlocking(script, environment: [:], timeout: .milliseconds(500), ownProcessGroup: true)
        let elapsed = Date().timeIntervalSince(started)
        guard case .failure(let failure) = result else { Issue.record("the command was not stopped"); return }
        #expect(failure.kind == .timedOut(.milliseconds(500)))
        #expect(elapsed < 10, "stopped after \(elapsed) s")
        let child = try #require(Int32(String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(gone(child, within: 30), "the background child \(child) survived")
    }

    @Test func aCommandThatClosesItsOutputAndLingersIsStoppedToo() async throws {
        let result = await ShellCommand.run("exec >&- 2>&-; sleep 300", environment: [:], timeout: .milliseconds(500), ownProcessGroup: true)
        guard case .failure(let failure) = result else { Issue.record("the command was not stopped"); return }
        #expect(failure.kind == .timedOut(.milliseconds(500)))
    }

    @Test func tooMuchOutputIsStopped() async throws {
        let home = CredHome()
        let error = await credError { try await provider(home, "yes SECRET-flood").credentials() }
        let reason = try #require(credentialsReason(error))
        #expect(reason.source == "credential_process (profile tool)")
        #expect(reason.reason.contains("yes printed more than 1 MiB on stdout and was stopped"), "\(reason.reason)")
        expectNoSecret(error)
    }

    @Test func aBadTimeoutSettingNamesTheVariable() async throws {
        let home = CredHome()
        for bad in ["0", "-5", "1.5", "abc", "3601"] {
            let error = await credError { try await provider(home, "true", environment: [ProcessCredentialProvider.timeoutVariable: bad]).credentials() }
            let reason = credentialsReason(error)?.reason ?? "no error"
            #expect(reason.contains("IDCSYNC_CREDENTIAL_PROCESS_TIMEOUT must be a whole number of seconds from 1 to 3600, not \"\(bad)\""), "\(reason)")
        }
    }

    @Test func aQuickCommandIsUnaffected() async throws {
        let result = await ShellCommand.run("printf ok", environment: [:], timeout: .seconds(5), ownProcessGroup: true)
        guard case .success(let output) = result else { Issue.record("\(result)"); return }
        #expect(output.termination == .exited(0))
        #expect(String(decoding: output.stdout, as: UTF8.self) == "ok")
    }
}
