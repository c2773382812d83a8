import ArgumentParser
import IDCSyncCore
import IDCSyncEngine
import IDCSyncRendering

struct OktaTilesPlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show how the Okta dashboard tiles differ from the instance's Regions and the IdC app's groups.",
        discussion: """
        Reads the IdC app's group assignments (every page), the org's Bookmark apps and the groups of idcsync's own tiles. Writes nothing.

        Exit codes: 0 the tiles are in place; 2 changes are needed; 1 error; 64 configuration error.

        Examples:
          idcsync okta tiles plan
          idcsync okta tiles plan --output json | jq '.steps'
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var targetOptions: TargetOptions
    @OptionGroup var awsOptions: AWSOptions

    func validate() throws {
        try global.requireOutput([.text, .json], command: "okta tiles plan")
    }

    func run() async throws {
        try await CommandRunner.run(global, aws: awsOptions) { console in
            let (config, target) = try console.loadTarget(targetOptions.target)
            let (report, _) = try await OktaWorkflow.tilesPlan(config: config, target: target, console: console, access: .read)
            if global.output == .json {
                console.writeJSON(TilesRenderer.json(report.plan, idcAppId: report.idcAppId, idcGroups: report.idcGroups))
            } else {
                console.write(TilesRenderer.text(report.plan, idcAppId: report.idcAppId, idcGroups: report.idcGroups, style: console.out))
            }
            return report.plan.hasChanges ? .changes : .ok
        }
    }
}
