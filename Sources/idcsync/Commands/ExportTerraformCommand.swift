import ArgumentParser
import IDCSyncCore
import IDCSyncEngine
import IDCSyncRendering

struct ExportTerraformCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "terraform",
        abstract: "Write Terraform (1.5+) for what idcsync makes true, with import blocks for what already exists.",
        discussion: """
        From the same plan as the other commands: the key policy (`idcsync policy kms`) as key-policy.json, referenced by aws_kms_key.idcsync and by an aws_kms_replica_key per additional Region (KMS does not copy policies to replicas); an aws_ssoadmin_region per additional Region; okta_app_saml_app_settings.idcsync with the complete settings.app (ACS slots as planned, every other key as read); an okta_app_bookmark and okta_app_group_assignments per tile when okta.tiles is enabled. Every object that exists gets an import block with the id form its provider documents (cited in a comment), so `terraform plan` adopts instead of recreating. The Regions are instance.regions when the config lists them, else the instance's.

        Files: aws.tf, okta.tf (when okta is configured) and key-policy.json, formatted as `terraform fmt` leaves them, the same for the same world. With --out DIR they are written atomically into that existing folder; a file that exists with other content is refused (nothing is written) unless --force. Without --out they are printed on stdout, each after a `# file: NAME` line. Facts idcsync cannot read are marked OPEN in the files and said on stderr.

        Reads AWS and Okta only: writes nothing to either. Exit codes: 0 written or printed; 1 error; 64 configuration or usage error (no such folder, a file that differs without --force).

        Examples:
          mkdir -p infra/idcsync
          idcsync export terraform --out infra/idcsync
          idcsync export terraform --out infra/idcsync --force
          idcsync export terraform > idcsync-export.txt
          idcsync export terraform --output json | jq '.imports'
          idcsync export terraform --target staging --out infra/staging
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var targetOptions: TargetOptions
    @OptionGroup var awsOptions: AWSOptions

    @Option(name: .long, help: ArgumentHelp("The existing folder to write aws.tf, okta.tf and key-policy.json into. Without it the files are printed on stdout.", valueName: "dir"))
    var out: String?

    @Flag(name: .long, help: "Replace files in --out whose content differs from the export.")
    var force = false

    func validate() throws {
        try global.requireOutput([.text, .json], command: "export terraform")
        if let out, out.trimmingWhitespace().isEmpty { throw ValidationError("--out must not be empty; give a folder, or leave --out out to print the files on stdout") }
        if force && out == nil { throw ValidationError("--force applies to --out; without --out the files are printed on stdout") }
    }

    func run() async throws {
        try await CommandRunner.run(global, aws: awsOptions) { console in
            let (config, target) = try console.loadTarget(targetOptions.target)
            let aws = console.engineContext.aws(target)
            let report = try await TerraformExportGathering.gather(config: config, target: target, aws: aws, context: console.engineContext)
            var written: [String]?
            if let out {
                let outcome = try ExportFiles.write(report.export.files, to: out, force: force)
                written = outcome.written
                if !global.quiet {
                    for path in outcome.written { console.writeError("wrote \(path)\n") }
                    for path in outcome.unchanged { console.writeError("unchanged \(path)\n") }
                }
            }
            console.report(report.diagnostics)
            if global.output == .json {
                console.writeJSON(ExportRenderer.json(report.export, written: written, diagnostics: config.diagnostics + report.diagnostics))
            } else if out == nil {
                console.write(ExportRenderer.text(report.export))
            }
            return .ok
        }
    }
}
