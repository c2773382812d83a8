import Foundation
import IDCSyncCore
@testable import IDCSyncEngine
import IDCSyncRendering
import IDCSyncTestSupport
import Testing

/// The `--output json` documents of the commands that write, built in IDCSyncRendering from what the
/// engine returns: every field the README promises, with its type.
@Suite("result documents (in-process, fakes)")
struct DocumentTests {
    @Test func regionsAddDocumentHasTheStepsAndTheRequests() async throws {
        let world = try EngineWorld(aws: FakeAWS(regions: [(EngineWorld.primary, "ACTIVE")], replicas: []))
        world.okta.addIdentityCenterApp(slots: [1: FakeOkta.acs(EngineWorld.primary), 2: FakeOkta.acs(EngineWorld.primary, "dualstack")])
        let config = try world.standardConfig()
        var context = world.context
        context.folders.backups = world.folder.path
        let result = try await RegionsWorkflow.change(.init(action: .add, region: try Region.parse(EngineWorld.osaka).get(), wait: false),
                                                      config: config, target: try config.selectTarget(nil), context: context,
                                                      interaction: Interaction(confirm: { _ in true }))
        let document = RegionsRenderer.changeDocument(action: "add", region: EngineWorld.osaka, instanceArn: result.plan.world.instanceArn.value,
                                                      outcome: result.ending.rawValue, steps: result.steps, awsRequests: result.awsRequests,
                                                      oktaRequests: result.oktaRequests, diagnostics: result.plan.diagnostics)
        #expect(document["outcome"] == "done")
        #expect(document["instanceArn"]?.stringValue == FakeAWS.instanceArn)
        let steps = try #require(document["steps"]?.arrayValue)
        #expect(steps.first?["step"] == "replicate-key")
        #expect(steps.allSatisfy { $0["state"] == "done" || $0["state"] == "skipped" }, "\(steps)")
        #expect(steps.allSatisfy { $0["detail"]?.stringValue?.isEmpty == false })
        #expect(document["requests"]?["aws"] == .int(result.awsRequests))
        #expect(document["requests"]?["okta"] == .int(result.oktaRequests))
        #expect(document["diagnostics"]?.arrayValue != nil)

        let text = RegionsRenderer.steps(result.steps, style: .plain)
        #expect(text.contains("1. replica key") || text.contains("create the replica"), "\(text)")
    }

    @Test func regionsListDocumentNamesEveryRegion() {
        let rows = [
            RegionRow(region: EngineWorld.primary, isPrimary: true, identityCenter: .active, key: .enabled, keyPolicy: nil, okta: "in slots 1, 2"),
            RegionRow(region: EngineWorld.osaka, isPrimary: false, identityCenter: .adding, key: nil, keyPolicy: nil, okta: "missing"),
        ]
        let document = RegionsRenderer.listDocument(instanceArn: FakeAWS.instanceArn, primaryRegion: EngineWorld.primary, keyArn: FakeAWS.keyArn(EngineWorld.primary),
                                                    oktaAppId: nil, rows: rows, diagnostics: [])
        #expect(document["oktaAppId"] == .null)
        #expect(document["kmsKeyArn"]?.stringValue == FakeAWS.keyArn(EngineWorld.primary))
        #expect(document["regions"]?.arrayValue?.count == 2)
        let text = RegionsRenderer.table(rows, style: .plain)
        #expect(text.contains("ADDING") && text.contains(EngineWorld.osaka), "\(text)")
    }

