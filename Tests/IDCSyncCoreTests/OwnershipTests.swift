@testable import IDCSyncCore
import Testing

private func parse(_ yaml: String) throws -> Config {
    try ConfigParser.parse(yaml: yaml, file: "idcsync.yaml")
}

private func errors(_ yaml: String, sourceLocation: SourceLocation = #_sourceLocation) -> [Diagnostic] {
    do {
        _ = try ConfigParser.parse(yaml: yaml, file: "idcsync.yaml")
        Issue.record("expected the config to be rejected", sourceLocation: sourceLocation)
        return []
    } catch {
        return error.diagnostics.filter { $0.severity == .error }
    }
}

@Suite("Ownership: owner keys and the decision")
struct OwnershipTests {
    // MARK: Parsing

    @Test func everyOwnerDefaultsToIdcsync() throws {
        let target = try parse("instance: {primaryRegion: ap-northeast-1}\nokta: {orgUrl: https://example.okta.com}\n").defaultTarget
        #expect(target.instance.owner == .idcsync)
        #expect(target.kms.owner == .idcsync)
        #expect(target.okta?.owner == .idcsync)
    }

    @Test func eachOwnerKeyIsRead() throws {
        let config = try parse("""
            instance:
              owner: terraform
            kms:
              owner: terraform
            okta:
              orgUrl: https://example.okta.com
              owner: terraform
            """)
        #expect(config.diagnostics.isEmpty)
        #expect(config.defaultTarget.instance.owner == .terraform)
        #expect(config.defaultTarget.kms.owner == .terraform)
        #expect(config.defaultTarget.okta?.owner == .terraform)
        let idcsync = try parse("instance: {owner: idcsync}\nkms: {owner: idcsync}\nokta: {owner: idcsync}\n").defaultTarget
        #expect(idcsync.instance.owner == .idcsync && idcsync.kms.owner == .idcsync && idcsync.okta?.owner == .idcsync)
    }

    @Test func aTargetsSectionReplacesTheTopLevelOneWhole() throws {
        let config = try parse("""
            kms:
              owner: terraform
            okta:
              orgUrl: https://example.okta.com
              owner: terraform
            targets:
              - name: prod
                okta:
                  orgUrl: https://prod.okta.com
              - name: staging
                kms:
                  owner: terraform
                instance:
                  owner: terraform
            """)
        let prod = try #require(config.target(named: "prod"))
        #expect(prod.okta?.owner == .idcsync, "a target's okta section replaces the top-level one, owner included")
        #expect(prod.kms.owner == .terraform, "a target without a kms section inherits the top-level one")
        let staging = try #require(config.target(named: "staging"))
        #expect(staging.instance.owner == .terraform)
        #expect(staging.okta?.owner == .terraform)
    }

    @Test(arguments: [("instance", 2), ("kms", 2), ("okta", 2)])
    func anUnknownOwnerListsTheAllowedOnes(section: String, line: Int) throws {
        let found = errors("\(section):\n  owner: terrafrom\n")
        #expect(found.count == 1)
        let error = try #require(found.first)
        #expect(error.field == "\(section).owner")
        #expect(error.location?.file == "idcsync.yaml")
        #expect(error.location?.line == line)
        #expect(error.message == "\"terrafrom\" is not allowed; did you mean \"terraform\"? Allowed: idcsync, terraform")
        #expect(error.code == "config.value")
    }

    @Test func anOwnerInsideATargetNamesTheTarget() throws {
        let found = errors("targets:\n  - name: prod\n    okta:\n      owner: [terraform]\n")
        let error = try #require(found.first)
        #expect(found.count == 1)
        #expect(error.field == "targets[0].okta.owner")
        #expect(error.location?.line == 4)
    }

    @Test func theStarterConfigDocumentsTheOwners() throws {
        let text = StarterConfig.render()
        #expect(text.contains("  # owner: idcsync                     # or terraform: idcsync never adds or removes Regions (aws_ssoadmin_region), only reports"))
        #expect(text.contains("  # owner: idcsync                     # or terraform: idcsync never writes key policies or replica keys, only reports"))
        #expect(text.contains("  # owner: idcsync                     # or terraform: idcsync never writes the Okta apps, only reports (see idcsync export terraform)"))
        // Uncommented, the lines are valid config.
        let live = try parse(text.replacing("  # owner: idcsync  ", with: "  owner: terraform  "))
        #expect(live.defaultTarget.instance.owner == .terraform && live.defaultTarget.kms.owner == .terraform && live.defaultTarget.okta?.owner == .terraform)
    }

