import ArgumentParser
import IDCSyncCore
import IDCSyncEngine
import IDCSyncRendering

struct OktaApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Write the planned ACS URL slots to the Okta app.",
        discussion: """
        Plans, shows the plan and asks for confirmation (unless --yes). Then it saves the app as read to a 0600 backup, re-reads the app and stops if lastUpdated moved since the plan, writes the whole app with only the planned slots changed, and reads it back: a slot that did not persist is an error naming it. Nothing is sent when the slots are in sync.

        Exit codes: 0 written or already in sync; 2 with --dry-run when changes are needed; 1 error or declined; 64 configuration error, or okta.owner is terraform (nothing is sent: run `idcsync okta plan` to see the drift).

        Examples:
          idcsync okta apply
          idcsync okta apply --yes
          idcsync okta apply --dry-run
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var targetOptions: TargetOptions
    @OptionGroup var awsOptions: AWSOptions
    @OptionGroup var writeOptions: WriteOptions

    @Flag(name: .long, help: "Show the plan and write nothing.")
    var dryRun = false

    func validate() throws {
        try global.requireOutput([.text, .json], command: "okta apply")
    }

    func run() async throws {
        try await CommandRunner.run(global, aws: awsOptions) { console in
            let (config, target) = try console.loadTarget(targetOptions.target)
            try WriteGate.requireOwned([.oktaAppSettings(appId: target.okta?.appId)], target: target, configFile: config.source)
            let (report, client) = try await OktaWorkflow.plan(config: config, target: target, console: console, access: dryRun ? .read : .readWrite)
            console.report(report.diagnostics)
            let plan = report.plan
            if global.output == .text {
                console.write(SlotPlanRenderer.text(plan, context: report.renderContext, style: console.out))
            }
            let count = plan.changes.count
            let context = console.engineContext(writing: writeOptions)
            let result = try await WriteGate.run(hasChanges: plan.hasChanges, dryRun: dryRun,
                                                 question: "Write \(count) slot change\(count == 1 ? "" : "s") to Okta app \(report.world.app.id)?",
                                                 confirm: console.confirmation(yes: writeOptions.yes)) { () async throws(IDCSyncError) -> String in
                try await OktaSync.write(report, client: client, options: .init(
                    backupDirectory: context.folders.backupDirectory(config: config, target: target), now: context.date), logger: context.logger)
            }
            if result.ending == .declined { console.writeError("Nothing was written.") }
            if let backup = result.done, !global.quiet {
                console.writeError("Wrote \(count) slot change\(count == 1 ? "" : "s") to Okta app \(report.world.app.id) and read them back. The app as it was: \(backup)")
            }
            if global.output == .json {
                console.writeJSON(SlotPlanRenderer.applyDocument(plan, context: report.renderContext, diagnostics: config.diagnostics + report.diagnostics,
                                                                 outcome: result.ending == .written ? "applied" : result.ending.rawValue, backup: result.done))
            }
            return result.outcome
        }
    }
}
