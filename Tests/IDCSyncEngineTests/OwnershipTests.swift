import Foundation
import IDCSyncCore
@testable import IDCSyncEngine
import IDCSyncTestSupport
import OktaKit
import Synchronization
import Testing

/// `owner: terraform` in-process against the fakes: every write Terraform owns is refused (nothing
/// sent), reconcile fixes only idcsync's parts, and drift names the Terraform address.
@Suite("ownership (in-process, fakes)")
struct OwnershipEngineTests {
    private static let osaka = try! Region.parse(EngineWorld.osaka).get()

    private func reconcile(_ world: EngineWorld, _ config: Config, apply: Bool) async throws -> ReconcileReport {
        var context = world.context
        context.folders.backups = world.folder.path
        return try await Reconcile.run(config: config, targets: try Reconcile.targets(config: config, named: nil), options: .init(apply: apply),
                                       context: context)
    }

    private func breakReplicaPolicy(_ world: EngineWorld) throws {
        var document = try JSONParser.parse(world.aws.policy(in: EngineWorld.osaka) ?? "").objectValue!
        let statements = document["Statement"]?.arrayValue ?? []
        document["Statement"] = .array(statements.filter { $0["Sid"]?.stringValue != "AllowIdentityStoreToUseTheKMSKey" })
        world.aws.setPolicy(JSONWriter.pretty(.object(document)), in: EngineWorld.osaka)
    }

    private func writes(_ world: EngineWorld) -> [String] {
        world.aws.calls.filter { call in ["ReplicateKey", "CreateReplicaKey", "AddRegion", "RemoveRegion", "PutKeyPolicy"].contains { call.contains(":\($0)@") } }
            + world.okta.requests.filter { !$0.hasPrefix("GET ") }
    }

