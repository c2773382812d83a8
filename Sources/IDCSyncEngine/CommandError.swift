import IDCSyncCore

/// How a command ended, as the process exit code (product.md "Exit codes").
public enum ExitStatus: Int32, Sendable {
    /// Done, or in sync.
    case ok = 0
    /// An error; nothing half-written.
    case failure = 1
    /// Drift or pending changes found by a check or plan.
    case changes = 2
    /// Usage or configuration error (ArgumentParser's convention).
    case usage = 64
}

/// A failure with everything needed to explain it: every diagnostic and the exit status it maps to.
public struct CommandError: Error, Sendable, CustomStringConvertible {
    public var status: ExitStatus
    public var diagnostics: [Diagnostic]

    public init(_ status: ExitStatus, _ diagnostics: [Diagnostic]) {
        self.status = status
        self.diagnostics = diagnostics
    }

    /// A configuration or usage problem (exit 64) about one field of the config file.
    public static func config(_ code: String, _ message: String, field: String? = nil, file: String? = nil) -> CommandError {
        CommandError(.usage, [Diagnostic(.error, code: code, message, field: field, location: file.map { FileLocation(file: $0) })])
    }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
