import ArgumentParser

/// Options of the commands that write to Okta.
struct WriteOptions: ParsableArguments {
    @Flag(name: .long, help: "Write without asking for confirmation (needed when stdin is not a terminal).")
    var yes = false

    @Option(name: .long, help: ArgumentHelp("Where to save the app as read before writing (default: okta.backupDir, else idcsync-backups next to the config).", valueName: "dir"))
    var backupDir: String?
}