    private func backups(_ world: EngineWorld) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: world.folder.path).filter { $0.hasPrefix("okta-app-") }
    }

    /// Tokyo and Osaka, key policies in sync; Osaka's replica policy and one Okta slot drifted.
    private func driftedWorld(kms: Owner, okta: Owner) async throws -> (EngineWorld, Config) {
        let world = try EngineWorld()
        var slots = EngineWorld.syncedSlots
        slots[4] = nil
        world.okta.addIdentityCenterApp(slots: slots)
        let synced = try world.standardConfig()
        try await world.syncKeyPolicies(synced)
        try breakReplicaPolicy(world)
        let config = try world.config("""
            instance:
              primaryRegion: \(EngineWorld.primary)
            kms:
              delegatedAdministrators: []
              owner: \(kms.rawValue)
            okta:
              orgUrl: \(world.okta.orgURL)
              appId: 0oaidc1
              owner: \(okta.rawValue)
            """)
        return (world, config)
    }

    // MARK: reconcile

    @Test func reconcileApplyFixesIdcsyncsPartsAndRefusesTerraformsDrift() async throws {
        let (world, config) = try await driftedWorld(kms: .terraform, okta: .idcsync)
        let report = try await reconcile(world, config, apply: true)
        let target = try #require(report.targets.first)
        #expect(report.outcome == .misconfigured, "a Terraform-owned part left unwritten is a configuration error")
        #expect(target.refused)
        #expect(world.aws.calls("PutKeyPolicy").isEmpty, "the key policy is Terraform's")
        #expect(world.okta.puts == ["PUT /api/v1/apps/0oaidc1"], "the Okta slots are idcsync's and are fixed")
        #expect(target.okta?.state == .fixed && target.okta?.owner == .idcsync)
        let replica = try #require(target.keyPolicies.first { $0.region == EngineWorld.osaka })
        #expect(replica.state == .drift && replica.owner == .terraform)
        let refusal = try #require(target.diagnostics.first { $0.code == Ownership.refusalCode })
        #expect(refusal.severity == .error)
        #expect(refusal.message.hasPrefix("kms.owner is terraform: idcsync does not write the replica key arn:aws:kms:ap-northeast-3:"))
        #expect(refusal.message.contains("run `idcsync export terraform` and `terraform apply` (aws_kms_replica_key.ap_northeast_3), or set kms.owner: idcsync to hand it back"))
        let fix = try #require(target.diagnostics.first { $0.code == Ownership.driftCode })
        #expect(fix.message.hasPrefix("kms.owner is terraform: terraform apply would set the policy of aws_kms_replica_key.ap_northeast_3 (ap-northeast-3) to the generated key policy (now missing AllowIdentityStoreToUseTheKMSKey)"))
    }

    @Test func reconcileApplyNeverWritesATerraformOwnedOktaApp() async throws {
        let (world, config) = try await driftedWorld(kms: .idcsync, okta: .terraform)
        let report = try await reconcile(world, config, apply: true)
        let target = try #require(report.targets.first)
        #expect(report.outcome == .misconfigured)
        #expect(world.okta.requests.allSatisfy { $0.hasPrefix("GET ") }, "\(world.okta.requests)")
        #expect(try backups(world).isEmpty, "no backup for a write that was refused")
        #expect(world.aws.calls("PutKeyPolicy") == ["kms:PutKeyPolicy@ap-northeast-3"], "the key policy is idcsync's and is fixed")
        #expect(target.okta?.state == .drift && target.okta?.owner == .terraform)
        let refusal = try #require(target.diagnostics.first { $0.code == Ownership.refusalCode })
        #expect(refusal.message.hasPrefix("okta.owner is terraform: idcsync does not write the Okta app 0oaidc1"))
        let fix = try #require(target.diagnostics.first { $0.code == Ownership.driftCode })
        #expect(fix.message.contains("terraform apply of okta_app_saml_app_settings.idcsync would set settings.app.acsURL"))
        #expect(fix.message.contains(FakeOkta.acs(EngineWorld.osaka, "dualstack")))
    }

    @Test func withoutApplyTerraformsDriftIsDriftWithTheTerraformChange() async throws {
        let (world, config) = try await driftedWorld(kms: .terraform, okta: .terraform)
        let report = try await reconcile(world, config, apply: false)
        let target = try #require(report.targets.first)
        #expect(report.outcome == .changes)
        #expect(!target.refused)
        #expect(writes(world).isEmpty)
        #expect(target.diagnostics.filter { $0.code == Ownership.driftCode }.count == 2)
        #expect(!target.diagnostics.contains { $0.code == Ownership.refusalCode })
    }

    @Test func terraformOwnedPartsInSyncAreFine() async throws {
        let world = try EngineWorld()
        world.okta.addIdentityCenterApp(slots: EngineWorld.syncedSlots)
        let config = try world.standardConfig(extra: "  owner: terraform")
        #expect(config.defaultTarget.okta?.owner == .terraform)
        try await world.syncKeyPolicies(config)
        let report = try await reconcile(world, config, apply: true)
        #expect(report.outcome == .ok, "\(report.targets.map(\.diagnostics))")
        #expect(report.targets.first?.okta?.owner == .terraform)
        #expect(writes(world).isEmpty)
    }

    // MARK: regions add / remove

    private func change(_ world: EngineWorld, _ config: Config, _ action: RegionStepPlanner.Action, dryRun: Bool = false) async throws(IDCSyncError) -> RegionChangeResult {
        var context = world.context
        context.folders.backups = world.folder.path
        return try await RegionsWorkflow.change(.init(action: action, region: Self.osaka, dryRun: dryRun, wait: false), config: config,
                                                target: try! config.selectTarget(nil), context: context,
                                                interaction: Interaction(confirm: { _ in
            Issue.record("a refused change must not ask")
            return true
        }))
    }

    private func tokyoOnly(_ owners: String) throws -> (EngineWorld, Config) {
        let world = try EngineWorld(aws: FakeAWS(regions: [(EngineWorld.primary, "ACTIVE")], replicas: []))
        world.okta.addIdentityCenterApp(slots: [1: FakeOkta.acs(EngineWorld.primary), 2: FakeOkta.acs(EngineWorld.primary, "dualstack")])
        let config = try world.config("""
            instance:
              primaryRegion: \(EngineWorld.primary)
            \(owners)
            okta:
              orgUrl: \(world.okta.orgURL)
              appId: 0oaidc1
            """)
        return (world, config)
    }

    @Test func regionsAddIsRefusedBeforeAnyWriteListingEveryTerraformPart() async throws {
        for dryRun in [false, true] {
            let (world, config) = try tokyoOnly("  owner: terraform\nkms:\n  delegatedAdministrators: []\n  owner: terraform")
            let error = await #expect(throws: IDCSyncError.self) { _ = try await change(world, config, .add, dryRun: dryRun) }
            #expect(error?.kind == .configuration)
            let messages = error?.diagnostics.map(\.message) ?? []
            #expect(messages.count == 2, "\(messages)")
            #expect(messages.first?.hasPrefix("kms.owner is terraform: idcsync does not write the replica key ") == true)
            #expect(messages.first?.contains("(aws_kms_replica_key.ap_northeast_3)") == true)
            #expect(messages.last == "instance.owner is terraform: idcsync does not write the Region ap-northeast-3 of the instance (AddRegion); run `idcsync export terraform` and `terraform apply` (aws_ssoadmin_region.ap_northeast_3), or set instance.owner: idcsync to hand it back")
            #expect(writes(world).isEmpty)
            #expect(try backups(world).isEmpty)
        }
    }

    @Test func regionsAddIsRefusedWhenOnlyTheOktaAppIsTerraforms() async throws {
        let world = try EngineWorld(aws: FakeAWS(regions: [(EngineWorld.primary, "ACTIVE")], replicas: []))
        world.okta.addIdentityCenterApp(slots: [1: FakeOkta.acs(EngineWorld.primary), 2: FakeOkta.acs(EngineWorld.primary, "dualstack")])
        let config = try world.standardConfig(extra: "  owner: terraform")
        let error = await #expect(throws: IDCSyncError.self) { _ = try await change(world, config, .add) }
        #expect(error?.kind == .configuration)
        #expect(error?.diagnostics.map(\.field) == ["okta.owner"])
        #expect(error?.diagnostics.first?.message.hasPrefix("okta.owner is terraform: idcsync does not write the Okta app 0oaidc1") == true)
        #expect(writes(world).isEmpty, "nothing in AWS either: the change is refused whole")
    }

    @Test func regionsRemoveIsRefusedWhenTerraformOwnsTheRegions() async throws {
        let world = try EngineWorld()
        world.okta.addIdentityCenterApp(slots: EngineWorld.syncedSlots)
        let config = try world.config("""
            instance:
              primaryRegion: \(EngineWorld.primary)
              owner: terraform
            kms:
              delegatedAdministrators: []
            """)
        let error = await #expect(throws: IDCSyncError.self) { _ = try await change(world, config, .remove) }
        #expect(error?.kind == .configuration)
        #expect(error?.diagnostics.map(\.message) == ["instance.owner is terraform: idcsync does not write the Region ap-northeast-3 of the instance (RemoveRegion); run `idcsync export terraform` and `terraform apply` (aws_ssoadmin_region.ap_northeast_3), or set instance.owner: idcsync to hand it back"])
        #expect(writes(world).isEmpty)
    }

    // MARK: okta plan, apply, restore, tiles

    @Test func oktaPlanNamesTheTerraformChange() async throws {
        let world = try EngineWorld()
        world.okta.addIdentityCenterApp(slots: [1: FakeOkta.acs(EngineWorld.primary)])
        let config = try world.offlineConfig(okta: "owner: terraform")
        let target = try config.selectTarget(nil)
        let (report, _) = try await OktaSync.planTarget(config: config, target: target, access: .read, context: world.context)
        let note = try #require(report.diagnostics.first { $0.code == Ownership.driftCode })
        #expect(note.severity == .note)
        #expect(note.field == "okta.owner")
        #expect(note.message.hasPrefix("okta.owner is terraform: terraform apply of okta_app_saml_app_settings.idcsync would set settings.app.acsURL"))
        #expect(note.message.contains(FakeOkta.acs(EngineWorld.osaka)))
        #expect(world.okta.puts.isEmpty)
    }

    @Test func theWriteGateRefusesTerraformsPartsAndPassesIdcsyncs() throws {
        let terraform = Target(okta: OktaConfig(appId: "0oa1", owner: .terraform))
        #expect(throws: Never.self) { try WriteGate.requireOwned([.primaryKeyPolicy(keyArn: "k")], target: terraform, configFile: "c.yaml") }
        #expect(throws: Never.self) { try WriteGate.requireOwned([.oktaAppSettings(appId: "0oa1")], target: Target(okta: OktaConfig()), configFile: "c.yaml") }
        let error = #expect(throws: IDCSyncError.self) {
            try WriteGate.requireOwned([.oktaAppSettings(appId: "0oa1"), .tile(region: nil)], target: terraform, configFile: "c.yaml")
        }
        #expect(error?.kind == .configuration)
        #expect(error?.outcome == .misconfigured)
        #expect(error?.diagnostics.map(\.message).last == "okta.owner is terraform: idcsync does not write the Okta dashboard tiles (Bookmark apps) of the Regions; run `idcsync export terraform` and `terraform apply` (okta_app_bookmark.portal_*), or set okta.owner: idcsync to hand it back")
    }

    @Test func aRestoreWritesTheAppItsBackupIsOf() throws {
        let world = try EngineWorld()
        world.okta.addIdentityCenterApp(slots: [1: FakeOkta.acs(EngineWorld.primary)])
        let app = try OktaApp(json: try #require(world.okta.apps["0oaidc1"]))
        let path = try Backups.save(app, orgURL: world.okta.orgURL, directory: world.folder.path, now: Date(timeIntervalSince1970: 1_763_700_000))
        #expect(try OktaRestore.parts(backupPath: path) == [.oktaAppSettings(appId: app.id)])
    }
}
