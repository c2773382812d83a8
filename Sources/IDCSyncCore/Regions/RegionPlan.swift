/// One step of `regions add` / `regions remove`, decided from the world as read, so a rerun after
/// any failure or kill skips what is already done and finishes the rest.
public struct RegionStep: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case replicateKey = "replicate-key"
        case fixReplicaPolicy = "fix-replica-key-policy"
        case waitForReplica = "wait-for-replica-key"
        case addRegion = "add-region"
        case waitForActive = "wait-for-active"
        case removeRegion = "remove-region"
        case waitForRemoval = "wait-for-removal"
        case oktaApply = "okta-apply"
        case oktaTiles
        case bookmarks
    }

    public enum State: Sendable, Equatable {
        /// To do.
        case pending
        /// Already true in the world; nothing to do.
        case done(String)
        /// Not done, on purpose.
        case skipped(String)
    }

    public var kind: Kind
    public var title: String
    public var state: State

    public init(kind: Kind, title: String, state: State) {
        self.kind = kind
        self.title = title
        self.state = state
    }
}

/// One line of `regions list`.
public struct RegionRow: Sendable, Equatable {
    public var region: String
    public var isPrimary: Bool
    /// ACTIVE, ADDING, REMOVING, or nil when IAM Identity Center does not have the Region.
    public var identityCenter: IdentityCenterRegionStatus?
    /// The key state in the Region (nil: no replica).
    public var key: KMSKeyState?
    /// nil when there is no key in the Region to compare.
    public var keyPolicy: PolicyComparison?
    public var okta: String

    public init(region: String, isPrimary: Bool, identityCenter: IdentityCenterRegionStatus?, key: KMSKeyState?, keyPolicy: PolicyComparison?, okta: String) {
        self.region = region
        self.isPrimary = isPrimary
        self.identityCenter = identityCenter
        self.key = key
        self.keyPolicy = keyPolicy
        self.okta = okta
    }
}
