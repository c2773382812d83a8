import IDCSyncCore

/// What went wrong in the engine or below it, with every diagnostic that explains it. The kind says
/// what sort of failure it is; the executable alone decides the exit code.
public struct IDCSyncError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The config file, a flag or the environment is wrong or incomplete: the user must change it.
        case configuration
        /// AWS or Okta answered with an error, or could not be reached.
        case remote(service: String, operation: String?, requestId: String?)
        /// Someone else is at work: the instance lock is held, the Okta app changed during the write,
        /// or an AWS workflow (a Region being added or removed) is in progress.
        case conflict
        /// Some steps were done and others remain; the diagnostics say which.
        case partial(done: [String], remaining: [String])
        /// The run was cancelled (SIGINT, SIGTERM or a parent task) before it finished.
        case cancelled
        /// Anything else: the world is not in a state idcsync can work with, or a local file failed.
        case failure
    }

    public var kind: Kind
    public var diagnostics: [Diagnostic]

    public init(_ kind: Kind, _ diagnostics: [Diagnostic]) {
        self.kind = kind
        self.diagnostics = diagnostics
    }

    /// A configuration problem about one field of the config file.
    public static func config(_ code: String, _ message: String, field: String? = nil, file: String? = nil) -> IDCSyncError {
        IDCSyncError(.configuration, [Diagnostic(.error, code: code, message, field: field, location: file.map { FileLocation(file: $0) })])
    }

    /// The outcome a run that ends with this error has: misconfigured for configuration problems,
    /// else failed.
    public var outcome: Outcome { kind == .configuration ? .misconfigured : .failed }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
