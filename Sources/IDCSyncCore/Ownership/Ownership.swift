/// Who writes an object idcsync manages: idcsync itself (the default), or Terraform, in which case
/// idcsync only reads it and reports its drift with the Terraform change that fixes it.
public enum Owner: String, Sendable, Equatable, CaseIterable {
    case idcsync
    case terraform
}

/// One object a command would write, as the ownership decision sees it.
public enum OwnedPart: Sendable, Equatable {
    /// The IAM Identity Center app's settings (its ACS URL slots); `nil` when the app id is not known yet.
    case oktaAppSettings(appId: String?)
    /// The dashboard tile (Bookmark app) of a Region and its group assignments; `nil`: every tile.
    case tile(region: String?)
    /// The Okta app of the Client VPN (its `port` setting).
    case vpnOktaApp(appId: String)
    /// The key policy of the primary key.
    case primaryKeyPolicy(keyArn: String)
    /// The replica key in a Region and its key policy.
    case replicaKey(region: String, keyArn: String?)
    /// An additional Region of the instance (AddRegion / RemoveRegion).
    case instanceRegion(region: String, action: RegionStepPlanner.Action)

    /// The config field that says who owns the part.
    public var ownerField: String {
        switch self {
        case .oktaAppSettings, .tile, .vpnOktaApp: "okta.owner"
        case .primaryKeyPolicy, .replicaKey: "kms.owner"
        case .instanceRegion: "instance.owner"
        }
    }

    /// Who owns the part in this target.
    public func owner(in target: Target) -> Owner {
        switch self {
        case .oktaAppSettings, .tile, .vpnOktaApp: target.okta?.owner ?? .idcsync
        case .primaryKeyPolicy, .replicaKey: target.kms.owner
        case .instanceRegion: target.instance.owner
        }
    }

    /// The object in words, for messages.
    public var object: String {
        switch self {
        case .oktaAppSettings(let appId?): "the Okta app \(appId) (the ACS URL slots of IAM Identity Center's app)"
        case .oktaAppSettings(nil): "the IAM Identity Center app in Okta (its ACS URL slots)"
        case .tile(let key?): key == TileMarker.startURLKey ? "the Okta dashboard tile of the start URL" : "the Okta dashboard tile of \(key)"
        case .tile(nil): "the Okta dashboard tiles (Bookmark apps) of the Regions"
        case .vpnOktaApp(let appId): "the Okta Client VPN app \(appId) (its port setting)"
        case .primaryKeyPolicy(let arn): "the key policy of the primary key \(arn)"
        case .replicaKey(let region, let arn?): "the replica key \(arn) in \(region) and its key policy"
        case .replicaKey(let region, nil): "the replica key in \(region) and its key policy"
        case .instanceRegion(let region, .add): "the Region \(region) of the instance (AddRegion)"
        case .instanceRegion(let region, .remove): "the Region \(region) of the instance (RemoveRegion)"
        }
    }

    /// The Terraform resource address that holds the part, when `export terraform` writes one.
    public var address: String? {
        switch self {
        case .oktaAppSettings: TerraformAddress.oktaAppSettings
        case .tile(let key?): TerraformAddress.tile(key: key)
        case .tile(nil): "okta_app_bookmark.portal_*"
        case .vpnOktaApp: nil
        case .primaryKeyPolicy: TerraformAddress.primaryKey
        case .replicaKey(let region, _): Ownership.region(region).map(TerraformAddress.replicaKey)
        case .instanceRegion(let region, _): Ownership.region(region).map(TerraformAddress.instanceRegion)
        }
    }
}

/// The ownership decision, pure: which parts of a planned change Terraform owns, and the words that
/// refuse them or tell how Terraform fixes their drift.
public enum Ownership {
    public static let refusalCode = "owner.terraform"
    public static let driftCode = "owner.terraform-drift"

    /// The parts Terraform owns, in the order given.
    public static func terraformOwned(_ parts: [OwnedPart], in target: Target) -> [OwnedPart] {
        parts.filter { $0.owner(in: target) == .terraform }
    }

    /// One error per Terraform-owned part: the owner, the object and what to run instead.
    public static func refusals(_ parts: [OwnedPart], in target: Target, configFile: String) -> [Diagnostic] {
        terraformOwned(parts, in: target).map { refusal($0, configFile: configFile) }
    }

