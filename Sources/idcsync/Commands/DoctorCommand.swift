import ArgumentParser
import IDCSyncCore
import IDCSyncEngine
import IDCSyncRendering

struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check failover readiness: each check passes, warns or fails, with the fix.",
        discussion: """
        Checks, in order: the instance's key is customer managed and multi-Region; every Region has a replica carrying the generated key policy; every Region is ACTIVE (and there is at least one besides the primary); the Okta ACS URL slots are complete; the default ACS URL and issuer are the primary Region's; the Okta signing certificate is valid for more than 30 days (warns under 30, fails when expired); the bookmark guides in bookmarks.out exist and name the current Regions; instance.startUrl, when set, redirects to a Regional portal of this instance in one of its Regions (followed as `idcsync status` does, without credentials); the break-glass runbook exists. Reads AWS and Okta; writes nothing.

        Exit codes: 0 every check passed or warned; 2 some check failed; 1 doctor could not run (for example no AWS access); 64 configuration error.

        Examples:
          idcsync doctor
          idcsync doctor --output json | jq '.checks[] | select(.status != "pass")'
          idcsync doctor --break-glass-runbook https://wiki.example.com/aws-break-glass
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var targetOptions: TargetOptions
    @OptionGroup var awsOptions: AWSOptions

    @Option(name: .long, help: ArgumentHelp("The break-glass runbook: a path relative to the config file, or an https URL (not fetched).", valueName: "path-or-url"))
    var breakGlassRunbook = Doctor.defaultRunbook

    func validate() throws {
        try global.requireOutput([.text, .json], command: "doctor")
        if breakGlassRunbook.isEmpty || breakGlassRunbook.hasPrefix("http://") {
            throw ValidationError("--break-glass-runbook must be a path or an https URL, not \"\(breakGlassRunbook)\"")
        }
    }

    func run() async throws {
        try await CommandRunner.run(global, aws: awsOptions) { console in
            let (config, target) = try console.loadTarget(targetOptions.target)
            let prober = try NetworkStatusProber(environment: console.environment, userAgent: "idcsync/\(IDCSyncVersion.source) doctor")
            let report = try await Doctor.run(config: config, target: target, options: .init(breakGlassRunbook: breakGlassRunbook, prober: prober),
                                              context: console.engineContext)
            if global.output == .json {
                console.writeJSON(DoctorRenderer.json(report, exitCode: ExitCodes.code))
            } else {
                console.write(DoctorRenderer.text(report, style: console.out))
            }
            return report.outcome
        }
    }
}
