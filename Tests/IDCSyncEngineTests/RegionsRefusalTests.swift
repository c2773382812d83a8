import Foundation
import IDCSyncCore
@testable import IDCSyncEngine
import IDCSyncTestSupport
import Testing

/// `regions add` planning refuses before any write: each refusal's kind, code and message.
@Suite("regions add refusals (in-process, fakes)")
struct RegionsRefusalTests {
    private func planAdd(_ region: String, aws: FakeAWS) async throws -> (IDCSyncError?, EngineWorld) {
        let world = try EngineWorld(aws: aws)
        let config = try world.config("""
            instance:
              primaryRegion: \(EngineWorld.primary)
            kms:
              delegatedAdministrators: []
            """)
        let target = try config.selectTarget(nil)
        let context = world.context
        let error = await #expect(throws: IDCSyncError.self) {
            _ = try await RegionsWorkflow.plan(.add, region: try Region.parse(region).get(), config: config, target: target, aws: context.aws(target),
                                               okta: nil, context: context, wait: false)
        }
        #expect(world.aws.calls.allSatisfy { !$0.contains(":Put") && !$0.contains(":Add") && !$0.contains(":Replicate") }, "refused before any write")
        return (error, world)
    }

    @Test func anotherRegionInProgressIsAConflict() async throws {
        let (error, _) = try await planAdd(EngineWorld.osaka, aws: FakeAWS(regions: [(EngineWorld.primary, "ACTIVE"), ("ap-southeast-1", "ADDING")], replicas: []))
        #expect(error?.kind == .conflict)
        #expect(error?.diagnostics.map(\.code) == ["regions.in-progress"])
        #expect(error?.diagnostics.first?.message.hasPrefix("ap-southeast-1 is ADDING; IAM Identity Center runs one Region addition or removal at a time") == true)
    }

    @Test func addingARegionBeingRemovedIsAConflict() async throws {
        let (error, _) = try await planAdd(EngineWorld.osaka, aws: FakeAWS(regions: [(EngineWorld.primary, "ACTIVE"), (EngineWorld.osaka, "REMOVING")], replicas: [EngineWorld.osaka]))
        #expect(error?.kind == .conflict)
        #expect(error?.diagnostics.map(\.code) == ["regions.removing"])
        #expect(error?.diagnostics.first?.message == "ap-northeast-3 is being removed; wait until it is gone, then add it again")
    }

    @Test func theQuotaIsCheckedBeforeAnyWrite() async throws {
        let regions = [EngineWorld.primary, EngineWorld.osaka, "ap-southeast-1", "ap-southeast-2", "us-east-1", "eu-west-1"].map { ($0, "ACTIVE") }
        let (error, _) = try await planAdd("us-west-2", aws: FakeAWS(regions: regions, replicas: []))
        #expect(error?.kind == .failure)
        #expect(error?.diagnostics.map(\.code) == ["regions.quota"])
        #expect(error?.diagnostics.first?.message.hasPrefix("the instance has 6 Regions; adding us-west-2 would exceed the quota of 6 (primary included)") == true)
    }

    @Test func theReplicaPendingDeletionIsRefused() async throws {
        let aws = FakeAWS(regions: [(EngineWorld.primary, "ACTIVE")], replicas: [EngineWorld.osaka])
        aws.setKeyState("PendingDeletion", in: EngineWorld.osaka)
        let (error, world) = try await planAdd(EngineWorld.osaka, aws: aws)
        #expect(error?.kind == .failure)
        #expect(error?.diagnostics.map(\.code) == ["regions.replica-state"])
        #expect(error?.diagnostics.first?.message.hasPrefix("the replica key in ap-northeast-3 is PendingDeletion") == true)
        #expect(world.aws.calls.contains("kms:DescribeKey@ap-northeast-3"))
    }

    @Test func addingThePrimaryIsAUsageError() async throws {
        let (error, _) = try await planAdd(EngineWorld.primary, aws: FakeAWS(regions: [(EngineWorld.primary, "ACTIVE")], replicas: []))
        #expect(error?.kind == .configuration)
        #expect(error?.diagnostics.map(\.code) == ["usage.primary"])
        #expect(error?.diagnostics.first?.message == "ap-northeast-1 is the primary Region of the instance; it is always enabled")
    }
}
