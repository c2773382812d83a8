/// Decides the steps of `regions add` / `regions remove` from the world as read (plain values, no
/// I/O), so a rerun after any failure or kill skips what is done and finishes the rest.
public enum RegionStepPlanner {
    public enum Action: String, Sendable { case add, remove }

    /// What the workflow read before deciding.
    public struct Facts: Sendable {
        public var action: Action
        public var region: String
        public var primaryRegion: String
        /// Every Region IAM Identity Center lists, with its status (ACTIVE, ADDING, REMOVING).
        public var regions: [(name: String, status: IdentityCenterRegionStatus)]
        /// The key id of the instance's multi-Region key (for the step titles).
        public var keyId: String
        /// The replica key in `region` and its state (nil: no replica).
        public var replicaArn: String?
        public var replicaState: KMSKeyState?
        /// The replica's key policy against the generated one (nil: no replica, or not read).
        public var replicaPolicy: PolicyComparison?
        /// The Okta app and the number of slot changes (nil: Okta not configured).
        public var okta: (appId: String, changes: Int)?
        public var wait: Bool
        public var quota: Int
        /// `bookmarks.out` and whether the guides there already describe the Regions after the change
        /// (nil: `bookmarks.out` is not set).
        public var guides: (outDir: String, current: Bool)?
        /// Steps the Okta dashboard tiles need (nil: `okta.tiles` is not enabled).
        public var tileSteps: Int?

        public init(action: Action, region: String, primaryRegion: String, regions: [(name: String, status: IdentityCenterRegionStatus)], keyId: String,
                    replicaArn: String?, replicaState: KMSKeyState?, replicaPolicy: PolicyComparison?, okta: (appId: String, changes: Int)?, wait: Bool,
                    quota: Int = RegionQuota.default, guides: (outDir: String, current: Bool)? = nil) {
            self.action = action
            self.region = region
            self.primaryRegion = primaryRegion
            self.regions = regions
            self.keyId = keyId
            self.replicaArn = replicaArn
            self.replicaState = replicaState
            self.replicaPolicy = replicaPolicy
            self.okta = okta
            self.wait = wait
            self.quota = quota
            self.guides = guides
        }

        /// IAM Identity Center's status of `region` (nil: not enabled).
        public var status: IdentityCenterRegionStatus? { regions.first { $0.name == region }?.status }
    }

    /// Why the change cannot start now, or nil. Checked before anything is written. (Naming the
    /// primary Region is a usage error the caller rejects before reading the world.)
    public static func refusal(_ facts: Facts) -> Diagnostic? {
        if let busy = facts.regions.first(where: { $0.name != facts.region && $0.status.isChanging }) {
            return Diagnostic(.error, code: "regions.in-progress",
                "\(busy.name) is \(busy.status); IAM Identity Center runs one Region addition or removal at a time. Wait for it to finish, then run again")
        }
        guard facts.action == .add else {
            // RemoveRegion on a Region still being added would only be refused by AWS, and the wait
            // for its removal would run to the timeout.
            if facts.status == .adding {
                return Diagnostic(.error, code: "regions.adding",
                    "\(facts.region) is still being added (ADDING); IAM Identity Center runs one Region addition or removal at a time. Wait until it is ACTIVE (idcsync regions list), then remove it")
            }
            return nil
        }
        if facts.status == .removing {
            return Diagnostic(.error, code: "regions.removing", "\(facts.region) is being removed; wait until it is gone, then add it again")
        }
        if facts.status == nil && facts.regions.count + 1 > facts.quota {
            return Diagnostic(.error, code: "regions.quota",
                "the instance has \(facts.regions.count) Regions; adding \(facts.region) would exceed the quota of \(facts.quota) (primary included). Request an increase in Service Quotas first, or remove a Region")
        }
        if let state = facts.replicaState, !state.isUsableOrBecomingSo {
            return Diagnostic(.error, code: "regions.replica-state",
                "the replica key in \(facts.region) is \(state); it must be Enabled (cancel its deletion or enable it: aws kms cancel-key-deletion / enable-key --key-id \(facts.replicaArn ?? facts.keyId) --region \(facts.region))")
        }
        return nil
    }

    /// The steps, each pending, already done (with what was found) or skipped (with why).
    public static func steps(_ facts: Facts) -> [RegionStep] {
        let region = facts.region
        let status = facts.status
        var steps: [RegionStep] = []
        switch facts.action {
        case .add:
            switch (facts.replicaState, facts.replicaPolicy) {
            case (nil, _):
                steps.append(RegionStep(kind: .replicateKey, title: "create the replica of \(facts.keyId) in \(region) with the IAM Identity Center key policy", state: .pending))
            case (_?, let comparison?) where !comparison.matches:
                steps.append(RegionStep(kind: .fixReplicaPolicy, title: "put the IAM Identity Center key policy on the replica in \(region) (\(comparison.summary))", state: .pending))
            default:
                steps.append(RegionStep(kind: .replicateKey, title: "replica key in \(region)", state: .done("exists with the IAM Identity Center key policy")))
            }
            steps.append(RegionStep(kind: .waitForReplica, title: "wait until the replica key is Enabled",
                                    state: facts.replicaState == .enabled ? .done("Enabled") : .pending))
            steps.append(RegionStep(kind: .addRegion, title: "add \(region) to IAM Identity Center (AddRegion in \(facts.primaryRegion))",
                                    state: status.map { .done("already \($0)") } ?? .pending))
            let waitState: RegionStep.State = status == .active ? .done("ACTIVE") : (facts.wait ? .pending : .skipped("--no-wait: AWS finishes the replication on its own"))
            steps.append(RegionStep(kind: .waitForActive, title: "wait until \(region) is ACTIVE", state: waitState))
        case .remove:
            steps.append(RegionStep(kind: .removeRegion, title: "remove \(region) from IAM Identity Center (RemoveRegion in \(facts.primaryRegion))",
                                    state: status == .active ? .pending : .done(status.map { "already \($0)" } ?? "not enabled")))
            let waitState: RegionStep.State = status == nil ? .done("gone") : (facts.wait ? .pending : .skipped("--no-wait"))
            steps.append(RegionStep(kind: .waitForRemoval, title: "wait until \(region) is removed", state: waitState))
        }
        if let okta = facts.okta {
            steps.append(RegionStep(kind: .oktaApply, title: "write the ACS URL slots of Okta app \(okta.appId) (\(okta.changes) change\(okta.changes == 1 ? "" : "s"))",
                                    state: okta.changes > 0 ? .pending : .done("in sync")))
        } else {
            steps.append(RegionStep(kind: .oktaApply, title: "Okta ACS URL slots", state: .skipped("okta is not configured")))
        }
        if let tileSteps = facts.tileSteps {
            steps.append(RegionStep(kind: .oktaTiles, title: "Okta dashboard tiles (\(tileSteps) step\(tileSteps == 1 ? "" : "s"))",
                                    state: tileSteps > 0 ? .pending : .done("in place")))
        }
        if let guides = facts.guides {
            steps.append(guides.current
                ? RegionStep(kind: .bookmarks, title: "bookmark guides in \(guides.outDir)", state: .done("generated from these Regions"))
                : RegionStep(kind: .bookmarks, title: "write the bookmark guides to \(guides.outDir)", state: .pending))
        } else {
            steps.append(RegionStep(kind: .bookmarks, title: "bookmark guides", state: .skipped("bookmarks.out is not set")))
        }
        return steps
    }
}