    @Test func oktaApplyDocumentCarriesThePlanAndTheResult() async throws {
        let world = try EngineWorld()
        world.okta.addIdentityCenterApp(slots: [1: FakeOkta.acs(EngineWorld.primary)])
        let config = try world.offlineConfig()
        let (report, _) = try await OktaSync.planTarget(config: config, target: try config.selectTarget(nil), access: .read, context: world.context)
        let context = SlotPlanRenderer.Context(app: report.world.app, layout: report.world.layout, defaultACS: report.world.defaultACS?.url,
                                               issuer: report.world.issuer, tenantId: report.world.tenantId,
                                               enabledBeforeFebruary2026: report.world.enabledBeforeFebruary2026, regions: report.regions)
        let document = SlotPlanRenderer.applyDocument(report.plan, context: context, diagnostics: report.diagnostics, outcome: "applied", backup: "b.json")
        #expect(document["result"]?["outcome"] == "applied")
        #expect(document["result"]?["backup"] == "b.json")
        #expect(document["app"]?["id"] == "0oaidc1")
        #expect(document["diagnostics"]?.arrayValue != nil)
        let dryRun = SlotPlanRenderer.applyDocument(report.plan, context: context, diagnostics: [], outcome: "dry-run", backup: nil)
        #expect(dryRun["result"]?["backup"] == .null)
        #expect(SlotPlanRenderer.text(report.plan, context: context, style: .plain).contains("acsURL"))
    }

    @Test func restoreDocumentShowsBothSidesAndTheResult() {
        let differences = [
            FieldDifference(path: ["settings", "app", "acsURL3"], before: "https://a.example", after: nil),
            FieldDifference(path: ["label"], before: nil, after: .int(7)),
        ]
        let context = RestoreRenderer.Context(backupPath: "idcsync-backups/x.json", appId: "0oaidc1", appName: "amazon_aws_sso", label: "AWS",
                                              savedAt: "2026-12-03T10:00:00.000Z", currentLastUpdated: nil)
        let document = RestoreRenderer.restoreDocument(differences, context: context, outcome: "restored", backupOfPreviousState: "y.json")
        #expect(document["result"]?["outcome"] == "restored")
        #expect(document["result"]?["backupOfPreviousState"] == "y.json")
        #expect(document["currentLastUpdated"] == .null)
        let changes = try? #require(document["changes"]?.arrayValue)
        #expect(changes?.first?["backup"] == .null)
        #expect(changes?.first?["backupPresent"] == false)
        #expect(changes?.last?["backup"] == .number("7"), "a number stays a number")
        let text = RestoreRenderer.text(differences, context: context, style: .plain)
        #expect(text.contains("acsURL3") && text.contains("label"), "\(text)")
        #expect(RestoreRenderer.text([], context: context, style: .plain).isEmpty == false)
    }

    @Test func tilesApplyDocumentListsWhatWasDone() async throws {
        let world = try EngineWorld()
        world.okta.addIdentityCenterApp(slots: EngineWorld.syncedSlots)
        world.okta.setGroups(["00gengineers"], of: "0oaidc1")
        let config = try world.offlineConfig(okta: "tiles: {enabled: true}")
        let client = try world.context.okta(try config.selectTarget(nil), configFile: config.source, access: .readWrite)
        let report = try await OktaTiles.plan(config: config, target: try config.selectTarget(nil), client: client)
        let document = TilesRenderer.applyDocument(report.plan, idcAppId: report.idcAppId, idcGroups: report.idcGroups, done: ["created Osaka"])
        #expect(document["done"] == .strings(["created Osaka"]))
        #expect(document["idcGroups"] == .strings(["00gengineers"]))
        #expect(document["changes"] == true)
        #expect(document["steps"]?.arrayValue?.isEmpty == false)
        let text = TilesRenderer.text(report.plan, idcAppId: report.idcAppId, idcGroups: report.idcGroups, style: .plain)
        #expect(text.contains(EngineWorld.osaka), "\(text)")
    }

    @Test func filesDocuments() {
        let guides = FilesRenderer.guidesDocument(outDir: "out", files: [.init(path: "out/a.md", format: "markdown", language: "en"),
                                                                         .init(path: "out/b.json", format: "json", language: nil)], diagnostics: [])
        #expect(guides["files"]?.arrayValue?.map { $0["language"] } == ["en", .null])
        #expect(FilesRenderer.initDocument(path: "/x/idcsync.yaml") == .object(["path": "/x/idcsync.yaml", "written": true]))
    }
}
