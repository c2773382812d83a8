import ArgumentParser
import IDCSyncCore
import IDCSyncEngine
import IDCSyncRendering

struct OktaPlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show how the Okta app's ACS URL slots differ from the instance's Regions. Exit 2 when changes are needed.",
        discussion: """
        Reads the app once (one GET when okta.appId is set) and writes nothing. Each slot shows its key, before, after and why. Exit codes: 0 in sync, 2 changes needed, 1 error, 64 configuration error.

        Examples:
          idcsync okta plan
          idcsync okta plan --output json | jq '.slots[] | select(.action != "none")'
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var targetOptions: TargetOptions
    @OptionGroup var awsOptions: AWSOptions

    func validate() throws {
        try global.requireOutput([.text, .json], command: "okta plan")
    }

    func run() async throws {
        try await CommandRunner.run(global, aws: awsOptions) { console in
            let (config, target) = try console.loadTarget(targetOptions.target)
            let report = try await OktaWorkflow.plan(config: config, target: target, console: console, access: .read).report
            console.report(report.diagnostics)
            if global.output == .json {
                var document = SlotPlanRenderer.json(report.plan, context: report.renderContext)
                document["diagnostics"] = DiagnosticsRenderer.json(config.diagnostics + report.diagnostics)
                console.writeJSON(.object(document))
            } else {
                console.write(SlotPlanRenderer.text(report.plan, context: report.renderContext, style: console.out))
            }
            return report.plan.hasChanges ? .changes : .ok
        }
    }
}
