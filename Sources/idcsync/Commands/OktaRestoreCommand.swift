import ArgumentParser
import IDCSyncCore
import IDCSyncEngine
import IDCSyncRendering

struct OktaRestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Put an Okta app back exactly as a backup saved it.",
        discussion: """
        The backup is a file that `okta apply` wrote before a write. The current state is backed up first, then the whole app is written and read back; every field must match the backup (Okta's own id, status and timestamps aside).

        Examples:
          idcsync okta restore idcsync-backups/okta-app-0oa1b2c3d4-20261121T100000.000Z.json
          idcsync okta restore BACKUP --yes
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var targetOptions: TargetOptions
    @OptionGroup var writeOptions: WriteOptions

    @Argument(help: ArgumentHelp("A backup file written by `idcsync okta apply`.", valueName: "backup"))
    var backup: String

    func validate() throws {
        try global.requireOutput([.text, .json], command: "okta restore")
    }

    func run() async throws {
        try await CommandRunner.run(global) { console in
            let (config, target) = try console.loadTarget(targetOptions.target)
            let client = try OktaWorkflow.client(config: config, target: target, console: console, access: .readWrite)
            let yes = writeOptions.yes
            if !yes { try console.requireTerminalForConfirmation() }
            let result = try await OktaSync.restore(
                backupPath: backup, target: target, client: client,
                options: .init(backupDirectory: OktaWorkflow.backupDirectory(config: config, target: target, override: writeOptions.backupDir)),
                confirm: { saved, current in
                    if yes { return true }
                    return (try? console.confirm("Replace Okta app \(saved.id) \"\(current.label ?? "")\" (last updated \(current.lastUpdated ?? "?")) with the backup \(backup)?", yes: false)) ?? false
                },
                logger: console.logger)
            guard let result else {
                console.writeError("Nothing was written.")
                if global.output == .json { console.writeJSON(.object(["restored": false])) }
                return .failure
            }
            if global.output == .json {
                console.writeJSON(.object(["restored": true, "appId": .string(result.restored.id), "backupOfPreviousState": .string(result.backup)]))
            } else if !global.quiet {
                console.writeError("Restored Okta app \(result.restored.id) from \(backup). The state before the restore: \(result.backup)")
            }
            return .ok
        }
    }
}
