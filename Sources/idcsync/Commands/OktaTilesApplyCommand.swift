import ArgumentParser
import IDCSyncCore
import IDCSyncEngine
import IDCSyncRendering

struct OktaTilesApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Create, fix, regroup and remove the Okta dashboard tiles as planned.",
        discussion: """
        Creates (and activates) missing tiles with the IdC app's groups, fixes a wrong URL, label or note through the guarded full-object write (backup, re-read, PUT, read-back), assigns and unassigns groups, and deactivates then deletes the tiles of Regions that left. Only tiles with idcsync's marker are touched. Run it again after any failure: a tile created before the failure is found by its marker, never created twice.

        Exit codes: 0 done or already in place; 1 error or declined; 64 configuration error, or okta.owner is terraform (nothing is sent).

        Examples:
          idcsync okta tiles apply
          idcsync okta tiles apply --yes
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var targetOptions: TargetOptions
    @OptionGroup var awsOptions: AWSOptions
    @OptionGroup var writeOptions: WriteOptions

    func validate() throws {
        try global.requireOutput([.text, .json], command: "okta tiles apply")
    }

    func run() async throws {
        try await CommandRunner.run(global, aws: awsOptions) { console in
            let (config, target) = try console.loadTarget(targetOptions.target)
            try WriteGate.requireOwned([.tile(region: nil)], target: target, configFile: config.source)
            let (report, client) = try await OktaWorkflow.tilesPlan(config: config, target: target, console: console, access: .readWrite)
            if global.output == .text {
                console.write(TilesRenderer.text(report.plan, idcAppId: report.idcAppId, idcGroups: report.idcGroups, style: console.out))
            }
            let count = report.plan.steps.count
            let engine = console.engineContext(writing: writeOptions)
            let quiet = global.quiet
            let result = try await WriteGate.run(hasChanges: report.plan.hasChanges, dryRun: false,
                                                 question: "Run these \(count) step\(count == 1 ? "" : "s") on Okta?",
                                                 confirm: console.confirmation(yes: writeOptions.yes)) { () async throws(IDCSyncError) -> [String] in
                try await OktaTiles.apply(report, client: client, backupDirectory: engine.folders.backupDirectory(config: config, target: target),
                                          now: engine.date, logger: engine.logger, progress: { line in if !quiet { FileDescriptor.standardError.write("  ✓ \(line)\n") } })
            }
            if result.ending == .declined {
                console.writeError("Nothing was changed.")
                return result.outcome
            }
            if global.output == .json {
                console.writeJSON(TilesRenderer.applyDocument(report.plan, idcAppId: report.idcAppId, idcGroups: report.idcGroups, done: result.done ?? []))
            }
            return result.outcome
        }
    }
}
