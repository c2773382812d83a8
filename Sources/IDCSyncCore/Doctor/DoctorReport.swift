/// `doctor`: failover readiness as a list of checks, each pass, warn, fail or skip, with the fix.
public struct DoctorCheck: Sendable, Equatable {
    public enum Status: String, Sendable, Equatable {
        case pass, warn, fail
        /// Not evaluated because something it needs failed first.
        case skip
    }

    /// A stable identifier for scripts and alerting, e.g. `replica-keys`.
    public var id: String
    public var title: String
    public var status: Status
    public var detail: String
    /// What to do about a warning or failure.
    public var fix: String?

    public init(id: String, title: String, status: Status, detail: String, fix: String? = nil) {
        self.id = id
        self.title = title
        self.status = status
        self.detail = detail
        self.fix = fix
    }
}

public struct DoctorReport: Sendable, Equatable {
    public var target: String
    public var checks: [DoctorCheck]

    public init(target: String, checks: [DoctorCheck]) {
        self.target = target
        self.checks = checks
    }

    /// changes when any check fails (warnings do not count), else ok.
    public var outcome: Outcome { checks.contains { $0.status == .fail } ? .changes : .ok }

    public func count(_ status: DoctorCheck.Status) -> Int { checks.filter { $0.status == status }.count }
}
