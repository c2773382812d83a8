#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import Dispatch
import IDCSyncCore
import IDCSyncEngine
import IDCSyncRendering
import Synchronization

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