    // MARK: The decision

    static let terraformEverywhere = Target(instance: InstanceConfig(owner: .terraform), kms: KMSConfig(owner: .terraform), okta: OktaConfig(owner: .terraform))

    @Test func eachPartFollowsItsOwnKey() {
        let oktaOnly = Target(okta: OktaConfig(owner: .terraform))
        let parts: [OwnedPart] = [.oktaAppSettings(appId: "0oa1"), .tile(region: "us-west-2"), .vpnOktaApp(appId: "0oa2"),
                                  .primaryKeyPolicy(keyArn: "k"), .replicaKey(region: "us-west-2", keyArn: nil),
                                  .instanceRegion(region: "us-west-2", action: .add)]
        #expect(Ownership.terraformOwned(parts, in: oktaOnly) == Array(parts.prefix(3)))
        #expect(Ownership.terraformOwned(parts, in: Target(kms: KMSConfig(owner: .terraform))) == [parts[3], parts[4]])
        #expect(Ownership.terraformOwned(parts, in: Target(instance: InstanceConfig(owner: .terraform))) == [parts[5]])
        #expect(Ownership.terraformOwned(parts, in: Target()).isEmpty)
        #expect(Ownership.terraformOwned(parts, in: Self.terraformEverywhere) == parts)
        // No okta section: nothing in Okta is Terraform's.
        #expect(Ownership.terraformOwned(parts, in: Target(kms: KMSConfig(owner: .terraform), okta: nil)) == [parts[3], parts[4]])
    }

    @Test func theRefusalNamesTheOwnerTheObjectTheAddressAndWhatToRun() throws {
        let refusals = Ownership.refusals([.oktaAppSettings(appId: "0oa1b2c3"), .instanceRegion(region: "ap-northeast-3", action: .add)],
                                          in: Target(okta: OktaConfig(owner: .terraform)), configFile: "/etc/idcsync.yaml")
        let refusal = try #require(refusals.first)
        #expect(refusals.count == 1)
        #expect(refusal.severity == .error)
        #expect(refusal.code == "owner.terraform")
        #expect(refusal.field == "okta.owner")
        #expect(refusal.location?.file == "/etc/idcsync.yaml")
        #expect(refusal.message == "okta.owner is terraform: idcsync does not write the Okta app 0oa1b2c3 (the ACS URL slots of IAM Identity Center's app); run `idcsync export terraform` and `terraform apply` (okta_app_saml_app_settings.idcsync), or set okta.owner: idcsync to hand it back")
        let region = Ownership.refusal(.instanceRegion(region: "ap-northeast-3", action: .remove), configFile: "c.yaml")
        #expect(region.message == "instance.owner is terraform: idcsync does not write the Region ap-northeast-3 of the instance (RemoveRegion); run `idcsync export terraform` and `terraform apply` (aws_ssoadmin_region.ap_northeast_3), or set instance.owner: idcsync to hand it back")
        let replica = Ownership.refusal(.replicaKey(region: "us-west-2", keyArn: nil), configFile: "c.yaml")
        #expect(replica.message.contains("kms.owner is terraform: idcsync does not write the replica key in us-west-2 and its key policy; run `idcsync export terraform` and `terraform apply` (aws_kms_replica_key.us_west_2)"))
        let vpn = Ownership.refusal(.vpnOktaApp(appId: "0oavpn"), configFile: "c.yaml")
        #expect(vpn.message == "okta.owner is terraform: idcsync does not write the Okta Client VPN app 0oavpn (its port setting); change it in your Terraform configuration and run `terraform apply`, or set okta.owner: idcsync to hand it back")
    }

