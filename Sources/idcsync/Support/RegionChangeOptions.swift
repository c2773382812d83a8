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

    @Option(name: .long, help: ArgumentHelp("How long to wait for IAM Identity Center, e.g. 90s, 30m, 2h (default 1h).", valueName: "duration"))
    var timeout: String = "1h"

    func validate() throws {
        if case .failure(let error) = Region.parse(region) { throw ValidationError(error.message) }
        guard DurationText.parse(timeout) != nil else {
            throw ValidationError("--timeout \(timeout) is not a duration; use a number with s, m or h, e.g. 90s, 30m, 2h")
        }
    }

    var parsedRegion: Region { try! Region.parse(region).get() }
}

enum DurationText {
    static func parse(_ text: String) -> Duration? {
        guard let unit = text.last, let value = Int(text.dropLast()), value > 0 else { return nil }
        switch unit {
        case "s": return .seconds(value)
        case "m": return .seconds(value * 60)
        case "h": return .seconds(value * 3600)
        default: return nil
        }
    }
}
