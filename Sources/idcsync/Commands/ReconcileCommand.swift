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

        With --apply, key policies are put back with PutKeyPolicy and read back, and the Okta app is written through the same guarded path as `okta apply` (backup, re-read, full-object PUT, read-back). reconcile never adds or removes Regions or keys: a Region without a replica key is reported for `regions add`. A part whose owner is terraform (kms.owner, okta.owner) is never written: its drift is reported with the Terraform resource and change that fixes it, and with --apply the other parts are still fixed but the target ends as a configuration error (64).

        Exit codes: 0 in sync (or fixed with --apply); 2 drift found (without --apply); 1 an error in some target; 64 configuration error, or Terraform-owned drift with --apply. With several targets, the worst of them. A second run while one is going exits 1 at once (lock file .idcsync-locks/idcsync-reconcile.lock next to the config, or in --lock-dir).

        Shards: --shard K/N runs part K of N (1-based); N processes with 1/N to N/N together cover every target once. A target's part follows from its Okta org (the host of okta.orgUrl; a target without Okta, from its name), so all the targets of one org run in one process, which keeps the org's rate-limit budget in one place, and a target stays in its part when others are added or removed. A part may be empty (exit 0, with a note). Without --shard, a Kubernetes Indexed Job's JOB_COMPLETION_INDEX (0-based) and JOB_COMPLETIONS give the part: index + 1 of completions; --shard wins over them. Each part has its own lock (idcsync-reconcile-shard-K-of-N.lock), so the parts of one config run side by side; the text, JSON (shard) and metrics (label shard="K/N") name the part.

        Examples:
          idcsync reconcile
          idcsync reconcile --apply --metrics-file /var/lib/node_exporter/textfile/idcsync.prom
          idcsync reconcile --output json --parallel 16 | jq '.targets[] | select(.state != "in-sync")'
          idcsync reconcile --shard 2/4 --output json
          JOB_COMPLETION_INDEX=1 JOB_COMPLETIONS=4 idcsync reconcile --lock-dir /tmp/idcsync-locks   # an Indexed Job pod: shard 2/4
          idcsync reconcile --config /etc/idcsync/idcsync.yaml --lock-dir /run/idcsync/locks --metrics-file /metrics/idcsync.prom
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

    // .unconditional: "-1/4" is a (wrong) value to explain, not an unknown option.
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Run only part K of N of the targets (1-based, e.g. 2/4); all the targets of one Okta org are in one part. Default: JOB_COMPLETION_INDEX + 1 of JOB_COMPLETIONS when both are set, else every target.", valueName: "K/N"))
    var shard: String?

    @Option(name: .long, help: ArgumentHelp("Where to keep the reconcile lock files (default: .idcsync-locks next to the config; give a writable folder when the config's is read-only).", valueName: "dir"))
    var lockDir: String?

    func validate() throws {
        try global.requireOutput([.text, .json], command: "reconcile")
        guard parallel > 0 else { throw ValidationError("--parallel \(parallel): must be positive (1 to 64 targets at once)") }
        guard parallel <= 64 else { throw ValidationError("--parallel \(parallel): must be at most 64") }
        if let metricsFile, metricsFile.isEmpty || metricsFile.hasSuffix("/") {
            throw ValidationError("--metrics-file must name a file, not \"\(metricsFile)\"")
        }
        if let metricsFile, let refusal = ReconcileMetrics.checkDestination(metricsFile) { throw ValidationError(refusal) }
        if let shard {
            if case .failure(let problem) = Shard.parse(shard) { throw ValidationError(problem.message) }
            if let target {
                throw ValidationError("--shard \(shard) and --target \(target) cannot be used together: --target runs one target, --shard a part of all of them; give one")
            }
        }
        // The folder itself is checked when the command runs: parsing (and the documented command
        // lines' test) never looks at the file system.
        if lockDir?.isEmpty == true { throw ValidationError("--lock-dir must name a folder, not \"\"") }
    }

    /// --shard, else the Indexed Job's variables (ignored with --target, which runs one target).
    func selectedShard(_ console: Console) throws(IDCSyncError) -> Shard? {
        let index = console.environment[Shard.indexVariable], count = console.environment[Shard.countVariable]
        let fromEnvironment = index != nil || count != nil
        if let shard, case .success(let parsed) = Shard.parse(shard) {
            if fromEnvironment {
                console.logger.debug("--shard wins over the environment", metadata: ["shard": "\(parsed)",
                    "\(Shard.indexVariable)": "\(index ?? "(unset)")", "\(Shard.countVariable)": "\(count ?? "(unset)")"])
            }
            return parsed
        }
        if let target, fromEnvironment {
            console.logger.debug("--target runs one target; the shard variables are ignored", metadata: ["target": "\(target)"])
            return nil
        }
        switch Shard.fromEnvironment(index: index, count: count) {
        case .success(let shard): return shard
        case .failure(let problem):
            throw IDCSyncError(.configuration, [Diagnostic(.error, code: "config.shard", problem.message + "; nothing was read or written")])
        }
    }

    func run() async throws {
        try await CommandRunner.run(global, aws: awsOptions) { console in
            let shard = try selectedShard(console)
            if let lockDir, let refusal = InstanceLock.checkDirectory(lockDir) {
                throw IDCSyncError(.configuration, [Diagnostic(.error, code: "config.lock-dir", refusal + "; nothing was read or written")])
            }
            let config = try console.loadConfig()
            let targets = try Reconcile.targets(config: config, named: target).map { console.aws?.apply(to: $0) ?? $0 }
            var context = console.engineContext
            context.folders.backups = backupDir
            context.folders.locks = lockDir
            let report = try await Reconcile.run(config: config, targets: targets, options: .init(apply: apply, parallel: parallel, shard: shard),
                                                 context: context)
            if let selection = report.shard, selection.targets == 0 {
                console.report([Diagnostic(.note, code: "reconcile.empty-shard",
                    "shard \(selection.shard) has no targets in this config (\(selection.configTargets) target\(selection.configTargets == 1 ? "" : "s") in all); nothing to check")])
            }
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