    @Test func aRegionChangeWritesOnlyItsPendingSteps() {
        let steps = [
            RegionStep(kind: .replicateKey, title: "", state: .done("exists")),
            RegionStep(kind: .waitForReplica, title: "", state: .pending),
            RegionStep(kind: .addRegion, title: "", state: .pending),
            RegionStep(kind: .oktaApply, title: "", state: .pending),
            RegionStep(kind: .oktaTiles, title: "", state: .pending),
            RegionStep(kind: .bookmarks, title: "", state: .pending),
        ]
        let parts = Ownership.regionChangeParts(steps, action: .add, region: "us-west-2", replicaArn: "arn:r", oktaAppId: "0oa1",
                                                tileRegions: ["us-west-2", "us-west-2", "eu-west-1"])
        #expect(parts == [.instanceRegion(region: "us-west-2", action: .add), .oktaAppSettings(appId: "0oa1"),
                          .tile(region: "us-west-2"), .tile(region: "eu-west-1")])
        let fix = [RegionStep(kind: .fixReplicaPolicy, title: "", state: .pending)]
        #expect(Ownership.regionChangeParts(fix, action: .add, region: "us-west-2", replicaArn: "arn:r", oktaAppId: nil, tileRegions: [])
                == [.replicaKey(region: "us-west-2", keyArn: "arn:r")])
    }

    @Test func driftIsToldInTerraformsWords() throws {
        let slots = [SlotPlan.Slot(number: 3, key: "acsURL3", before: nil, after: "https://us-west-2.signin.aws/platform/saml/acs/t1", reason: .empty, replacedBecause: nil),
                     SlotPlan.Slot(number: 5, key: "acsURL5", before: "https://old.example/acs", after: nil, reason: .foreignRemoved, replacedBecause: nil)]
        #expect(Ownership.slotsFix(slots) == "okta.owner is terraform: terraform apply of okta_app_saml_app_settings.idcsync would set settings.app.acsURL3 to https://us-west-2.signin.aws/platform/saml/acs/t1; clear settings.app.acsURL5 (now https://old.example/acs) (`idcsync export terraform` writes these settings)")
        let difference = PolicyComparison(missing: ["AllowIdentityCenter"], extra: [], different: [])
        #expect(Ownership.keyPolicyFix(region: "ap-northeast-1", isPrimary: true, difference: difference)
                == "kms.owner is terraform: terraform apply would set the policy of aws_kms_key.idcsync (ap-northeast-1) to the generated key policy (now missing AllowIdentityCenter) (`idcsync export terraform` writes it; `idcsync policy kms` shows it)")
        #expect(Ownership.keyPolicyFix(region: "us-west-2", isPrimary: false, difference: nil).contains("aws_kms_replica_key.us_west_2 (us-west-2)"))
        #expect(Ownership.missingReplicaFix(region: "eu-west-1").contains("add aws_kms_replica_key.eu_west_1 for eu-west-1"))
        let tiles = Ownership.tilesFix([
            .assign(appId: "0oat", region: "us-west-2", groups: ["00g1"]),
            .remove(appId: "0oax", region: "eu-west-1", label: "old", why: "the Region left"),
            .update(appId: "0oat", region: "us-west-2", changes: [.init(field: "label", before: "a", after: "b")]),
        ])
        #expect(tiles == "okta.owner is terraform: terraform apply would add 00g1 to okta_app_group_assignments.portal_us_west_2; destroy okta_app_bookmark.portal_eu_west_1 (take it out of the Terraform configuration); change label of okta_app_bookmark.portal_us_west_2 (`idcsync export terraform` writes the tiles)")
        // The start URL tile has the address `export terraform` writes for it.
        let start = Ownership.tilesFix([
            .assign(appId: "0oas", region: TileMarker.startURLKey, groups: ["00g1"]),
            .remove(appId: "0oax", region: "eu-west-1", label: "old", why: "the start URL tile replaces the Regions' tiles"),
        ])
        #expect(start == "okta.owner is terraform: terraform apply would add 00g1 to okta_app_group_assignments.start_url; destroy okta_app_bookmark.portal_eu_west_1 (take it out of the Terraform configuration) (`idcsync export terraform` writes the tiles)")
        #expect(OwnedPart.tile(region: TileMarker.startURLKey).address == "okta_app_bookmark.start_url")
        #expect(OwnedPart.tile(region: TileMarker.startURLKey).object == "the Okta dashboard tile of the start URL")
    }
}
