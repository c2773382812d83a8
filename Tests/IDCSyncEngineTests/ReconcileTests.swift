import Foundation
import IDCSyncCore
@testable import IDCSyncEngine
import IDCSyncTestSupport
import Testing

/// `Reconcile.run` in-process against the fakes: what it decides, and what it writes.
@Suite("reconcile (in-process, fakes)")
struct ReconcileTests {
    /// Tokyo and Osaka with the generated key policy on both keys and the Okta app's slots in sync.
    private func syncedWorld() async throws -> (EngineWorld, Config) {
        let world = try EngineWorld()
        world.okta.addIdentityCenterApp(slots: EngineWorld.syncedSlots)
        let config = try world.standardConfig()
        try await world.syncKeyPolicies(config)
        return (world, config)
    }

    private func run(_ world: EngineWorld, _ config: Config, apply: Bool) async throws -> ReconcileReport {
        let targets = try Reconcile.targets(config: config, named: nil)
        var context = world.context
        context.folders.backups = world.folder.path
        return try await Reconcile.run(config: config, targets: targets, options: .init(apply: apply), context: context)
    }

    /// The replica's policy without the identity store statement, as a hand edit would leave it.
    private func breakReplicaPolicy(_ world: EngineWorld) throws {
        var document = try JSONParser.parse(world.aws.policy(in: EngineWorld.osaka) ?? "").objectValue!
        let statements = document["Statement"]?.arrayValue ?? []
        document["Statement"] = .array(statements.filter { $0["Sid"]?.stringValue != "AllowIdentityStoreToUseTheKMSKey" })
        world.aws.setPolicy(JSONWriter.pretty(.object(document)), in: EngineWorld.osaka)
    }

