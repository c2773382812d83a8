import IDCSyncCore

/// The answer to "write this?": `--yes`, the terminal, or a test.
public typealias Confirmation = @Sendable (String) throws(IDCSyncError) -> Bool

/// The one decision every command that writes makes after its plan is shown: nothing to write, a dry
/// run, a "no", or the write. Only the write touches AWS or Okta; every other ending sends nothing.
public enum WriteGate {
    public enum Ending: String, Sendable {
        case inSync = "in-sync"
        case dryRun = "dry-run"
        case declined
        case written
    }

    /// What a command's run ended as (the write's own result with it).
    public struct Result<Done: Sendable>: Sendable {
        public var ending: Ending
        public var done: Done?

        /// In sync or written: ok; a dry run with changes: changes; declined: failed (nothing was written).
        public var outcome: Outcome {
            switch ending {
            case .inSync, .written: .ok
            case .dryRun: .changes
            case .declined: .failed
            }
        }
    }

    public static func run<Done: Sendable>(hasChanges: Bool, dryRun: Bool, question: @autoclosure () -> String, confirm: Confirmation,
                                           write: () async throws(IDCSyncError) -> Done) async throws(IDCSyncError) -> Result<Done> {
        guard hasChanges else { return Result(ending: .inSync, done: nil) }
        if dryRun { return Result(ending: .dryRun, done: nil) }
        guard try confirm(question()) else { return Result(ending: .declined, done: nil) }
        return Result(ending: .written, done: try await write())
    }
}

extension WriteGate {
    /// Refuses, before anything is sent, a write to any part Terraform owns (`owner: terraform`):
    /// a configuration error naming each part, its owner and what to run instead.
    public static func requireOwned(_ parts: [OwnedPart], target: Target, configFile: String) throws(IDCSyncError) {
        let refusals = Ownership.refusals(parts, in: target, configFile: configFile)
        guard refusals.isEmpty else { throw IDCSyncError(.configuration, refusals) }
    }
}
