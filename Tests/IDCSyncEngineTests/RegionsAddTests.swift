import Foundation
import IDCSyncCore
@testable import IDCSyncEngine
import IDCSyncTestSupport
import OktaKit
import Testing

/// `regions add --no-wait` planned and executed in-process: which steps run from each resume point,
/// and what they write. (The waits that poll with the system clock are left to the end-to-end tests.)
@Suite("regions add (in-process, fakes, no wait)")
struct RegionsAddTests {
    private func addOsaka(_ aws: FakeAWS) async throws -> (EngineWorld, RegionChangePlan, [RegionStep]) {
        let world = try EngineWorld(aws: aws)
        world.okta.addIdentityCenterApp(slots: [1: FakeOkta.acs(EngineWorld.primary), 2: FakeOkta.acs(EngineWorld.primary, "dualstack")])
        let config = try world.standardConfig()
        let target = try config.selectTarget(nil)
        let context = world.context
        let client = context.aws(target)
        let okta = try context.okta(target, configFile: config.source, access: .readWrite)
        let plan = try await RegionsWorkflow.plan(.add, region: try Region.parse(EngineWorld.osaka).get(), config: config, target: target, aws: client,
                                                  okta: okta, context: context, wait: false)
        world.aws.clearCalls()
        let steps = try await RegionsWorkflow.execute(plan, aws: client, okta: okta, options: .init(wait: false, backupDirectory: world.folder.path),
                                                      configFile: config.source, context: context, events: { _ in })
        return (world, plan, steps)
    }

    private func summary(_ steps: [RegionStep]) -> [String] {
        steps.map { step in
            switch step.state {
            case .pending: "\(step.kind): pending"
            case .done: "\(step.kind): done"
            case .skipped: "\(step.kind): skipped"
            }
        }
    }

    private func expectOsakaAddedAndSlotsWritten(_ world: EngineWorld, _ plan: RegionChangePlan) throws {
        #expect(world.aws.calls("AddRegion") == ["sso-admin:AddRegion@ap-northeast-1"], "sent to the primary Region")
        let replica = try JSONParser.parse(world.aws.policy(in: EngineWorld.osaka) ?? "")
        #expect(replica == plan.keyPolicy.document.json, "the replica carries the generated key policy")
        #expect(world.okta.puts == ["PUT /api/v1/apps/0oaidc1"])
        #expect(Set((1...17).compactMap { world.okta.slot("acsURL\($0)") }) == Set(EngineWorld.syncedSlots.values))
    }

    @Test func fromScratchItReplicatesTheKeyAddsTheRegionAndWritesTheSlots() async throws {
        let (world, plan, steps) = try await addOsaka(FakeAWS(regions: [(EngineWorld.primary, "ACTIVE")], replicas: []))
        #expect(summary(plan.steps).prefix(4) == ["replicateKey: pending", "waitForReplica: pending", "addRegion: pending", "waitForActive: skipped"])
        #expect(summary(plan.steps).contains("oktaApply: pending"))
        #expect(summary(steps).filter { $0.hasSuffix("pending") }.isEmpty, "\(summary(steps))")
        #expect(world.aws.calls("ReplicateKey") == ["kms:ReplicateKey@ap-northeast-1"], "sent to the primary key's Region")
        try expectOsakaAddedAndSlotsWritten(world, plan)
    }

    @Test func aReplicaAlreadyInPlaceIsNotCreatedAgain() async throws {
        let aws = FakeAWS(regions: [(EngineWorld.primary, "ACTIVE")], replicas: [EngineWorld.osaka])
        let seed = try EngineWorld(aws: aws)
        let policy = try await seed.generatedPolicy(try seed.standardConfig())
        aws.setPolicy(policy, in: EngineWorld.osaka)
        let (world, plan, _) = try await addOsaka(aws)
        #expect(summary(plan.steps).prefix(3) == ["replicateKey: done", "waitForReplica: done", "addRegion: pending"])
        #expect(world.aws.calls("ReplicateKey").isEmpty)
        #expect(world.aws.calls("PutKeyPolicy").isEmpty)
        try expectOsakaAddedAndSlotsWritten(world, plan)
    }

    @Test func aReplicaWithAnotherPolicyGetsTheGeneratedOneBeforeTheRegionIsAdded() async throws {
        let aws = FakeAWS(regions: [(EngineWorld.primary, "ACTIVE")], replicas: [EngineWorld.osaka], policy: #"{"Version":"2012-10-17","Statement":[]}"#)
        let (world, plan, _) = try await addOsaka(aws)
        #expect(summary(plan.steps).prefix(3) == ["fixReplicaPolicy: pending", "waitForReplica: done", "addRegion: pending"])
        #expect(world.aws.calls("ReplicateKey").isEmpty)
        #expect(world.aws.calls("PutKeyPolicy") == ["kms:PutKeyPolicy@ap-northeast-3"])
        let order = world.aws.calls.filter { $0.contains("PutKeyPolicy") || $0.contains("AddRegion") }
        #expect(order == ["kms:PutKeyPolicy@ap-northeast-3", "sso-admin:AddRegion@ap-northeast-1"], "the key policy before the Region")
        try expectOsakaAddedAndSlotsWritten(world, plan)
    }
}