    @Test func inSyncIsOkAndWritesNothing() async throws {
        let (world, config) = try await syncedWorld()
        let report = try await run(world, config, apply: true)
        #expect(report.outcome == .ok, "\(report.targets.map(\.diagnostics))")
        let target = try #require(report.targets.first)
        #expect(target.state == .inSync)
        #expect(target.keyPolicies.map(\.region) == [EngineWorld.primary, EngineWorld.osaka])
        #expect(target.keyPolicies.allSatisfy { $0.state == .matches })
        #expect(target.okta?.state == .inSync)
        #expect(world.aws.calls("PutKeyPolicy").isEmpty)
        #expect(world.okta.puts.isEmpty)
        #expect(world.okta.requests == ["GET /api/v1/apps/0oaidc1"])
        #expect(world.aws.calls.sorted() == ["kms:DescribeKey@ap-northeast-1", "kms:GetKeyPolicy@ap-northeast-1", "kms:GetKeyPolicy@ap-northeast-3",
                                             "sso-admin:DescribeInstance@ap-northeast-1", "sso-admin:ListInstances@ap-northeast-1",
                                             "sso-admin:ListRegions@ap-northeast-1", "sts:GetCallerIdentity@ap-northeast-1"])
        #expect(report.awsRequests == 7)
        #expect(report.oktaRequests == 1)
    }

    @Test func replicaPolicyDriftIsReportedWithoutApplyAndPutBackOnceWithApply() async throws {
        let (world, config) = try await syncedWorld()
        let expected = try #require(world.aws.policy(in: EngineWorld.primary))
        try breakReplicaPolicy(world)

        let check = try await run(world, config, apply: false)
        #expect(check.outcome == .changes)
        let replica = try #require(check.targets.first?.keyPolicies.first { $0.region == EngineWorld.osaka })
        #expect(replica.state == .drift)
        #expect(replica.difference?.missing == ["AllowIdentityStoreToUseTheKMSKey"])
        #expect(check.targets.first?.keyPolicies.first?.state == .matches, "the primary is untouched")
        #expect(world.aws.calls("PutKeyPolicy").isEmpty, "no write without --apply")

        world.aws.clearCalls()
        let fixed = try await run(world, config, apply: true)
        #expect(fixed.outcome == .ok, "\(fixed.targets.map(\.diagnostics))")
        #expect(fixed.targets.first?.keyPolicies.first { $0.region == EngineWorld.osaka }?.state == .fixed)
        #expect(world.aws.calls("PutKeyPolicy") == ["kms:PutKeyPolicy@ap-northeast-3"])
        #expect(world.aws.calls("GetKeyPolicy").filter { $0.hasSuffix("@ap-northeast-3") }.count == 2, "read, then read back after the write")
        let written = try JSONParser.parse(world.aws.policy(in: EngineWorld.osaka) ?? "")
        #expect(written == (try JSONParser.parse(expected)))
        #expect(world.okta.puts.isEmpty)
    }

    @Test func oktaSlotDriftIsFixedThroughTheGuardedWriteWithABackup() async throws {
        let (world, config) = try await syncedWorld()
        var slots = EngineWorld.syncedSlots
        slots[4] = nil
        world.okta.addIdentityCenterApp(slots: slots)

        let check = try await run(world, config, apply: false)
        #expect(check.outcome == .changes)
        #expect(check.targets.first?.okta?.state == .drift)
        #expect(check.targets.first?.okta?.changes.compactMap(\.after) == [FakeOkta.acs(EngineWorld.osaka, "dualstack")])
        #expect(world.okta.puts.isEmpty)

        let fixed = try await run(world, config, apply: true)
        #expect(fixed.outcome == .ok, "\(fixed.targets.map(\.diagnostics))")
        let okta = try #require(fixed.targets.first?.okta)
        #expect(okta.state == .fixed)
        #expect(world.okta.puts == ["PUT /api/v1/apps/0oaidc1"])
        let stored = (1...17).compactMap { world.okta.slot("acsURL\($0)") }
        #expect(Set(stored) == Set(EngineWorld.syncedSlots.values))
        let backup = try #require(okta.backup)
        #expect(backup.hasPrefix(world.folder.path))
        #expect(FileManager.default.fileExists(atPath: backup))
    }

    private func targetsConfig(_ world: EngineWorld, _ entries: [String]) throws -> Config {
        try world.config("""
            instance:
              primaryRegion: \(EngineWorld.primary)
            kms:
              delegatedAdministrators: []
            targets:
            \(entries.map { "  - \($0)" }.joined(separator: "\n"))
            """)
    }

    @Test func aFailingTargetDoesNotStopTheOthersAndTheRunIsFailed() async throws {
        let (world, _) = try await syncedWorld()
        let config = try targetsConfig(world, [
            "{name: prod, okta: {orgUrl: \"\(world.okta.orgURL)\", appId: 0oaidc1}}",
            "{name: gone, okta: {orgUrl: \"\(world.okta.orgURL)\", appId: 0oamissing}}",
        ])
        let report = try await run(world, config, apply: false)
        #expect(report.targets.map(\.name) == ["prod", "gone"])
        #expect(report.targets.map(\.outcome) == [.ok, .failed])
        #expect(report.targets[0].state == .inSync)
        #expect(report.targets[0].okta?.state == .inSync)
        #expect(report.outcome == .failed, "worst of the targets")
        let problem = report.targets[1].diagnostics.map(\.message).joined(separator: "\n")
        #expect(problem.contains("0oamissing"), "\(problem)")
        #expect(problem.contains("Not found"), "\(problem)")
        #expect(world.aws.calls("ListInstances").count == 1, "one instance read shared by both targets")
    }

    @Test func misconfiguredBeatsFailed() async throws {
        let (world, _) = try await syncedWorld()
        world.okta.addIdentityCenterApp(id: "0oabookmark", slots: [:], name: "bookmark")
        let config = try targetsConfig(world, [
            "{name: prod, okta: {orgUrl: \"\(world.okta.orgURL)\", appId: 0oaidc1}}",
            "{name: gone, okta: {orgUrl: \"\(world.okta.orgURL)\", appId: 0oamissing}}",
            "{name: wrong, okta: {orgUrl: \"\(world.okta.orgURL)\", appId: 0oabookmark}}",
        ])
        let report = try await run(world, config, apply: false)
        #expect(report.targets.map(\.outcome) == [.ok, .failed, .misconfigured])
        #expect(report.outcome == .misconfigured)
        let wrong = report.targets[2].diagnostics
        #expect(wrong.map(\.code) == ["okta.not-idc-app"])
        #expect(wrong.first?.message.contains("okta.appId 0oabookmark is an app named bookmark") == true, "\(wrong)")
    }
}
