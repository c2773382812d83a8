import IDCSyncCore
import IDCSyncEngine

/// The one place outcomes and errors become process exit codes (README "Exit codes"):
/// 0 done or in sync, 2 changes found, 1 error, 64 usage or configuration (ArgumentParser's
/// convention), 128 + the signal's number when SIGINT (130) or SIGTERM (143) cancelled the run.
enum ExitCodes {
    static func code(_ outcome: Outcome) -> Int {
        switch outcome {
        case .ok: 0
        case .changes: 2
        case .failed: 1
        case .misconfigured: 64
        }
    }

    static func code(for error: IDCSyncError, signal: Int32?) -> Int {
        if case .cancelled = error.kind, let signal { return 128 + Int(signal) }
        return code(error.outcome)
    }
}
