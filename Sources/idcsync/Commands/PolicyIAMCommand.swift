import ArgumentParser
import IDCSyncCore
import IDCSyncEngine
import IDCSyncRendering

struct PolicyIAMCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "iam",
        abstract: "Print the least-privilege IAM policy for the identity that runs idcsync.",
        discussion: """
        Lists exactly the actions of the AWS calls the chosen commands make, scoped to the instance, the key (in every Region) and the VPN resources where AWS supports resource-level permissions.

          read-only  regions list, doctor, okta plan, reconcile (no --apply)
          reconcile  read-only + PutKeyPolicy; never adds or removes Regions
          regions    reconcile + ReplicateKey + AddRegion/RemoveRegion
          vpn        vpn plan|apply (IAM SAML provider, ACM, Client VPN)
          all        every command

        Without instance.arn and kms.keyArn in the config, they are read from AWS (ListInstances, DescribeInstance) when AWS credentials are there, and said on stderr; --offline makes no AWS request, and the policy then allows those actions on every instance or key of the account, with a warning naming the key to set.

        Examples:
          idcsync policy iam > idcsync-runner.json
          idcsync policy iam --for reconcile > reconcile.json
          aws iam create-policy --policy-name idcsync-reconcile \\
            --policy-document file://reconcile.json
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var targetOptions: TargetOptions
    @OptionGroup var discovery: DiscoveryOptions
    @OptionGroup var awsOptions: AWSOptions

    @Option(name: .customLong("for"), help: ArgumentHelp("Which commands the identity runs: all, regions, reconcile, read-only or vpn.", valueName: "role"))
    var role: RunnerRole = .all

    func validate() throws {
        try global.requireOutput([.text, .json], command: "policy iam")
    }

    func run() async throws {
        try await CommandRunner.run(global, aws: awsOptions) { console in
            let (config, configured) = try console.loadTarget(targetOptions.target)
            let completed = try await console.complete(configured, config: config, command: "idcsync policy iam", offline: discovery.offline) {
                DiscoveryNeeds.runnerPolicy($0, partitionKnown: PolicyGeneration.runnerPartition(config: config, target: $0) != nil)
            }
            let report = try PolicyGeneration.runnerPolicy(config: config, target: completed.target, role: role)
            console.report(report.diagnostics)
            if global.output == .json {
                console.writeJSON(PolicyRenderer.runnerPolicyJSON(role: role, policy: report.policy,
                                                                  diagnostics: config.diagnostics + completed.diagnostics + report.diagnostics))
            } else {
                console.write(report.policy.text)
            }
            return .ok
        }
    }
}

extension RunnerRole: ExpressibleByArgument {}
