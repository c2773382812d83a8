import ArgumentParser
import Logging

/// Options every command takes (product.md "Global options").
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The config file.", discussion: "Default: $IDCSYNC_CONFIG, else ./idcsync.yaml.", valueName: "path"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Output format: text or json (urls also takes markdown). json prints one document on stdout and nothing else.", valueName: "format"))
    var output: OutputFormat = .text

    @Option(name: .long, help: ArgumentHelp("Colour: auto (stdout is a terminal, TERM is not dumb, NO_COLOR unset), always or never.", valueName: "when"))
    var color: ColorMode = .auto

    @Option(name: .long, help: ArgumentHelp("Log level on stderr: trace, debug, info, notice, warning, error, critical.", valueName: "level"))
    var logLevel: Logger.Level = .info

    @Option(name: .long, help: ArgumentHelp("Log format on stderr: text or json (one object per line).", valueName: "format"))
    var logFormat: LogFormat = .text

    @Flag(name: .long, help: "Print only errors on stderr: no warnings, notes or progress.")
    var quiet = false

    /// Rejects an output format the command does not produce.
    func requireOutput(_ allowed: [OutputFormat], command: String) throws {
        guard allowed.contains(output) else {
            throw ValidationError("\(command) prints \(allowed.map(\.rawValue).joined(separator: " or ")); --output \(output.rawValue) is not available here")
        }
    }
}

/// `--target NAME` for commands that work on one instance/app pair of the config.
struct TargetOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The entry of the config's targets list to use (default: the top-level sections).", valueName: "name"))
    var target: String?
}

enum OutputFormat: String, CaseIterable, ExpressibleByArgument {
    case text, json, markdown
}

enum ColorMode: String, CaseIterable, ExpressibleByArgument {
    case auto, always, never
}

enum LogFormat: String, CaseIterable, ExpressibleByArgument {
    case text, json
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
