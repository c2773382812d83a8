import ArgumentParser
import IDCSyncCore
import SystemKit
import IDCSyncEngine
import IDCSyncRendering

struct VPNApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Create or fix the Client VPN: SAML provider, Okta port, security group, endpoint, subnets, rules, client configuration.",
        discussion: """
        Runs the plan after the same checks: the IAM SAML provider created or updated from the Okta app's metadata, the Okta app's port set to 35001 (guarded write with a backup), a security group when the config names none, the endpoint (federated authentication, self-service portal set explicitly), subnet associations and authorization rules. Then it exports the client configuration, adds auth-federate and reneg-sec 0, and writes it with mode 0600. A rerun creates nothing twice; settings that need a new endpoint are reported, never recreated.

        Exit codes: 0 done; 1 error or declined; 64 a rule or the config is wrong, or okta.owner is terraform and the plan changes the Okta app (nothing is changed).

        Examples:
          idcsync vpn apply
          idcsync vpn apply --yes --ovpn-out okta-vpn.ovpn
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var awsOptions: AWSOptions
    @OptionGroup var writeOptions: WriteOptions

    @Option(name: .long, help: ArgumentHelp("Where to write the client configuration (default: client-vpn.ovpn next to the config).", valueName: "file"))
    var ovpnOut: String?

    func validate() throws {
        try global.requireOutput([.text, .json], command: "vpn apply")
    }

    func run() async throws {
        try await CommandRunner.run(global, aws: awsOptions) { console in
            let (config, report, cloud, okta) = try await VPNSession.plan(console: console, access: .readWrite)
            let path = ovpnOut ?? Paths.resolve("client-vpn.ovpn", relativeTo: config.source)
            try VPNWorkflow.checkClientConfigurationDestination(path)
            console.report(report.diagnostics)
            if global.output == .text { console.write(VPNRenderer.text(report.plan, style: console.out)) }
            try WriteGate.requireOwned(VPNWorkflow.ownedParts(report), target: config.defaultTarget, configFile: config.source)
            if report.plan.hasChanges {
                guard try console.confirm("Make these changes?", yes: writeOptions.yes) else {
                    console.writeError("Nothing was changed.")
                    return .failed
                }
            }
            let quiet = global.quiet
            let engine = console.engineContext(writing: writeOptions)
            // Also when nothing changed: the client configuration is written from what exists.
            let result = try await VPNWorkflow.apply(report, config: config, cloud: cloud, okta: okta,
                                                     backupDirectory: engine.folders.backupDirectory(config: config, target: config.defaultTarget),
                                                     now: engine.date, logger: engine.logger, progress: { line in if !quiet { FileDescriptor.standardError.write("  ✓ \(line)\n") } })
            if !result.clientConfiguration.isEmpty {
                try VPNWorkflow.writeClientConfiguration(result.clientConfiguration, to: path)
                if !quiet { console.writeError("Client configuration (SAML): \(path) (mode 0600). Import it into the AWS provided client.") }
            }
            if global.output == .json {
                console.writeJSON(VPNRenderer.applyDocument(report.plan, done: result.done,
                                                            clientConfigurationPath: result.clientConfiguration.isEmpty ? nil : path))
            }
            return .ok
        }
    }
}
