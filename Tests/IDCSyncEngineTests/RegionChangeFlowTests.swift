import Foundation
import IDCSyncCore
@testable import IDCSyncEngine
import IDCSyncTestSupport
import Synchronization
import Testing

/// `RegionsWorkflow.change` and `Reconcile.run` own their locks and the question before a write:
/// what each ending writes, and that a held lock or a "no" writes nothing.
@Suite("regions change flow and reconcile lock (in-process, fakes)")
struct RegionChangeFlowTests {
    /// Tokyo only, no replica: adding Osaka has every step to do.
    private func tokyoOnly() throws -> (EngineWorld, Config) {
        let world = try EngineWorld(aws: FakeAWS(regions: [(EngineWorld.primary, "ACTIVE")], replicas: []))
        world.okta.addIdentityCenterApp(slots: [1: FakeOkta.acs(EngineWorld.primary), 2: FakeOkta.acs(EngineWorld.primary, "dualstack")])
        return (world, try world.standardConfig())
    }

    private static let osaka = try! Region.parse(EngineWorld.osaka).get()
    private static let instanceId = "ssoins-7758a1b2c3d4e5f6"

    /// The questions the workflow asked.
    final class Questions: Sendable {
        private let asked = Mutex<[String]>([])
        func add(_ question: String) { asked.withLock { $0.append(question) } }
        var all: [String] { asked.withLock { $0 } }
    }

    private func change(_ world: EngineWorld, _ config: Config, dryRun: Bool = false, answer: Bool = true,
                        asked: Questions = Questions()) async throws -> RegionChangeResult {
        var context = world.context
        context.folders.backups = world.folder.path
        return try await RegionsWorkflow.change(.init(action: .add, region: Self.osaka, dryRun: dryRun, wait: false), config: config,
                                                target: try config.selectTarget(nil), context: context,
                                                interaction: Interaction(confirm: { question in
            asked.add(question)
            return answer
        }))
    }

    private func writes(_ world: EngineWorld) -> [String] {
        world.aws.calls.filter { call in ["ReplicateKey", "AddRegion", "RemoveRegion", "PutKeyPolicy"].contains { call.contains(":\($0)@") } }
            + world.okta.puts
    }

    @Test func aDryRunPlansAsksNothingAndWritesNothing() async throws {
        let (world, config) = try tokyoOnly()
        let asked = Questions()
        let result = try await change(world, config, dryRun: true, asked: asked)
        #expect(result.ending == .dryRun)
        #expect(result.outcome == .changes)
        #expect(asked.all.isEmpty)
        #expect(writes(world).isEmpty)
        #expect(result.awsRequests > 0)
    }

    @Test func declinedWritesNothingAndFails() async throws {
        let (world, config) = try tokyoOnly()
        let asked = Questions()
        let result = try await change(world, config, answer: false, asked: asked)
        #expect(result.ending == .declined)
        #expect(result.outcome == .failed)
        let pending = result.plan.steps.filter { $0.state == .pending }.count
        #expect(asked.all == ["Run these \(pending) steps?"])
        #expect(writes(world).isEmpty)
    }

    @Test func yesRunsEveryStepAndReleasesTheLock() async throws {
        let (world, config) = try tokyoOnly()
        let result = try await change(world, config)
        #expect(result.ending == .done)
        #expect(result.steps.allSatisfy { $0.state != .pending })
        #expect(world.aws.calls("AddRegion") == ["sso-admin:AddRegion@ap-northeast-1"])
        let lockFolder = world.folder.appendingPathComponent(".idcsync-locks").path
        #expect(FileManager.default.fileExists(atPath: lockFolder), "the lock lives next to the config by default")
        let again = try InstanceLock(directory: lockFolder, instanceId: Self.instanceId)
        withExtendedLifetime(again) {}
    }

