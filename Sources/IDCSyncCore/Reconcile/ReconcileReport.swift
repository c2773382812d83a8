/// What `reconcile` found (and fixed) for each target: plain values for the renderers, the metrics
/// file and the exit code.

/// One key's policy in one Region, compared by meaning with the generated policy.
public struct KeyPolicyCheck: Sendable, Equatable {
    public enum State: String, Sendable, Equatable {
        /// The policy is the generated one.
        case matches
        /// It differs, and nothing was written (no `--apply`).
        case drift
        /// It differed and PutKeyPolicy put the generated one back (read back to check).
        case fixed
        /// The Region is enabled in IAM Identity Center but the key has no replica there. reconcile
        /// never creates keys or Regions: `regions add` does.
        case missingReplica = "missing-replica"
    }

    public var region: String
    public var isPrimary: Bool
    public var keyArn: String?
    public var state: State
    /// What differed before any fix; `nil` when the policy matched or there is no key.
    public var difference: PolicyComparison?
    /// Who writes the policy (`kms.owner`): drift of a Terraform-owned policy is reported, never fixed.
    public var owner: Owner

    public init(region: String, isPrimary: Bool, keyArn: String?, state: State, difference: PolicyComparison? = nil, owner: Owner = .idcsync) {
        self.region = region
        self.isPrimary = isPrimary
        self.keyArn = keyArn
        self.state = state
        self.difference = difference
        self.owner = owner
    }

    /// Still different from the generated policy after this run.
    public var isDrift: Bool { state == .drift || state == .missingReplica }
}

/// The Okta app's ACS URL slots against the slot plan.
public struct OktaSlotsCheck: Sendable, Equatable {
    public enum State: String, Sendable, Equatable {
        case inSync = "in-sync"
        case drift
        case fixed
    }

    public var appId: String
    public var appLabel: String?
    public var state: State
    /// The slots that differ (before any fix).
    public var changes: [SlotPlan.Slot]
    /// Slots holding URLs this instance does not own (kept or removed per `okta.foreignUrls`).
    public var foreign: [SlotPlan.Slot]
    /// The backup of the app as read, when a fix was written.
    public var backup: String?
    /// Who writes the app (`okta.owner`).
    public var owner: Owner

    public init(appId: String, appLabel: String?, state: State, changes: [SlotPlan.Slot], foreign: [SlotPlan.Slot], backup: String? = nil,
                owner: Owner = .idcsync) {
        self.appId = appId
        self.appLabel = appLabel
        self.state = state
        self.changes = changes
        self.foreign = foreign
        self.backup = backup
        self.owner = owner
    }
}

/// The Okta dashboard tiles against the tile plan (`okta.tiles` enabled).
public struct TilesCheck: Sendable, Equatable {
    public var state: OktaSlotsCheck.State
    /// One line per step needed (before any fix).
    public var steps: [String]
    /// Who writes the tiles (`okta.owner`).
    public var owner: Owner

    public init(state: OktaSlotsCheck.State, steps: [String], owner: Owner = .idcsync) {
        self.state = state
        self.steps = steps
        self.owner = owner
    }
}

public struct ReconcileTargetReport: Sendable, Equatable {
    public enum State: String, Sendable, Equatable {
        case inSync = "in-sync"
        case drift
        case fixed
        case error
    }

    /// The target's name, or "default" for the top-level sections.
    public var name: String
    public var instanceArn: String?
    public var keyPolicies: [KeyPolicyCheck]
    /// `nil` when the target has no `okta` section or the run failed before reaching Okta.
    public var okta: OktaSlotsCheck?
    /// `nil` when `okta.tiles` is not enabled.
    public var tiles: TilesCheck?
    public var diagnostics: [Diagnostic]
    /// How the target failed (`failed`, or `misconfigured` for configuration problems); `nil` when it ran.
    public var failure: Outcome?
    public var durationSeconds: Double
    public var oktaRequests: Int
    /// `--apply` left a Terraform-owned part's drift unwritten: the target's outcome is a
    /// configuration error (the config gives the part to Terraform, and Terraform must fix it).
    public var refused: Bool = false

