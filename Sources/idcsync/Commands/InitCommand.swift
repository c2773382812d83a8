import ArgumentParser
import IDCSyncCore
import IDCSyncEngine
import IDCSyncRendering

struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a commented starter idcsync.yaml.",
        discussion: """
        Writes to --config (default ./idcsync.yaml). An existing file is never replaced without --force. OKTA_CLIENT_ORGURL, when set, fills okta.orgUrl.

        Examples:
          idcsync init
          idcsync init --config prod/idcsync.yaml --force
        """
    )

    @OptionGroup var global: GlobalOptions

    @Flag(name: .long, help: "Replace an existing file.")
    var force = false

    func validate() throws {
        try global.requireOutput([.text, .json], command: "init")
    }

    func run() async throws {
        try await CommandRunner.run(global) { console in
            let path = ConfigLoader(environment: console.environment).resolvePath(global.config).path
            try ConfigInitializer.run(path: path, force: force, environment: console.environment)
            if global.output == .json {
                console.writeJSON(FilesRenderer.initDocument(path: path))
            } else if !global.quiet {
                console.writeError("Wrote \(path). Fill in what you know, then check it with `idcsync urls` and `idcsync policy kms`.")
            }
            return .ok
        }
    }
}
