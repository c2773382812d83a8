import Foundation
import IDCSyncCore
@testable import IDCSyncEngine
import IDCSyncTestSupport
import Testing

/// `Reconcile.run` with a shard, in-process against the fakes: which targets it takes, what it
/// reports, and which lock it holds.
@Suite("reconcile shards (in-process, fakes)")
struct ReconcileShardEngineTests {
    /// Eight targets on one instance, without Okta: each is keyed by its name.
    private func world() async throws -> (EngineWorld, Config) {
        let world = try EngineWorld()
        let entries = (1...8).map { "  - {name: n\($0)}" }.joined(separator: "\n")
        let config = try world.config("""
            instance:
              primaryRegion: \(EngineWorld.primary)
            kms:
              delegatedAdministrators: []
            targets:
            \(entries)
            """)
        return (world, config)
    }

    @Test func aShardRunsOnlyItsTargetsAndReportsItsPart() async throws {
        let (world, config) = try await world()
        let targets = try Reconcile.targets(config: config, named: nil)
        var union: [String] = []
        for index in 1...2 {
            let shard = try #require(Shard(index: index, count: 2))
            let report = try await Reconcile.run(config: config, targets: targets, options: .init(apply: false, shard: shard), context: world.context)
            let expected = targets.filter { ShardAssignment.shard(of: $0, count: 2) == index }.compactMap(\.name)
            #expect(report.targets.map(\.name) == expected)
            #expect(report.shard == ShardSelection(shard: shard, targets: expected.count, configTargets: 8))
            union += report.targets.map(\.name)
        }
        #expect(union.sorted() == (1...8).map { "n\($0)" }.sorted())
        let whole = try await Reconcile.run(config: config, targets: targets, options: .init(apply: false), context: world.context)
        #expect(whole.shard == nil)
        #expect(whole.targets.count == 8)
    }

    @Test func eachShardTakesItsOwnLockInTheLockFolder() async throws {
        let (world, config) = try await world()
        let targets = try Reconcile.targets(config: config, named: nil)
        let locks = world.folder.appendingPathComponent("elsewhere").path
        var context = world.context
        context.folders.locks = locks
        let held = try InstanceLock(directory: locks, name: "idcsync-reconcile-shard-1-of-2.lock") { _, _ in "" }
        defer { withExtendedLifetime(held) {} }

        let second = try #require(Shard(index: 2, count: 2))
        _ = try await Reconcile.run(config: config, targets: targets, options: .init(apply: false, shard: second), context: context)
        #expect(FileManager.default.fileExists(atPath: locks + "/idcsync-reconcile-shard-2-of-2.lock"))
        #expect(!FileManager.default.fileExists(atPath: world.folder.appendingPathComponent(".idcsync-locks").path), "the config's folder is left alone")

        world.aws.clearCalls()
        let first = try #require(Shard(index: 1, count: 2))
        let error = await #expect(throws: IDCSyncError.self) {
            try await Reconcile.run(config: config, targets: targets, options: .init(apply: false, shard: first), context: context)
        }
        #expect(error?.kind == .conflict)
        #expect(error?.diagnostics.first?.message.hasPrefix("another idcsync reconcile is running with shard 1/2 of this config") == true,
                "\(error?.diagnostics.first?.message ?? "")")
        #expect(world.aws.calls.isEmpty, "nothing was read")
    }
}
