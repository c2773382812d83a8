import ArgumentParser
import IDCSyncCore
import IDCSyncEngine
import IDCSyncRendering

struct VPNPlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Check the vpn section against AWS and Okta, then show what apply would create or change.",
        discussion: """
        Every rule is checked before anything is created, each failure naming the field and the rule: client CIDR /22 to /12 and outside the VPC (a warning names common home and office ranges it overlaps); subnets /27 or larger with 20 free addresses, one per Availability Zone, all in the VPC; the ACM certificate ISSUED, RSA 2048 (or 1024), in the VPN's Region; session timeout 8, 10, 12 or 24; the Okta aws_clientvpn app's signing certificate not expired; group rules only when the app sends memberOf. Settings AWS cannot change on an existing endpoint (client CIDR, transport, authentication) are reported as requiring a new endpoint.

        Exit codes: 0 nothing to do; 2 changes to make (or a new endpoint required); 64 a rule or the config is wrong; 1 error.

        Examples:
          idcsync vpn plan
          idcsync vpn plan --output json | jq '.steps'
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var awsOptions: AWSOptions

    func validate() throws {
        try global.requireOutput([.text, .json], command: "vpn plan")
    }

    func run() async throws {
        try await CommandRunner.run(global, aws: awsOptions) { console in
            let (config, report, _, _) = try await VPNSession.plan(console: console, access: .read)
            console.report(report.diagnostics)
            if global.output == .json {
                console.writeJSON(VPNRenderer.json(report.plan, diagnostics: config.diagnostics + report.diagnostics))
            } else {
                console.write(VPNRenderer.text(report.plan, style: console.out))
            }
            return report.plan.hasChanges || report.plan.requiresNewEndpoint ? .changes : .ok
        }
    }
}
