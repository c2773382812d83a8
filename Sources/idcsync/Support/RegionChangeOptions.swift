import ArgumentParser
import IDCSyncCore
import IDCSyncEngine
import IDCSyncRendering

/// Options shared by `regions add` and `regions remove`.
struct RegionChangeOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("The Region, e.g. ap-northeast-3.", valueName: "region"))
    var region: RegionArgument

    @Flag(name: .long, help: "Show every step and write nothing (exit 2 when something would be done).")
    var dryRun = false

    @Flag(name: .long, help: "Do not wait for IAM Identity Center to finish; the next run picks up from there.")
    var noWait = false

    // .unconditional: "-5s" is a (wrong) value to explain, not an unknown option ("Missing value").
    @Option(name: .long, parsing: .unconditional,
            help: ArgumentHelp("How long to wait for IAM Identity Center, e.g. 90s, 30m, 2h (default 1h, at most 168h); each request has its own 30 s deadline, 5 attempts.", valueName: "duration"))
    var timeout = DurationArgument(argument: "1h")

    func validate() throws {
        if case .failure(let error) = region.parsed { throw ValidationError(error.message) }
        if case .failure(let problem) = timeout.parsed { throw ValidationError("--timeout \(timeout.text): \(problem.message)") }
    }
}
