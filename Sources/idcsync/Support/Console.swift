#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import Dispatch
import HTTPKit
import IDCSyncCore
import IDCSyncEngine
import IDCSyncRendering
import Logging
import Synchronization

/// Where a command writes: machine output on stdout, human messages and logs on stderr.
struct Console {
    let global: GlobalOptions
    let environment: [String: String]
    /// `--aws-profile` / `--aws-region`, on the commands that call AWS.
    let aws: AWSOptions?
    let logger: Logger
    /// Styling for stdout and stderr, each decided for its own stream.
    let out: Style
    let err: Style

    init(global: GlobalOptions, environment: [String: String], aws: AWSOptions? = nil) {
        self.global = global
        self.environment = aws?.apply(to: environment) ?? environment
        self.aws = aws
        out = Style(enabled: Console.colorEnabled(global.color, fd: STDOUT_FILENO, environment: environment))
        err = Style(enabled: Console.colorEnabled(global.color, fd: STDERR_FILENO, environment: environment))
        logger = Console.bootstrapLogging(global: global)
    }

    /// `auto`: the stream is a terminal, TERM is not dumb and NO_COLOR is unset or empty. A flag wins over NO_COLOR.
    static func colorEnabled(_ mode: ColorMode, fd: Int32, environment: [String: String]) -> Bool {
        switch mode {
        case .always: return true
        case .never: return false
        case .auto:
            return isatty(fd) == 1 && environment["TERM"] != "dumb" && (environment["NO_COLOR"] ?? "").isEmpty
        }
    }

    var isStderrTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    func write(_ text: String) {
        FileDescriptor.standardOutput.write(text)
    }

    func writeError(_ text: String) {
        FileDescriptor.standardError.write(text.hasSuffix("\n") ? text : text + "\n")
    }

    func writeJSON(_ value: JSONValue) {
        write(JSONWriter.pretty(value))
    }

    /// The engine's view of the world outside: this process's environment (with --aws-profile applied),
    /// the system clock, real HTTP, the command's logger.
    var engineContext: EngineContext { EngineContext(environment: environment, logger: logger) }

    /// Loads the config, reporting the file's warnings on stderr.
    func loadConfig() throws(IDCSyncError) -> Config {
        let config = try ConfigLoader(environment: environment).load(global.config)
        logger.debug("loaded config", metadata: ["path": "\(config.source)", "targets": "\(config.targets.count)"])
        report(config.diagnostics)
        return config
    }

    /// Loads the config and picks the target, reporting the file's warnings on stderr.
    func loadTarget(_ name: String?) throws(IDCSyncError) -> (Config, Target) {
        let config = try loadConfig()
        let target = try config.selectTarget(name)
        return (config, aws?.apply(to: target) ?? target)
    }

    /// Asks on the terminal before a write. `--yes` answers yes; without it, stdin must be a terminal.
    func confirm(_ question: String, yes: Bool) throws(IDCSyncError) -> Bool {
        if yes { return true }
        try requireTerminalForConfirmation()
        FileDescriptor.standardError.write("\(question) Only 'yes' is accepted: ")
        guard let answer = readLine() else { return false }
        return answer.trimmingWhitespace().lowercased() == "yes"
    }

    func requireTerminalForConfirmation() throws(IDCSyncError) {
        guard isatty(STDIN_FILENO) == 1 else {
            throw IDCSyncError(.configuration, [Diagnostic(.error, code: "usage.confirmation",
                "refusing to write without confirmation: stdin is not a terminal; pass --yes to write (or --dry-run to only plan)")])
        }
    }

    /// Warnings and notes on stderr (not with --quiet); errors always.
    func report(_ diagnostics: [Diagnostic]) {
        let shown = global.quiet ? diagnostics.filter { $0.severity == .error } : diagnostics
        guard !shown.isEmpty else { return }
        writeError(DiagnosticsRenderer.text(Console.printable(shown), style: err))
    }

