import ArgumentParser
import IDCSyncCore
import IDCSyncEngine
import IDCSyncRendering

struct OktaRestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Put an Okta app back exactly as an idcsync backup saved it.",
        discussion: """
        The backup is a file idcsync wrote before a write (okta apply, regions add/remove, reconcile --apply, okta tiles apply, vpn apply). idcsync restores only what the backup proves: its envelope and SHA-256 must match (an edited or cut-short file is refused), it must be of the configured org (okta.orgUrl) and of the app this config names or discovers (okta.appId, one of idcsync's tiles, vpn.oktaAppId), with the same name. A backup that would take a field away from the app, clear anything but an ACS URL slot, or change the default ACS URL, the issuer or the sign-on mode is refused.

        The whole-app difference (now → backup) is shown before asking. The current state is backed up first, then the whole app is written and read back field by field.

        Exit codes: 0 restored, or the app already is as the backup; 2 with --dry-run when fields would change; 1 error or declined; 64 a backup refused, a configuration error, or okta.owner is terraform (nothing is sent).

        Examples:
          idcsync okta restore idcsync-backups/okta-app-0oa1b2c3d4-20261121T100000.000Z.json --dry-run
          idcsync okta restore BACKUP
          idcsync okta restore BACKUP --yes --output json
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var targetOptions: TargetOptions
    @OptionGroup var writeOptions: WriteOptions

    @Flag(name: .long, help: "Show what would change and write nothing.")
    var dryRun = false

    @Argument(help: ArgumentHelp("A backup file written by idcsync.", valueName: "backup"))
    var backup: String

    func validate() throws {
        try global.requireOutput([.text, .json], command: "okta restore")
    }

    func run() async throws {
        try await CommandRunner.run(global) { console in
            let (config, target) = try console.loadTarget(targetOptions.target)
            try WriteGate.requireOwned(OktaRestore.parts(backupPath: backup), target: target, configFile: config.source)
            let client = try OktaWorkflow.client(config: config, target: target, console: console, access: dryRun ? .read : .readWrite)
            let preview = try await OktaRestore.prepare(backupPath: backup, config: config, target: target, client: client)
            let context = RestoreRenderer.Context(backupPath: backup, appId: preview.current.id, appName: preview.current.name, label: preview.current.label,
                                                  savedAt: preview.backup.savedAt, currentLastUpdated: preview.current.lastUpdated)
            if global.output == .text {
                console.write(RestoreRenderer.text(preview.differences, context: context, style: console.out))
            }
            let count = preview.differences.count
            let engine = console.engineContext(writing: writeOptions)
            let result = try await WriteGate.run(hasChanges: !preview.differences.isEmpty, dryRun: dryRun,
                                                 question: "Replace Okta app \(preview.current.id) \"\(preview.current.label ?? "")\" with the backup (\(count) field\(count == 1 ? "" : "s") change)?",
                                                 confirm: console.confirmation(yes: writeOptions.yes)) { () async throws(IDCSyncError) -> String in
                try await OktaRestore.apply(preview, client: client, options: .init(
                    backupDirectory: engine.folders.backupDirectory(config: config, target: target), now: engine.date), logger: engine.logger)
            }
            if result.ending == .declined { console.writeError("Nothing was written.") }
            if let previous = result.done, !global.quiet {
                console.writeError("Restored Okta app \(preview.current.id) from \(backup) and read it back. The state before the restore: \(previous)")
            }
            if global.output == .json {
                console.writeJSON(RestoreRenderer.restoreDocument(preview.differences, context: context,
                                                                  outcome: result.ending == .written ? "restored" : result.ending.rawValue,
                                                                  backupOfPreviousState: result.done))
            }
            return result.outcome
        }
    }
}
