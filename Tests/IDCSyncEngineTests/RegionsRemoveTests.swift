import Foundation
import IDCSyncCore
@testable import IDCSyncEngine
import IDCSyncTestSupport
import Testing

/// `regions remove` planned and executed in-process: the steps from each resume point, what goes to
/// AWS (RemoveRegion in the primary Region, never a key deletion) and to Okta (the Region's slots
/// freed), each refusal, and the wait for the removal driven by the fake clock.
@Suite("regions remove (in-process, fakes)")
struct RegionsRemoveTests {
    /// Tokyo primary, Osaka as `osaka` (nil: not enabled), the replica in Osaka, and the Okta app's `slots`.
    private func world(osaka: String? = "ACTIVE", others: [(String, String)] = [], slots: [Int: String] = EngineWorld.syncedSlots) throws -> EngineWorld {
        let regions = [(EngineWorld.primary, "ACTIVE")] + (osaka.map { [(EngineWorld.osaka, $0)] } ?? []) + others
        let world = try EngineWorld(aws: FakeAWS(regions: regions, replicas: [EngineWorld.osaka]))
        world.okta.addIdentityCenterApp(slots: slots)
        return world
    }

    private func plan(_ world: EngineWorld, _ region: String = EngineWorld.osaka, wait: Bool = true, config: Config? = nil) async throws -> RegionChangePlan {
        let config = try config ?? world.standardConfig()
        let target = try config.selectTarget(nil)
        let context = world.context
        let plan = try await RegionsWorkflow.plan(.remove, region: try Region.parse(region).get(), config: config, target: target, aws: context.aws(target),
                                                  okta: try context.okta(target, configFile: config.source, access: .readWrite), context: context, wait: wait)
        #expect(world.aws.calls.allSatisfy { !Self.isAWSWrite($0) }, "planning writes nothing")
        #expect(world.okta.puts.isEmpty)
        world.aws.clearCalls()
        return plan
    }

    private func execute(_ world: EngineWorld, _ plan: RegionChangePlan, timeout: Duration = .seconds(3600),
                         events: EventLog = EventLog()) async throws(IDCSyncError) -> [RegionStep] {
        let context = world.context
        let target = plan.target
        let okta = try context.okta(target, configFile: plan.config.source, access: .readWrite)
        return try await RegionsWorkflow.execute(plan, aws: context.aws(target), okta: okta,
                                                 options: .init(wait: true, timeout: timeout, backupDirectory: world.folder.path),
                                                 configFile: plan.config.source, context: context, events: { events.append($0) })
    }

    private func refusal(_ world: EngineWorld, _ region: String) async throws -> IDCSyncError? {
        let error = await #expect(throws: IDCSyncError.self) { _ = try await self.plan(world, region) }
        #expect(world.aws.calls.allSatisfy { !Self.isAWSWrite($0) }, "refused before any write")
        #expect(world.okta.requests.allSatisfy { $0.hasPrefix("GET ") })
        return error
    }

    static func isAWSWrite(_ call: String) -> Bool {
        ["RemoveRegion", "AddRegion", "PutKeyPolicy", "ReplicateKey", "ScheduleKeyDeletion", "DisableKey"].contains { call.contains(":\($0)@") }
    }

    private func summary(_ steps: [RegionStep]) -> [String] {
        steps.map { step in
            switch step.state {
            case .pending: "\(step.kind): pending"
            case .done(let why): "\(step.kind): done (\(why))"
            case .skipped(let why): "\(step.kind): skipped (\(why))"
            }
        }
    }

    private func storedSlots(_ world: EngineWorld) -> Set<String> { Set((1...17).compactMap { world.okta.slot("acsURL\($0)") }) }

    private static let tokyoSlots: Set<String> = [FakeOkta.acs(EngineWorld.primary), FakeOkta.acs(EngineWorld.primary, "dualstack")]

    // MARK: From the start