    @Test func aHeldInstanceLockIsAConflictBeforeTheQuestionAndWritesNothing() async throws {
        let (world, config) = try tokyoOnly()
        let held = try InstanceLock(directory: world.folder.appendingPathComponent(".idcsync-locks").path, instanceId: Self.instanceId)
        let asked = Questions()
        let error = await #expect(throws: IDCSyncError.self) { try await change(world, config, asked: asked) }
        #expect(error?.kind == .conflict)
        #expect(error?.diagnostics.first?.message.contains("another idcsync run is changing instance \(Self.instanceId)") == true)
        #expect(asked.all.isEmpty)
        #expect(writes(world).isEmpty)
        withExtendedLifetime(held) {}
    }

    @Test func theLockFolderCanBeHandedIn() async throws {
        let (world, config) = try tokyoOnly()
        let folder = world.folder.appendingPathComponent("locks-elsewhere").path
        let held = try InstanceLock(directory: folder, instanceId: Self.instanceId)
        var context = world.context
        context.folders.locks = folder
        let error = await #expect(throws: IDCSyncError.self) {
            try await RegionsWorkflow.change(.init(action: .add, region: Self.osaka, wait: false), config: config,
                                             target: try config.selectTarget(nil), context: context, interaction: Interaction(confirm: { _ in true }))
        }
        #expect(error?.kind == .conflict)
        #expect(writes(world).isEmpty)
        withExtendedLifetime(held) {}
    }

    @Test func aFailureAfterAWSStepsRanIsPartialAndSaysWhatRemains() async throws {
        let (world, config) = try tokyoOnly()
        world.okta.failNextPuts([.rejected])
        let error = await #expect(throws: IDCSyncError.self) { try await change(world, config) }
        guard case .partial(let done, let remaining)? = error?.kind else {
            Issue.record("expected a partial error, got \(String(describing: error?.kind))")
            return
        }
        #expect(done.count >= 2, "the replica and the Region were done: \(done)")
        #expect(remaining.first?.contains("Okta") == true, "\(remaining)")
        let last = try #require(error?.diagnostics.last)
        #expect(last.code == "regions.partial")
        #expect(last.message.contains("run `idcsync regions add ap-northeast-3` again: it continues from the first step not done"))
        #expect(world.aws.calls("AddRegion").count == 1, "the Region was added before the Okta write failed")
    }

    @Test func aFailureOfTheFirstStepRunKeepsItsKind() async throws {
        let world = try EngineWorld()
        world.okta.addIdentityCenterApp(slots: [1: FakeOkta.acs(EngineWorld.primary), 2: FakeOkta.acs(EngineWorld.primary, "dualstack")])
        let config = try world.standardConfig()
        try await world.syncKeyPolicies(config)
        world.okta.failNextPuts([.rejected])
        let error = await #expect(throws: IDCSyncError.self) { try await change(world, config) }
        guard case .remote(let service, _, _)? = error?.kind else {
            Issue.record("only the Okta write ran, so the error is Okta's, not partial: \(String(describing: error?.kind))")
            return
        }
        #expect(service == "Okta")
        #expect(world.aws.calls("AddRegion").isEmpty)
    }

    @Test func reconcileTakesTheConfigsLockAndASecondRunDoesNothing() async throws {
        let world = try EngineWorld()
        world.okta.addIdentityCenterApp(slots: [:])
        let config = try world.standardConfig()
        let held = try InstanceLock(directory: world.folder.appendingPathComponent(".idcsync-locks").path, name: "idcsync-reconcile.lock") { _, _ in "" }
        let error = await #expect(throws: IDCSyncError.self) {
            try await Reconcile.run(config: config, targets: try Reconcile.targets(config: config, named: nil), options: .init(apply: true),
                                    context: world.context)
        }
        #expect(error?.kind == .conflict)
        #expect(error?.diagnostics.first?.message.contains("another idcsync reconcile is running with this config") == true)
        #expect(world.aws.calls.isEmpty && world.okta.requests.isEmpty, "nothing was read or written")
        withExtendedLifetime(held) {}
    }
}
