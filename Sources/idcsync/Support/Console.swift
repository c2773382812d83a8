#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import HTTPKit
import IDCSyncCore
import IDCSyncRendering
import Logging

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
        logger = LoggingSetup.bootstrap(global: global)
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
}
