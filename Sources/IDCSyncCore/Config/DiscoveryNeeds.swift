/// What AWS can tell idcsync that a config may leave out, each from one read-only call.
public enum DiscoverableFact: String, Sendable, Hashable, CaseIterable {
    /// sso-admin ListInstances: the instance ARN, its primary Region, identity store and owner account.
    case instance
    /// sso-admin ListRegions: the instance's enabled Regions.
    case regions
    /// sso-admin DescribeInstance: the instance's customer managed KMS key, if it has one.
    case key
    /// Organizations ListDelegatedAdministrators for `sso.amazonaws.com`.
    case delegatedAdministrators

    public var source: String {
        switch self {
        case .instance: "sso-admin ListInstances"
        case .regions: "sso-admin ListRegions"
        case .key: "sso-admin DescribeInstance"
        case .delegatedAdministrators: "Organizations ListDelegatedAdministrators"
        }
    }
}

/// A config key that a command needs, that the config leaves to discovery.
public struct MissingKey: Sendable, Equatable {
    /// The config field, as written in idcsync.yaml (`instance.regions`).
    public var field: String
    /// What the command uses it for, completing "needs FIELD for ...".
    public var purpose: String
    public var fact: DiscoverableFact
    /// Without a required key the output would be wrong (a policy that is not the one `reconcile`
    /// enforces, Regions left out); without an optional one it is only less precise, and says so.
    public var required: Bool

    public init(_ field: String, _ fact: DiscoverableFact, required: Bool, _ purpose: String) {
        self.field = field
        self.fact = fact
        self.required = required
        self.purpose = purpose
    }
}

/// Which keys each command that can run offline needs, given the config. Empty: it runs offline and
/// makes no AWS request.
public enum DiscoveryNeeds {
    /// `idcsync urls`. With `--region`, the Regions to show are given, so the instance's own list is
    /// only a note ("not one of the instance's Regions") and not required.
    public static func urls(_ target: Target, regionsGiven: Bool) -> [MissingKey] {
        portals(target, regionsRequired: !regionsGiven, arnRequired: false, regionsPurpose: "the instance's Regions, whose URLs are listed")
    }

    /// `idcsync bookmarks`: the guides name every Region's portal, which starts with the instance id.
    public static func guides(_ target: Target) -> [MissingKey] {
        portals(target, regionsRequired: true, arnRequired: true, regionsPurpose: "the instance's Regions, which the guides cover")
    }

    /// `idcsync status`: the instance id (in every Regional portal host) and the primary Region are
    /// required; without the Regions only the primary is probed, with a warning.
    public static func status(_ target: Target) -> [MissingKey] {
        portals(target, regionsRequired: false, arnRequired: true, regionsPurpose: "the Regions whose portals and sign-in hosts are probed")
    }

    /// The keys behind every Region's portal and ACS URLs.
    private static func portals(_ target: Target, regionsRequired: Bool, arnRequired: Bool, regionsPurpose: String) -> [MissingKey] {
        var needs = instanceBasics(target)
        if target.instance.regions == nil {
            needs.append(MissingKey("instance.regions", .regions, required: regionsRequired, regionsPurpose))
        }
        if target.instance.arn == nil {
            needs.append(MissingKey("instance.arn", .instance, required: arnRequired, "the instance id in the additional Regions' portal hosts"))
        }
        if target.instance.identityStoreId == nil {
            needs.append(MissingKey("instance.identityStoreId", .instance, required: false, "the classic access portal URL (https://d-xxxxxxxxxx.awsapps.com/start)"))
        }
        return needs
    }

    /// `idcsync policy kms`: everything `reconcile` puts into the key policy, so the two are the same
    /// document.
    public static func keyPolicy(_ target: Target, pinned: Bool) -> [MissingKey] {
        var needs = instanceBasics(target)
        if target.managementAccount == nil {
            needs.append(MissingKey("instance.accountId", .instance, required: true, "the management account, which the key policy names (or set kms.keyArn)"))
        }
        if target.kms.delegatedAdministrators == .auto {
            needs.append(MissingKey("kms.delegatedAdministrators", .delegatedAdministrators, required: true,
                                    "the delegated administrator accounts the key policy admits (auto; list them, or [] for none)"))
        }
        if pinned {
            if target.instance.arn == nil {
                needs.append(MissingKey("instance.arn", .instance, required: true, "the pinned encryption context"))
            }
            if target.instance.identityStoreId == nil {
                needs.append(MissingKey("instance.identityStoreId", .instance, required: true, "the pinned encryption context"))
            }
        }
        if target.kms.keyArn == nil && target.kms.delegatedAdministrators != .accounts([]) {
            needs.append(MissingKey("kms.keyArn", .key, required: false, "the IAM policy of the delegated administrator accounts, which names the key"))
        }
        return needs
    }

    /// `idcsync policy iam`: without the instance and key ARNs the policy is valid but broader.
    public static func runnerPolicy(_ target: Target, partitionKnown: Bool) -> [MissingKey] {
        var needs: [MissingKey] = []
        if !partitionKnown {
            needs.append(MissingKey("instance.primaryRegion", .instance, required: true, "the partition of every ARN in the policy"))
        }
        if target.instance.arn == nil {
            needs.append(MissingKey("instance.arn", .instance, required: false, "scoping the IAM Identity Center actions to the instance"))
        }
        if target.kms.keyArn == nil {
            needs.append(MissingKey("kms.keyArn", .key, required: false, "scoping the KMS actions to the instance's key"))
        }
        return needs
    }

    private static func instanceBasics(_ target: Target) -> [MissingKey] {
        guard target.instance.primaryRegion == nil else { return [] }
        return [MissingKey("instance.primaryRegion", .instance, required: true, "telling the primary Region from the additional ones")]
    }
}
