/// How a command, a reconcile target or a check ended, in the domain's terms. Only the executable
/// turns an outcome into a process exit code.
public enum Outcome: Int, Sendable, Equatable, Comparable, CaseIterable {
    /// Done, or in sync.
    case ok
    /// Drift or pending changes found by a check or plan.
    case changes
    /// An error; nothing half-written.
    case failed
    /// The config or the command line must change.
    case misconfigured

    public static func < (lhs: Outcome, rhs: Outcome) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The worst of several outcomes (misconfigured, then failed, then changes, then ok); ok for none.
    public static func worst(_ outcomes: some Sequence<Outcome>) -> Outcome { outcomes.max() ?? .ok }
}