    public init(name: String, instanceArn: String? = nil, keyPolicies: [KeyPolicyCheck] = [], okta: OktaSlotsCheck? = nil,
                diagnostics: [Diagnostic] = [], failure: Outcome? = nil, durationSeconds: Double = 0, oktaRequests: Int = 0) {
        self.name = name
        self.instanceArn = instanceArn
        self.keyPolicies = keyPolicies
        self.okta = okta
        self.diagnostics = diagnostics
        self.failure = failure
        self.durationSeconds = durationSeconds
        self.oktaRequests = oktaRequests
    }

    public var keyPolicyDrift: Bool { keyPolicies.contains(where: \.isDrift) }
    public var oktaDrift: Bool { okta?.state == .drift }
    public var tilesDrift: Bool { tiles?.state == .drift }
    /// A Terraform-owned part differs (missing replicas aside: reconcile never creates keys, whoever owns them).
    public var terraformDrift: Bool {
        keyPolicies.contains { $0.owner == .terraform && $0.state == .drift }
            || (okta?.owner == .terraform && oktaDrift) || (tiles?.owner == .terraform && tilesDrift)
    }

    public var state: State {
        if failure != nil { return .error }
        if keyPolicyDrift || oktaDrift || tilesDrift { return .drift }
        if keyPolicies.contains(where: { $0.state == .fixed }) || okta?.state == .fixed || tiles?.state == .fixed { return .fixed }
        return .inSync
    }

    /// ok in sync or fixed, changes when drift is left, misconfigured when `--apply` refused to
    /// write a Terraform-owned part, else how it failed.
    public var outcome: Outcome {
        if let failure { return failure }
        if refused { return .misconfigured }
        return state == .drift ? .changes : .ok
    }
}

public struct ReconcileReport: Sendable, Equatable {
    public var apply: Bool
    public var targets: [ReconcileTargetReport]
    /// Seconds since 1970 when the run started.
    public var startedAt: Double
    public var durationSeconds: Double
    public var awsRequests: Int
    public var oktaRequests: Int
    /// The part of the config this run covered (`--shard`); `nil` when it covered all of it.
    public var shard: ShardSelection?

    public init(apply: Bool, targets: [ReconcileTargetReport], startedAt: Double, durationSeconds: Double, awsRequests: Int, oktaRequests: Int,
                shard: ShardSelection? = nil) {
        self.apply = apply
        self.targets = targets
        self.startedAt = startedAt
        self.durationSeconds = durationSeconds
        self.awsRequests = awsRequests
        self.oktaRequests = oktaRequests
        self.shard = shard
    }

    /// The worst of the targets' outcomes: misconfigured, then failed, then changes, then ok.
    public var outcome: Outcome { Outcome.worst(targets.map(\.outcome)) }

    /// Every target ran (drift or not): the run counts as a success for the metrics.
    public var succeeded: Bool { targets.allSatisfy { $0.failure == nil } }
}

/// A sharded run's part: which shard, how many targets it took and how many the config has.
public struct ShardSelection: Sendable, Equatable {
    public var shard: Shard
    public var targets: Int
    public var configTargets: Int

    public init(shard: Shard, targets: Int, configTargets: Int) {
        self.shard = shard
        self.targets = targets
        self.configTargets = configTargets
    }
}

/// Decimal text without Foundation's locale-dependent formatters (metrics and JSON need `.`).
public enum DecimalText {
    /// `1.5` → `"1.500"`.
    public static func threeDecimals(_ value: Double) -> String {
        let milliseconds = Int64((value * 1000).rounded())
        let sign = milliseconds < 0 ? "-" : ""
        let magnitude = abs(milliseconds)
        let fraction = String(magnitude % 1000)
        return "\(sign)\(magnitude / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }
}
