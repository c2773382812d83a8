import ArgumentParser
import IDCSyncCore
import IDCSyncEngine
import IDCSyncRendering

struct ReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Check (or, with --apply, fix) every Region's key policy and the Okta ACS URL slots. For schedulers.",
        discussion: """
        For each target (every entry of the config's targets list, else the top-level sections), compares the key policy of the primary key and of every replica with the generated one (by meaning, as JSON) and the Okta app's ACS URL slots with the slot plan. AWS is read once per instance, however many targets share it; Okta once per target when it is in sync.

        With --apply, key policies are put back with PutKeyPolicy and read back, and the Okta app is written through the same guarded path as `okta apply` (backup, re-read, full-object PUT, read-back). reconcile never adds or removes Regions or keys: a Region without a replica key is reported for `regions add`.

        Exit codes: 0 in sync (or fixed with --apply); 2 drift found (without --apply); 1 an error in some target; 64 configuration error. With several targets, the worst of them. A second run while one is going exits 1 at once (lock file .idcsync-locks/idcsync-reconcile.lock next to the config).

        Examples:
          idcsync reconcile
          idcsync reconcile --apply --metrics-file /var/lib/node_exporter/textfile/idcsync.prom
          idcsync reconcile --output json --parallel 16 | jq '.targets[] | select(.state != "in-sync")'
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var awsOptions: AWSOptions

    @Option(name: .long, help: ArgumentHelp("Only this entry of the config's targets list (default: all of them).", valueName: "name"))
    var target: String?

    @Flag(name: .long, help: "Fix what differs: key policies with PutKeyPolicy, Okta slots through the guarded write.")
    var apply = false

    @Option(name: .long, help: ArgumentHelp("Write Prometheus metrics here (textfile-collector format, replaced atomically).", valueName: "file"))
    var metricsFile: String?

    // .unconditional: "-3" is a (wrong) value to explain, not an unknown option ("Missing value").
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("How many targets to check at once (1-64).", valueName: "n"))
    var parallel = 8

    @Option(name: .long, help: ArgumentHelp("Where to save each Okta app as read before --apply writes it (default: okta.backupDir, else idcsync-backups next to the config).", valueName: "dir"))
    var backupDir: String?

    func validate() throws {
        try global.requireOutput([.text, .json], command: "reconcile")
        guard parallel > 0 else { throw ValidationError("--parallel \(parallel): must be positive (1 to 64 targets at once)") }
        guard parallel <= 64 else { throw ValidationError("--parallel \(parallel): must be at most 64") }
        if let metricsFile, metricsFile.isEmpty || metricsFile.hasSuffix("/") {
            throw ValidationError("--metrics-file must name a file, not \"\(metricsFile)\"")
        }
        if let metricsFile, let refusal = ReconcileMetrics.checkDestination(metricsFile) { throw ValidationError(refusal) }
    }

    func run() async throws {
        try await CommandRunner.run(global, aws: awsOptions) { console in
            let config = try console.loadConfig()
            let targets = try Reconcile.targets(config: config, named: target).map { console.aws?.apply(to: $0) ?? $0 }
            var context = console.engineContext
            context.folders.backups = backupDir
            let report = try await Reconcile.run(config: config, targets: targets, options: .init(apply: apply, parallel: parallel), context: context)
            for result in report.targets {
                let shown = global.output == .json ? result.diagnostics : result.diagnostics.filter { $0.severity != .error }
                console.report(shown.map { Diagnostic($0.severity, code: $0.code, "\(result.name): \($0.message)", field: $0.field, location: $0.location) })
            }
            if global.output == .json {
                console.writeJSON(ReconcileRenderer.json(report, exitCode: ExitCodes.code))
            } else {
                console.write(ReconcileRenderer.text(report, style: console.out, exitCode: ExitCodes.code))
            }
            if let metricsFile { try ReconcileMetrics.write(report, to: metricsFile, exitCode: ExitCodes.code) }
            return report.outcome
        }
    }
}
