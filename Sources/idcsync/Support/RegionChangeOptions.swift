import ArgumentParser
import IDCSyncCore
import IDCSyncEngine
import IDCSyncRendering

/// Options shared by `regions add` and `regions remove`.
struct RegionChangeOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("The Region, e.g. ap-northeast-3.", valueName: "region"))
    var region: String

    @Flag(name: .long, help: "Show every step and write nothing (exit 2 when something would be done).")
    var dryRun = false

    @Flag(name: .long, help: "Do not wait for IAM Identity Center to finish; the next run picks up from there.")
    var noWait = false

    // .unconditional: "-5s" is a (wrong) value to explain, not an unknown option ("Missing value").
    @Option(name: .long, parsing: .unconditional,
            help: ArgumentHelp("How long to wait for IAM Identity Center, e.g. 90s, 30m, 2h (default 1h, at most 168h); each request has its own 30 s deadline, 5 attempts.", valueName: "duration"))
    var timeout: String = "1h"

    func validate() throws {
        if case .failure(let error) = Region.parse(region) { throw ValidationError(error.message) }
        if let problem = DurationText.problem(timeout) { throw ValidationError("--timeout \(timeout): \(problem)") }
    }

    var parsedRegion: Region { try! Region.parse(region).get() }
}

enum DurationText {
    static func parse(_ text: String) -> Duration? {
        guard problem(text) == nil, let unit = text.last, let value = Int(text.dropLast()) else { return nil }
        switch unit {
        case "s": return .seconds(value)
        case "m": return .seconds(value * 60)
        case "h": return .seconds(value * 3600)
        default: return nil
        }
    }

    /// What is wrong with a duration, or nil.
    static func problem(_ text: String) -> String? {
        let example = "use a whole number with s, m or h, e.g. 90s, 30m, 2h"
        guard let unit = text.last, "smh".contains(unit), let value = Int(text.dropLast()) else { return "not a duration; \(example)" }
        guard value > 0 else { return "must be positive; \(example)" }
        guard value <= 7 * 24 * 3600 / (unit == "s" ? 1 : unit == "m" ? 60 : 3600) else { return "must be at most 7 days (168h)" }
        return nil
    }
}
