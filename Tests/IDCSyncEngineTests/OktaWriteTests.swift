import Foundation
import HTTPKit
import IDCSyncCore
@testable import IDCSyncEngine
import IDCSyncTestSupport
import OktaKit
import Testing

/// The guarded Okta write (`OktaSync.write`) when the PUT's answer is lost: it must look before
/// writing again, and say what it knows.
@Suite("guarded Okta write (in-process, fake org)")
struct OktaWriteTests {
    /// An app missing Osaka's dual-stack slot, its plan (one change) and a read-write client on the fake.
    private func planned() async throws -> (EngineWorld, OktaPlanReport, OktaClient) {
        let world = try EngineWorld()
        var slots = EngineWorld.syncedSlots
        slots[4] = nil
        world.okta.addIdentityCenterApp(slots: slots)
        let config = try world.config("""
            instance:
              primaryRegion: \(EngineWorld.primary)
              regions: [\(EngineWorld.primary), \(EngineWorld.osaka)]
            okta:
              orgUrl: \(world.okta.orgURL)
              appId: 0oaidc1
            """)
        let target = try config.selectTarget(nil)
        let client = try world.context.okta(target, configFile: config.source, access: .readWrite)
        let app = try await OktaSync.locateApp(try #require(target.okta), client: client)
        let plan = try OktaSync.plan(world: try OktaSync.world(app: app, target: target, configFile: config.source), target: target, configFile: config.source)
        #expect(plan.plan.changes.compactMap(\.after) == [FakeOkta.acs(EngineWorld.osaka, "dualstack")])
        return (world, plan, client)
    }

    private func write(_ world: EngineWorld, _ plan: OktaPlanReport, _ client: OktaClient) async throws(IDCSyncError) -> String {
        try await OktaSync.write(plan, client: client, options: .init(backupDirectory: world.folder.path, now: world.context.date),
                                 logger: EngineWorld.quietLogger)
    }

    private func storedSlots(_ world: EngineWorld) -> Set<String> { Set((1...17).compactMap { world.okta.slot("acsURL\($0)") }) }

    @Test func aWriteThatLandedButLostItsAnswerIsReadBackNotSentAgain() async throws {
        let (world, plan, client) = try await planned()
        world.okta.failNextPuts([.answerLostAfterWrite])
        let backup = try await write(world, plan, client)
        #expect(world.okta.requests == ["GET /api/v1/apps/0oaidc1", "GET /api/v1/apps/0oaidc1", "PUT /api/v1/apps/0oaidc1", "GET /api/v1/apps/0oaidc1"],
                "read, guard re-read, one PUT, the read that finds it applied")
        #expect(storedSlots(world) == Set(EngineWorld.syncedSlots.values))
        #expect(FileManager.default.fileExists(atPath: backup))
    }

    @Test func aWriteLostBeforeItLandedIsSentAgainAfterTheReadShowsTheAppUnchanged() async throws {
        let (world, plan, client) = try await planned()
        world.okta.failNextPuts([.lostBeforeWrite])
        _ = try await write(world, plan, client)
        #expect(world.okta.puts.count == 2, "\(world.okta.requests)")
        #expect(world.okta.requests.suffix(4) == ["PUT /api/v1/apps/0oaidc1", "GET /api/v1/apps/0oaidc1", "PUT /api/v1/apps/0oaidc1", "GET /api/v1/apps/0oaidc1"])
        #expect(storedSlots(world) == Set(EngineWorld.syncedSlots.values))
    }

    @Test func aLostWriteWhileSomeoneElseEditedTheAppIsNotRepeatedAndSaysSo() async throws {
        let (world, plan, client) = try await planned()
        world.okta.failNextPuts([.lostWhileSomeoneElseEdits])
        let error = await #expect(throws: IDCSyncError.self) { _ = try await write(world, plan, client) }
        #expect(error?.kind == .failure)
        #expect(error?.diagnostics.map(\.code) == ["okta.unknown-write"])
        let message = error?.diagnostics.first?.message ?? ""
        #expect(message.contains("the app has changed since: nothing more was written"), "\(message)")
        #expect(message.contains("idcsync okta restore \(world.folder.path)"), "\(message)")
        #expect(world.okta.puts.count == 1)
        #expect(world.okta.app("0oaidc1")?["label"] == "AWS IAM Identity Center (edited)", "the other edit stands")
        #expect(world.okta.slot("acsURL4") == nil)
    }

    @Test func aClearRejectionIsReportedWithoutARereadOrRetry() async throws {
        let (world, plan, client) = try await planned()
        world.okta.failNextPuts([.rejected])
        let error = await #expect(throws: IDCSyncError.self) { _ = try await write(world, plan, client) }
        #expect(error?.kind == .remote(service: "Okta", operation: "PUT /api/v1/apps/0oaidc1", requestId: "req-3"))
        #expect(error?.diagnostics.first?.message.contains("Api validation failed") == true, "\(error?.diagnostics ?? [])")
        #expect(world.okta.requests == ["GET /api/v1/apps/0oaidc1", "GET /api/v1/apps/0oaidc1", "PUT /api/v1/apps/0oaidc1"])
    }

    @Test func onlyFailuresAfterWhichOktaMayHaveAppliedTheRequestAreAmbiguous() {
        let put = OktaError.RequestInfo(method: "PUT", path: "/api/v1/apps/0oaidc1")
        #expect(OktaSync.isAmbiguous(.transport(.connectionReset("reset"), attempts: 1, request: put)))
        #expect(OktaSync.isAmbiguous(.transport(.timeout, attempts: 1, request: put)))
        #expect(OktaSync.isAmbiguous(.api(status: 502, code: nil, summary: "Bad Gateway", causes: [], request: put)))
        #expect(!OktaSync.isAmbiguous(.transport(.connectFailed("refused"), attempts: 1, request: put)), "never reached Okta")
        #expect(!OktaSync.isAmbiguous(.api(status: 400, code: "E0000001", summary: "invalid", causes: [], request: put)))
        #expect(!OktaSync.isAmbiguous(.rateLimited(waitSeconds: 120, maximumSeconds: 60, request: put)), "a 429 is answered before anything is done")
    }
}
