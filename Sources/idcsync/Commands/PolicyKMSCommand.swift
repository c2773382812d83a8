import ArgumentParser
import IDCSyncCore
import IDCSyncEngine
import IDCSyncRendering

struct PolicyKMSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kms",
        abstract: "Print the key policy for the instance's multi-Region KMS key (the same in every Region).",
        discussion: """
        KMS does not copy key policies to replicas: put this document on the primary key and on every replica. It holds the six statements of the IAM Identity Center baseline key policy, a key-administrator statement (kms.keyAdministrators, default the management account root) and the optional statements the config switches on. It is checked against KMS's 131,072-character limit.

        It is the policy `reconcile` enforces. Works from the config alone when it sets instance.primaryRegion, the management account (instance.accountId or kms.keyArn) and kms.delegatedAdministrators as a list ([] for none). What it leaves out is read from AWS (ListInstances, Organizations ListDelegatedAdministrators, DescribeInstance) when AWS credentials are there, and said on stderr; --offline makes no AWS request and names each missing key instead.

        With delegated administrators, their accounts also need an IAM policy. In text mode it is printed on stderr, so stdout stays one pipeable document; --document delegated-admin prints it alone on stdout, and --output json holds both.

        Examples:
          idcsync policy kms > key-policy.json
          aws kms put-key-policy --key-id mrk-... \\
            --policy file://key-policy.json --region ap-northeast-3
          idcsync policy kms --pinned
          idcsync policy kms --document delegated-admin > admin.json
          idcsync policy kms --offline
        """
    )

    enum Document: String, CaseIterable, ExpressibleByArgument {
        case key
        case delegatedAdmin = "delegated-admin"
    }

    @OptionGroup var global: GlobalOptions
    @OptionGroup var targetOptions: TargetOptions
    @OptionGroup var discovery: DiscoveryOptions
    @OptionGroup var awsOptions: AWSOptions

    @Flag(name: .long, help: "Pin the encryption context to this instance and identity store instead of * (also kms.pinned).")
    var pinned = false

    @Option(name: .long, help: ArgumentHelp("Which document to print in text mode: key or delegated-admin.", valueName: "document"))
    var document: Document?

    func validate() throws {
        try global.requireOutput([.text, .json], command: "policy kms")
        if document != nil && global.output == .json {
            throw ValidationError("--document applies to --output text; the JSON document holds both policies")
        }
    }

    func run() async throws {
        try await CommandRunner.run(global, aws: awsOptions) { console in
            let (config, configured) = try console.loadTarget(targetOptions.target)
            let completed = try await console.complete(configured, config: config, command: "idcsync policy kms", offline: discovery.offline) {
                DiscoveryNeeds.keyPolicy($0, pinned: pinned || $0.kms.pinned)
            }
            let report = try PolicyGeneration.keyPolicy(target: completed.target, pinned: pinned, configFile: config.source)

            if global.output == .json {
                console.report(report.diagnostics)
                console.writeJSON(PolicyRenderer.keyPolicyJSON(
                    policy: report.keyPolicy, pinned: report.pinned, keyArn: report.keyArn,
                    delegatedAdministrators: report.delegatedAdministrators,
                    delegatedAdministratorPolicy: report.delegatedAdministratorPolicy,
                    diagnostics: config.diagnostics + completed.diagnostics + report.diagnostics))
                return .ok
            }
            switch document ?? .key {
            case .key:
                console.report(report.diagnostics)
                console.write(report.keyPolicy.text)
                if let delegated = report.delegatedAdministratorPolicy, !global.quiet {
                    console.writeError("\n" + PolicyRenderer.delegatedAdministratorHeader(accounts: report.delegatedAdministrators))
                    console.writeError(delegated.text)
                }
            case .delegatedAdmin:
                guard let delegated = report.delegatedAdministratorPolicy else {
                    let reason = report.delegatedAdministrators.isEmpty
                        ? "kms.delegatedAdministrators lists no account"
                        : "kms.keyArn is not set, and the policy names the key"
                    throw IDCSyncError.config("usage.no-delegated-policy", "there is no delegated administrator policy to print: \(reason)", file: config.source)
                }
                console.report(report.diagnostics)
                console.write(delegated.text)
            }
            return .ok
        }
    }
}
