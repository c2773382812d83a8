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

struct RegionsAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a Region to IAM Identity Center, with its key replica and Okta ACS URLs.",
        discussion: """
        Steps, each skipped when the world already has it: preflight (Region valid, not the primary, no other addition or removal running, quota, customer managed multi-Region key, Okta reachable and the new ACS URLs fit), the key's replica with the IAM Identity Center key policy (or the policy fixed), wait for the replica, AddRegion in the primary Region, wait for ACTIVE, and the Okta ACS URL slots. A lock keeps two runs on one instance apart. Run it again after any failure to finish.

        Examples:
          idcsync regions add ap-northeast-3 --dry-run
          idcsync regions add ap-northeast-3
          idcsync regions add eu-central-1 --yes --timeout 2h
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var targetOptions: TargetOptions
    @OptionGroup var awsOptions: AWSOptions
    @OptionGroup var change: RegionChangeOptions
    @OptionGroup var writeOptions: WriteOptions

    func validate() throws {
        try global.requireOutput([.text, .json], command: "regions add")
    }

    func run() async throws {
        try await RegionChangeRunner.run(.add, global: global, target: targetOptions.target, aws: awsOptions, change: change, write: writeOptions)
    }
}

struct RegionsRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove a Region from IAM Identity Center and its ACS URLs from Okta.",
        discussion: """
        RemoveRegion is sent to the primary Region; then the Region's ACS URLs leave the Okta slots. The replica key stays (idcsync never deletes keys) and is reported. The primary Region cannot be removed.

        Examples:
          idcsync regions remove ap-northeast-3 --dry-run
          idcsync regions remove ap-northeast-3 --yes
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var targetOptions: TargetOptions
    @OptionGroup var awsOptions: AWSOptions
    @OptionGroup var change: RegionChangeOptions
    @OptionGroup var writeOptions: WriteOptions

    func validate() throws {
        try global.requireOutput([.text, .json], command: "regions remove")
    }

    func run() async throws {
        try await RegionChangeRunner.run(.remove, global: global, target: targetOptions.target, aws: awsOptions, change: change, write: writeOptions)
    }
}
