import ArgumentParser
import IDCSyncCore
import IDCSyncEngine
import IDCSyncRendering

struct RegionsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Show each Region with its IAM Identity Center status, KMS key replica, key policy and Okta slots.",
        discussion: """
        Reads AWS (and Okta when configured) and writes nothing. The key policy column compares each Region's key policy with the one idcsync generates, by meaning, and names missing, extra or different statements.

        Examples:
          idcsync regions list
          idcsync regions list --output json | jq '.regions[] | select(.keyPolicy.matches == false)'
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var targetOptions: TargetOptions
    @OptionGroup var awsOptions: AWSOptions

    func validate() throws {
        try global.requireOutput([.text, .json], command: "regions list")
    }

    func run() async throws {
        try await CommandRunner.run(global, aws: awsOptions) { console in
            let (config, target) = try console.loadTarget(targetOptions.target)
            let aws = console.engineContext.aws(target)
            let okta = target.okta == nil ? nil : try OktaWorkflow.client(config: config, target: target, console: console, access: .read)
            let report = try await RegionsInventory.list(config: config, target: target, aws: aws, okta: okta, context: console.engineContext)
            console.report(report.diagnostics)
            if global.output == .json {
                console.writeJSON(RegionsRenderer.listDocument(
                    instanceArn: report.world.instanceArn.value, primaryRegion: report.world.primaryRegion.name, keyArn: report.world.key.value,
                    oktaAppId: report.oktaAppId, rows: report.rows, diagnostics: config.diagnostics + report.diagnostics))
            } else {
                console.write("Instance \(report.world.instanceArn.instanceId) in account \(report.world.account), key \(report.world.key.keyId)\n\n")
                console.write(RegionsRenderer.table(report.rows, style: console.out))
            }
            return .ok
        }
    }
}