    public static func refusal(_ part: OwnedPart, configFile: String) -> Diagnostic {
        let field = part.ownerField
        let instead = part.address.map { "run `idcsync export terraform` and `terraform apply` (\($0))" }
            ?? "change it in your Terraform configuration and run `terraform apply`"
        return Diagnostic(.error, code: refusalCode,
                          "\(field) is terraform: idcsync does not write \(part.object); \(instead), or set \(field): idcsync to hand it back",
                          field: field, location: FileLocation(file: configFile))
    }

    /// The parts a Region change's pending steps would write (bookmark guides are local files, not owned).
    public static func regionChangeParts(_ steps: [RegionStep], action: RegionStepPlanner.Action, region: String, replicaArn: String?,
                                         oktaAppId: String?, tileRegions: [String]) -> [OwnedPart] {
        var parts: [OwnedPart] = []
        for step in steps where step.state == .pending {
            switch step.kind {
            case .replicateKey, .fixReplicaPolicy:
                parts.append(.replicaKey(region: region, keyArn: replicaArn))
            case .addRegion, .removeRegion:
                parts.append(.instanceRegion(region: region, action: action))
            case .oktaApply:
                parts.append(.oktaAppSettings(appId: oktaAppId))
            case .oktaTiles:
                for name in tileRegions where !parts.contains(.tile(region: name)) { parts.append(.tile(region: name)) }
            case .waitForReplica, .waitForActive, .waitForRemoval, .bookmarks:
                break
            }
        }
        return parts
    }

    // MARK: Drift, in Terraform's words

    /// What `terraform apply` changes in the IdC app's settings to end the slots' drift.
    public static func slotsFix(_ changes: [SlotPlan.Slot]) -> String {
        let edits = changes.map { slot in
            slot.after.map { "set settings.app.\(slot.key) to \($0)" } ?? "clear settings.app.\(slot.key) (now \(slot.before ?? ""))"
        }
        return "okta.owner is terraform: terraform apply of \(TerraformAddress.oktaAppSettings) would \(edits.joined(separator: "; ")) (`idcsync export terraform` writes these settings)"
    }

    /// What `terraform apply` changes in the tiles to end their drift.
    public static func tilesFix(_ steps: [TilePlan.Step]) -> String {
        let edits = steps.map { step -> String in
            switch step {
            case .create(let tile, let groups, _):
                "create \(tileAddress(tile.key)) (\(tile.url))" + (groups.isEmpty ? "" : " assigned \(groups.joined(separator: ", "))")
            case .update(_, let region, let changes):
                "change \(changes.map(\.field).joined(separator: ", ")) of \(tileAddress(region))"
            case .activate(_, let region): "set status ACTIVE on \(tileAddress(region))"
            case .assign(_, let region, let groups): "add \(groups.joined(separator: ", ")) to \(groupsAddress(region))"
            case .unassign(_, let region, let groups): "take \(groups.joined(separator: ", ")) off \(groupsAddress(region))"
            case .remove(_, let region, _, _): "destroy \(tileAddress(region)) (take it out of the Terraform configuration)"
            }
        }
        return "okta.owner is terraform: terraform apply would \(edits.joined(separator: "; ")) (`idcsync export terraform` writes the tiles)"
    }

    /// What `terraform apply` changes in a key's policy to end its drift.
    public static func keyPolicyFix(region: String, isPrimary: Bool, difference: PolicyComparison?) -> String {
        let address = isPrimary ? TerraformAddress.primaryKey : (Ownership.region(region).map(TerraformAddress.replicaKey) ?? "aws_kms_replica_key")
        return "kms.owner is terraform: terraform apply would set the policy of \(address) (\(region)) to the generated key policy"
            + (difference.map { " (now \($0.summary))" } ?? "") + " (`idcsync export terraform` writes it; `idcsync policy kms` shows it)"
    }

    /// What Terraform adds for a Region whose replica key is missing.
    public static func missingReplicaFix(region: String) -> String {
        "kms.owner is terraform: add \(Ownership.region(region).map(TerraformAddress.replicaKey) ?? "an aws_kms_replica_key") for \(region) and run terraform apply (`idcsync export terraform` writes it)"
    }

    static func tileAddress(_ name: String) -> String {
        TerraformAddress.tile(key: name) ?? "the okta_app_bookmark of \(name)"
    }
    static func groupsAddress(_ name: String) -> String {
        TerraformAddress.tileGroups(key: name) ?? "the okta_app_group_assignments of \(name)"
    }

    static func region(_ name: String) -> Region? { try? Region.parse(name).get() }
}
