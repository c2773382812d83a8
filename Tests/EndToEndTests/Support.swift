import Foundation
import Testing

/// The repository root (this file is Tests/EndToEndTests/Support.swift).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The idcsync executable built with the tests: next to the test bundle, or IDCSYNC_BIN.
let idcsyncBinary: URL = {
    if let override = ProcessInfo.processInfo.environment["IDCSYNC_BIN"] { return URL(fileURLWithPath: override) }
    let candidates = [Bundle.main.bundleURL, URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()]
        + Bundle.allBundles.map(\.bundleURL)
    for candidate in candidates {
        var directory = candidate.deletingLastPathComponent()
        for _ in 0..<3 {
            let binary = directory.appendingPathComponent("idcsync")
            if FileManager.default.isExecutableFile(atPath: binary.path) { return binary }
            directory = directory.deletingLastPathComponent()
        }
    }
    fatalError("cannot find the idcsync binary next to the test bundle; build it or set IDCSYNC_BIN")
}()

struct RunResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// A scratch directory holding the files of one test, removed when the test ends.
final class Workspace: Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("idcsync-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> URL {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    func read(_ name: String) throws -> String {
        try String(contentsOf: url.appendingPathComponent(name), encoding: .utf8)
    }

    /// Every file below the workspace with its size and modification time, to prove nothing was written.
    func snapshot() throws -> [String: String] {
        var result: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.contentModificationDateKey, .fileSizeKey])
        while let file = enumerator?.nextObject() as? URL {
            let values = try file.resourceValues(forKeys: [.contentModificationDateKey, .fileSizeKey])
            result[file.path] = "\(values.fileSize ?? -1)@\(values.contentModificationDate?.timeIntervalSince1970 ?? 0)"
        }
        return result
    }

    /// Runs idcsync in this directory with a minimal environment (no inherited IDCSYNC_*, OKTA_*, AWS_*, NO_COLOR).
    /// The instance metadata service is off unless a test turns it on, so a test run on an EC2 machine
    /// can never pick up that machine's role and reach real AWS.
    /// `terminal` runs it on a pseudo-terminal (util-linux `script`), which then also receives stderr.
    func run(_ arguments: [String], environment: [String: String] = [:], terminal: Bool = false, input: String? = nil) throws -> RunResult {
        try launch(arguments, environment: environment, terminal: terminal, input: input, bound: nil).result
    }

    /// Under `swift test --enable-code-coverage` the binary is instrumented: where its profile goes, so
    /// it counts in the report and never lands as `default.profraw` in a folder a test checks.
    static let coverage: [String: String] = ProcessInfo.processInfo.environment["LLVM_PROFILE_FILE"].map { ["LLVM_PROFILE_FILE": $0] } ?? [:]

    /// The one way tests start idcsync. With `bound`, a watchdog kills the process once that many
    /// seconds have passed (`killed` says so), so a hang fails the test instead of stalling it.
    func launch(_ arguments: [String], environment: [String: String], terminal: Bool = false, input: String? = nil,
                bound: Double?) throws -> (result: RunResult, killed: Bool) {
        let process = Process()
        if terminal {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
            process.arguments = ["-q", "-e", "-c", ([idcsyncBinary.path] + arguments).joined(separator: " "), "/dev/null"]
        } else {
            process.executableURL = idcsyncBinary
            process.arguments = arguments
        }
        process.currentDirectoryURL = url
        var env = ["PATH": "/usr/bin:/bin", "HOME": url.path, "LANG": "C.UTF-8", "AWS_EC2_METADATA_DISABLED": "true"]
            .merging(Workspace.coverage) { $1 }
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let stdin = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : stdin
        try process.run()
        let killed = Box<Bool>()
        let watchdog = DispatchWorkItem {
            guard process.isRunning else { return }
            killed.value = true
            kill(process.processIdentifier, SIGKILL)
        }
        if let bound { DispatchQueue.global().asyncAfter(deadline: .now() + bound, execute: watchdog) }
        if let input {
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try stdin.fileHandleForWriting.close()
        }
        // Read both pipes while the process runs so neither can fill up and block it.
        let errorData = Box<Data>()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            errorData.value = err.fileHandleForReading.readDataToEndOfFile()
            done.signal()
        }
        let outputData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        watchdog.cancel()
        done.wait()
        let stderrData = errorData.value ?? Data()
        let result = RunResult(status: process.terminationStatus, stdout: String(decoding: outputData, as: UTF8.self),
                               stderr: String(decoding: stderrData, as: UTF8.self))
        return (result, killed.value ?? false)
    }

    /// Runs a command that must fail, and checks it wrote nothing.
    func runFailing(_ arguments: [String], environment: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation) throws -> RunResult {
        let before = try snapshot()
        let result = try run(arguments, environment: environment)
        #expect(try snapshot() == before, "a failing command must not write anything", sourceLocation: sourceLocation)
        return result
    }
}

private final class Box<T>: @unchecked Sendable {
    var value: T?
}

/// The example config of the repository, copied into a workspace as idcsync.yaml.
func exampleConfig(_ name: String = "idcsync.yaml") throws -> String {
    try String(contentsOf: repositoryRoot.appendingPathComponent("examples/\(name)"), encoding: .utf8)
}