    @Test func anActiveRegionIsRemovedInThePrimaryWaitedForAndItsSlotsFreedTheReplicaKeyStays() async throws {
        let world = try self.world()
        let plan = try await self.plan(world)
        #expect(summary(plan.steps) == ["removeRegion: pending", "waitForRemoval: pending", "oktaApply: pending",
                                        "bookmarks: skipped (bookmarks.out is not set)"])
        #expect(plan.okta?.plan.changes.compactMap(\.before).sorted() == [FakeOkta.acs(EngineWorld.osaka), FakeOkta.acs(EngineWorld.osaka, "dualstack")].sorted(),
                "the two Osaka slots are freed")
        let replicaArn = FakeAWS.keyArn(EngineWorld.osaka)
        let note = try #require(plan.diagnostics.first { $0.code == "regions.replica-left" })
        #expect(note.severity == .note)
        #expect(note.message == "the replica key \(replicaArn) stays in ap-northeast-3 (idcsync never deletes keys); once nothing needs it: aws kms schedule-key-deletion --key-id \(replicaArn) --region ap-northeast-3 --pending-window-in-days 30")

        let events = EventLog()
        let steps = try await execute(world, plan, events: events)
        #expect(summary(steps).prefix(2) == ["removeRegion: done (RemoveRegion answered REMOVING)", "waitForRemoval: done (removed after 3 s)"])
        #expect(summary(steps)[2].hasPrefix("oktaApply: done (2 slot changes written and read back (backup \(world.folder.path)/okta-app-0oaidc1-"), "\(summary(steps))")
        #expect(world.aws.calls("RemoveRegion") == ["sso-admin:RemoveRegion@ap-northeast-1"], "sent once, to the primary Region")
        #expect(world.aws.calls.filter(Self.isAWSWrite) == ["sso-admin:RemoveRegion@ap-northeast-1"], "no key is deleted, disabled or changed")
        #expect(world.aws.regionStatuses == [EngineWorld.primary: "ACTIVE"])
        #expect(world.clock.slept == [.milliseconds(1000), .milliseconds(1500)], "the wait sleeps on the context's clock")
        #expect(events.waiting == ["ap-northeast-3 REMOVING", "ap-northeast-3 REMOVING"])
        #expect(world.okta.puts == ["PUT /api/v1/apps/0oaidc1"])
        #expect(storedSlots(world) == Self.tokyoSlots)
        #expect(world.okta.slot("acsURL") == FakeOkta.defaultACS, "the default ACS URL is never touched")
    }

    @Test func withoutWaitingTheRemovalIsLeftToAWSAndTheSlotsAreFreedAtOnce() async throws {
        let world = try self.world()
        let plan = try await self.plan(world, wait: false)
        #expect(summary(plan.steps).prefix(2) == ["removeRegion: pending", "waitForRemoval: skipped (--no-wait)"])
        _ = try await execute(world, plan)
        #expect(world.aws.calls("RemoveRegion").count == 1)
        #expect(world.aws.calls("DescribeRegion").isEmpty, "no wait")
        #expect(world.aws.regionStatuses[EngineWorld.osaka] == "REMOVING")
        #expect(storedSlots(world) == Self.tokyoSlots)
    }

    @Test func theRegionsDashboardTileIsSavedDeactivatedAndDeletedAfterTheSlots() async throws {
        let world = try self.world()
        world.okta.setGroups(["00gengineers"], of: "0oaidc1")
        let instanceId = try InstanceARN.parse(FakeAWS.instanceArn).get().instanceId
        world.okta.addBookmarkApp(id: "0oatile1", label: "AWS access portal - Osaka (ap-northeast-3)", url: "https://example.test/osaka",
                                  adminNote: TileMarker(instanceId: instanceId, region: EngineWorld.osaka, mirroredGroups: ["00gengineers"]).note(keeping: nil))
        world.okta.setGroups(["00gengineers"], of: "0oatile1")
        let config = try world.config("""
            instance:
              primaryRegion: \(EngineWorld.primary)
            kms:
              delegatedAdministrators: []
            okta:
              orgUrl: \(world.okta.orgURL)
              appId: 0oaidc1
              tiles: {enabled: true}
            """)
        let plan = try await self.plan(world, config: config)
        #expect(summary(plan.steps) == ["removeRegion: pending", "waitForRemoval: pending", "oktaApply: pending", "oktaTiles: pending",
                                        "bookmarks: skipped (bookmarks.out is not set)"])
        #expect(plan.tiles?.plan.steps.map(\.verb) == ["remove"])
        let steps = try await execute(world, plan)
        #expect(summary(steps)[3] == "oktaTiles: done (removed tile 0oatile1 (ap-northeast-3): deactivated and deleted)")
        #expect(world.okta.writes == ["PUT /api/v1/apps/0oaidc1", "POST /api/v1/apps/0oatile1/lifecycle/deactivate", "DELETE /api/v1/apps/0oatile1"],
                "the slots first, then the tile")
        #expect(world.okta.app("0oatile1") == nil)
    }

    // MARK: Resume points

    @Test func aRegionAlreadyRemovingIsWaitedForNotRemovedAgain() async throws {
        let world = try self.world(osaka: "REMOVING")
        let plan = try await self.plan(world)
        #expect(summary(plan.steps).prefix(3) == ["removeRegion: done (already REMOVING)", "waitForRemoval: pending", "oktaApply: pending"])
        _ = try await execute(world, plan)
        #expect(world.aws.calls("RemoveRegion").isEmpty)
        #expect(world.aws.calls("DescribeRegion").count == 3, "REMOVING twice, then gone")
        #expect(storedSlots(world) == Self.tokyoSlots)
    }

    @Test func aRegionAlreadyGoneOnlyHasItsSlotsFreed() async throws {
        let world = try self.world(osaka: nil)
        let plan = try await self.plan(world)
        #expect(summary(plan.steps).prefix(3) == ["removeRegion: done (not enabled)", "waitForRemoval: done (gone)", "oktaApply: pending"])
        #expect(plan.diagnostics.contains { $0.code == "regions.replica-left" }, "the replica is still there to mention")
        _ = try await execute(world, plan)
        #expect(world.aws.calls.filter(Self.isAWSWrite).isEmpty)
        #expect(world.aws.calls("DescribeRegion").isEmpty)
        #expect(world.okta.puts.count == 1)
        #expect(storedSlots(world) == Self.tokyoSlots)
    }

    @Test func aRerunAfterEverythingWasDoneHasNoWorkAndSendsNothing() async throws {
        let world = try self.world(osaka: nil, slots: [1: FakeOkta.acs(EngineWorld.primary), 2: FakeOkta.acs(EngineWorld.primary, "dualstack")])
        let plan = try await self.plan(world)
        #expect(!plan.hasWork)
        #expect(summary(plan.steps).prefix(3) == ["removeRegion: done (not enabled)", "waitForRemoval: done (gone)", "oktaApply: done (in sync)"])
        let requestsBefore = world.okta.requests.count
        _ = try await execute(world, plan)
        #expect(world.aws.calls.isEmpty)
        #expect(world.okta.requests.count == requestsBefore)
    }

    @Test func aWaitThatTimesOutSaysSoWritesNoOktaAndTheRerunFinishes() async throws {
        let world = try self.world()
        world.aws.setRemovalDescribes(nil)
        let first = try await self.plan(world)
        let error = await #expect(throws: IDCSyncError.self) { _ = try await execute(world, first, timeout: .seconds(60)) }
        #expect(error?.kind == .partial(done: ["remove ap-northeast-3 from IAM Identity Center (RemoveRegion in ap-northeast-1)"],
                                        remaining: ["wait until ap-northeast-3 is removed", "write the ACS URL slots of Okta app 0oaidc1 (2 changes)"]),
                "RemoveRegion ran before the wait timed out")
        #expect(error?.diagnostics.map(\.code) == ["regions.timeout", "regions.partial"])
        let message = error?.diagnostics.first?.message ?? ""
        #expect(message.hasPrefix("ap-northeast-3 is still REMOVING after 1 min"), "\(message)")
        #expect(message.hasSuffix("AWS carries on by itself. Run `idcsync regions remove ap-northeast-3` again later to finish the remaining steps"), "\(message)")
        #expect(world.okta.puts.isEmpty, "the slots stay until the Region is gone")
        #expect(world.aws.calls("RemoveRegion").count == 1)

        world.aws.setRemovalDescribes(0)
        world.aws.clearCalls()
        let rerun = try await self.plan(world)
        #expect(summary(rerun.steps).prefix(2) == ["removeRegion: done (already REMOVING)", "waitForRemoval: pending"])
        _ = try await execute(world, rerun)
        #expect(world.aws.calls("RemoveRegion").isEmpty, "not sent a second time")
        #expect(storedSlots(world) == Self.tokyoSlots)
    }

    @Test func aConflictFromRemoveRegionNamesItAndWritesNoOkta() async throws {
        let world = try self.world()
        let plan = try await self.plan(world)
        world.aws.failNextRemoveRegion(code: "ConflictException", message: "Another region operation is in progress for this instance")
        let error = await #expect(throws: IDCSyncError.self) { _ = try await execute(world, plan) }
        guard case .remote(service: "AWS", let operation?, _)? = error?.kind else {
            Issue.record("not a remote AWS error: \(String(describing: error?.kind))")
            return
        }
        #expect(operation.contains("RemoveRegion"), "\(operation)")
        #expect(error?.diagnostics.map(\.code) == ["aws.ConflictException"])
        let message = error?.diagnostics.first?.message ?? ""
        #expect(message.contains("Another region operation is in progress"), "\(message)")
        #expect(message.hasSuffix("; another Region addition or removal is in progress; wait for it, then run again"), "\(message)")
        #expect(world.aws.regionStatuses[EngineWorld.osaka] == "ACTIVE")
        #expect(world.okta.puts.isEmpty)
    }

    // MARK: Refusals

    @Test func removingThePrimaryIsAUsageError() async throws {
        let world = try self.world()
        let error = try await refusal(world, EngineWorld.primary)
        #expect(error?.kind == .configuration)
        #expect(error?.diagnostics.map(\.code) == ["usage.primary"])
        #expect(error?.diagnostics.first?.message == "ap-northeast-1 is the primary Region of the instance; the primary Region cannot be removed")
    }

    @Test func aRegionOfAnotherPartitionIsAUsageError() async throws {
        let world = try self.world()
        let error = try await refusal(world, "cn-north-1")
        #expect(error?.kind == .configuration)
        #expect(error?.diagnostics.map(\.code) == ["usage.partition"])
        #expect(error?.diagnostics.first?.message == "cn-north-1 is in partition aws-cn, but the instance is in aws")
    }

    @Test func anotherRegionBeingAddedIsAConflict() async throws {
        let world = try self.world(others: [("ap-southeast-1", "ADDING")])
        let error = try await refusal(world, EngineWorld.osaka)
        #expect(error?.kind == .conflict)
        #expect(error?.diagnostics.map(\.code) == ["regions.in-progress"])
        #expect(error?.diagnostics.first?.message == "ap-southeast-1 is ADDING; IAM Identity Center runs one Region addition or removal at a time. Wait for it to finish, then run again")
    }

    @Test func theRegionStillBeingAddedIsAConflictNotAWaitForARemovalThatNeverComes() async throws {
        let world = try self.world(osaka: "ADDING")
        let error = try await refusal(world, EngineWorld.osaka)
        #expect(error?.kind == .conflict)
        #expect(error?.diagnostics.map(\.code) == ["regions.adding"])
        #expect(error?.diagnostics.first?.message == "ap-northeast-3 is still being added (ADDING); IAM Identity Center runs one Region addition or removal at a time. Wait until it is ACTIVE (idcsync regions list), then remove it")
    }

    @Test func anotherRegionBeingRemovedIsAConflict() async throws {
        let world = try self.world(others: [("ap-southeast-1", "REMOVING")])
        let error = try await refusal(world, EngineWorld.osaka)
        #expect(error?.kind == .conflict)
        #expect(error?.diagnostics.first?.message.hasPrefix("ap-southeast-1 is REMOVING; IAM Identity Center runs one Region addition or removal at a time") == true)
    }
}

/// The workflow's events, as lines, for assertions.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [WorkflowEvent] = []

    func append(_ event: WorkflowEvent) { lock.withLock { events.append(event) } }

    /// Each `.waiting` event as "REGION STATUS".
    var waiting: [String] {
        lock.withLock {
            events.compactMap { event in
                if case .waiting(let region, let status, _) = event { return "\(region) \(status)" }
                return nil
            }
        }
    }

    /// The kinds of the steps started, in order.
    var started: [RegionStep.Kind] {
        lock.withLock {
            events.compactMap { event in
                if case .started(let step) = event { return step.kind }
                return nil
            }
        }
    }
}