    /// Each diagnostic on its own line whatever its text holds: messages quote config values and
    /// server answers, so secrets are redacted and control characters (line breaks too) escaped.
    static func printable(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        diagnostics.map { diagnostic in
            var clean = diagnostic
            clean.message = Redactor.singleLine(diagnostic.message)
            clean.field = diagnostic.field.map(Redactor.singleLine)
            if var location = diagnostic.location {
                location.file = Redactor.singleLine(location.file)
                clean.location = location
            }
            return clean
        }
    }

    private static func bootstrapLogging(global: GlobalOptions) -> Logger {
        let level: Logger.Level = global.quiet ? .error : global.logLevel
        let format = global.logFormat
        LoggingSystem.bootstrap { label in
            StderrLogHandler(label: label, level: level, format: format)
        }
        return Logger(label: "idcsync")
    }
}

/// Runs a command body and maps its outcome or error to output and an exit code, in one place.
/// SIGINT and SIGTERM cancel the body's task: it stops at its next suspension point, releases what it
/// holds (the instance lock), and the run ends with 130 or 143 after saying what happened. A second
/// signal ends the process at once.
enum CommandRunner {
    static func run(_ global: GlobalOptions, aws: AWSOptions? = nil, _ body: @escaping @Sendable (Console) async throws -> Outcome) async throws {
        let console = Console(global: global, environment: ProcessEnvironment.current, aws: aws)
        let task = Task { try await body(console) }
        let trap = SignalTrap { task.cancel() }
        defer { trap.stop() }
        let outcome: Outcome
        do {
            outcome = try await task.value
        } catch {
            let signal = trap.received
            let failure = Self.domainError(error, signal: signal)
            console.report(failure.diagnostics)
            let code = ExitCodes.code(for: failure, signal: signal)
            if global.output == .json {
                console.write(DiagnosticsRenderer.errorDocument(exitCode: code, diagnostics: Console.printable(failure.diagnostics)))
            }
            throw ExitCode(Int32(code))
        }
        let code = ExitCodes.code(outcome)
        if code != 0 { throw ExitCode(Int32(code)) }
    }

    /// Any error as the engine's: a run a signal interrupted is cancelled, whatever the error it ended with.
    static func domainError(_ error: any Error, signal: Int32?) -> IDCSyncError {
        var result = (error as? IDCSyncError) ?? IDCSyncError(.failure, [Diagnostic(.error, code: "internal", "\(error)")])
        if error is CancellationError {
            result = IDCSyncError(.cancelled, [Diagnostic(.error, code: "cancelled", "the run was cancelled before it finished; the steps reported above are all that was done")])
        }
        if let signal {
            let name = signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "signal \(signal)"
            result.kind = .cancelled
            result.diagnostics.append(Diagnostic(.error, code: "cancelled",
                "interrupted by \(name): the steps reported above are all that was done, the instance lock is released, and a rerun continues from where this one stopped"))
        }
        return result
    }
}

/// SIGINT and SIGTERM delivered to a handler instead of ending the process, until the first one
/// arrives; after that the default action is back, so a second signal ends the process.
// @unchecked: `sources` is set once in init, and Dispatch sources are safe to cancel from any thread.
final class SignalTrap: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]
    private let first = Mutex<Int32?>(nil)

    init(_ onSignal: @escaping @Sendable () -> Void) {
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            sources.append(DispatchSource.makeSignalSource(signal: number, queue: .global()))
        }
        self.sources = sources
        for (source, number) in zip(sources, [SIGINT, SIGTERM]) {
            source.setEventHandler { [weak self] in
                guard let self else { return }
                let isFirst = self.first.withLock { value -> Bool in
                    guard value == nil else { return false }
                    value = number
                    return true
                }
                guard isFirst else { return }
                signal(SIGINT, SIG_DFL)
                signal(SIGTERM, SIG_DFL)
                onSignal()
            }
            source.resume()
        }
    }

    /// The first signal received, if any.
    var received: Int32? { first.withLock { $0 } }

    func stop() {
        for source in sources { source.cancel() }
    }
}

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
