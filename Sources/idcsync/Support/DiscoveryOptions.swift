import ArgumentParser
import IDCSyncCore
import IDCSyncEngine

/// `--offline` for the commands that work from the config alone when it has everything, and read
/// from AWS only what it leaves out.
struct DiscoveryOptions: ParsableArguments {
    @Flag(name: .long, help: ArgumentHelp("Make no AWS request; name each config key that is missing.",
        discussion: "Without it, keys the config leaves out are read from AWS (read-only calls) when AWS credentials are there, and each value read is said on stderr. A config that sets them all is never sent to AWS."))
    var offline = false
}

extension Console {
    /// The target with what `needs` lists read from AWS (or the error naming each missing key), and
    /// the notes saying what was read, already shown on stderr.
    func complete(_ target: Target, config: Config, command: String, offline: Bool,
                  needs: (Target) -> [MissingKey]) async throws(IDCSyncError) -> CompletedTarget {
        let completed = try await ConfigCompletion.complete(target, command: command, needs: needs, offline: offline,
                                                            configFile: config.source, context: engineContext)
        report(completed.diagnostics)
        return completed
    }
}
