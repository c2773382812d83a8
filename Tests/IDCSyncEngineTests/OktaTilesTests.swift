import Foundation
import IDCSyncCore
@testable import IDCSyncEngine
import IDCSyncTestSupport
import OktaKit
import Testing

/// `okta tiles plan|apply` in-process (`OktaTiles.plan` + `apply`) against the fake org: what is
/// created, put back, mirrored or removed, the requests each step sends, and that a tile idcsync
/// did not create is never touched.
@Suite("okta tiles (in-process, fake org)")
struct OktaTilesTests {
    private static let instanceArn = FakeAWS.instanceArn
    private static let groups = ["00gengineers", "00gfinance"]
    private static let osakaLabel = "AWS access portal - Osaka (ap-northeast-3)"

    private static var instanceId: String { (try? InstanceARN.parse(instanceArn).get().instanceId) ?? "" }

    /// Tokyo and Osaka, offline (instance.regions), tiles on; the IdC app assigned `groups`.
    private func world(groups: [String] = OktaTilesTests.groups) throws -> (EngineWorld, Config) {
        let world = try EngineWorld()
        world.okta.addIdentityCenterApp(slots: EngineWorld.syncedSlots)
        world.okta.setGroups(groups, of: "0oaidc1")
        let config = try world.offlineConfig(okta: "tiles: {enabled: true}")
        return (world, config)
    }

    private func plan(_ world: EngineWorld, _ config: Config) async throws -> TilesReport {
        let report = try await OktaTiles.plan(config: config, target: try config.selectTarget(nil), client: try client(world, config))
        #expect(world.okta.writes.isEmpty, "planning writes nothing")
        return report
    }

    private func apply(_ world: EngineWorld, _ config: Config, _ report: TilesReport) async throws -> [String] {
        try await OktaTiles.apply(report, client: try client(world, config), backupDirectory: world.folder.appendingPathComponent("backups").path,
                                  now: world.context.date, logger: EngineWorld.quietLogger)
    }

    private func client(_ world: EngineWorld, _ config: Config) throws -> OktaClient {
        try world.context.okta(try config.selectTarget(nil), configFile: config.source, access: .readWrite)
    }

    private func marker(_ region: String = EngineWorld.osaka, groups: [String] = OktaTilesTests.groups) -> String {
        TileMarker(instanceId: Self.instanceId, region: region, mirroredGroups: groups).note(keeping: nil)
    }

    /// Osaka's tile as idcsync would have made it, with its groups.
    private func addOsakaTile(_ world: EngineWorld, id: String = "0oatile1", label: String = OktaTilesTests.osakaLabel,
                              url: String, groups: [String] = OktaTilesTests.groups, mirrored: [String] = OktaTilesTests.groups) {
        world.okta.addBookmarkApp(id: id, label: label, url: url, adminNote: marker(groups: mirrored))
        world.okta.setGroups(groups, of: id)
    }

    private func osakaURL(_ world: EngineWorld, _ config: Config) async throws -> String {
        let report = try await self.plan(world, config)
        let desired = try #require(report.plan.desired.first)
        world.okta.clearLog()
        return desired.url
    }

    @Test func aMissingTileIsCreatedActiveWithTheGroupsAndTheRerunChangesNothing() async throws {
        let (world, config) = try self.world()
        let report = try await self.plan(world, config)
        #expect(report.plan.desired.map(\.key) == [EngineWorld.osaka], "a tile per additional Region, none for the primary")
        let tile = try #require(report.plan.desired.first)
        #expect(tile.label == Self.osakaLabel)
        #expect(tile.url.hasPrefix("https://") && tile.url.hasSuffix(".ap-northeast-3.portal.amazonaws.com"), "\(tile.url)")
        #expect(report.plan.steps == [.create(tile, groups: Self.groups, marker: TileMarker(instanceId: Self.instanceId, region: EngineWorld.osaka, mirroredGroups: Self.groups))])
        #expect(report.idcGroups == Self.groups)
        #expect(report.diagnostics.isEmpty)

        let done = try await apply(world, config, report)
        #expect(done == ["created tile 0oacreated001 \"\(Self.osakaLabel)\" → \(tile.url) with 2 groups"])
        #expect(world.okta.writes == ["POST /api/v1/apps?activate=true", "PUT /api/v1/apps/0oacreated001/groups/00gengineers",
                                      "PUT /api/v1/apps/0oacreated001/groups/00gfinance"])
        let created = try #require(world.okta.app("0oacreated001"))
        #expect(created["status"] == "ACTIVE")
        #expect(created.value(at: ["settings", "app", "url"])?.stringValue == tile.url)
        #expect(created.value(at: ["settings", "notes", "admin"])?.stringValue == marker())
        #expect(world.okta.groups(of: "0oacreated001") == Self.groups)

        world.okta.clearLog()
        let again = try await self.plan(world, config)
        #expect(again.plan.steps.isEmpty)
        #expect(world.okta.requests.count == 4, "the IdC app, its groups, the Bookmark apps, the tile's groups: \(world.okta.requests)")
        world.okta.clearLog()
        #expect(try await apply(world, config, again).isEmpty)
        #expect(world.okta.requests.isEmpty, "an empty plan sends nothing")
    }

    @Test func aHandEditedTileIsPlannedBackAndPutBackThroughTheGuardedWrite() async throws {
        let (world, config) = try self.world()
        let url = try await osakaURL(world, config)
        addOsakaTile(world, label: "Osaka portal (renamed)", url: "https://intranet.example/osaka")
        var tile = try #require(world.okta.app("0oatile1"))
        tile.set("kept as it is", at: ["settings", "notes", "enduser"])
        world.okta.setApp(tile)

        let report = try await self.plan(world, config)
        guard case .update(let id, let region, let changes)? = report.plan.steps.first, report.plan.steps.count == 1 else {
            Issue.record("one update step expected: \(report.plan.steps)")
            return
        }
        #expect(id == "0oatile1" && region == EngineWorld.osaka)
        #expect(changes.map(\.field) == ["label", "settings.app.url", "settings.notes.enduser"])
        #expect(changes.map(\.after) == [Self.osakaLabel, url, nil])

        world.okta.clearLog()
        let done = try await apply(world, config, report)
        #expect(done.count == 1 && done[0].hasPrefix("updated tile 0oatile1 (ap-northeast-3): label, settings.app.url, settings.notes.enduser (backup "), "\(done)")
        #expect(world.okta.requests == ["GET /api/v1/apps/0oatile1", "PUT /api/v1/apps/0oatile1", "GET /api/v1/apps/0oatile1"],
                "the guard's re-read, one full-object PUT, the read-back")
        let after = try #require(world.okta.app("0oatile1"))
        #expect(after["label"]?.stringValue == Self.osakaLabel)
        #expect(after.value(at: ["settings", "app", "url"])?.stringValue == url)
        #expect(after.value(at: ["settings", "notes", "admin"])?.stringValue == marker(), "the marker stays")
        #expect(world.okta.groups(of: "0oatile1") == Self.groups, "groups were right: untouched")
    }

    @Test func anUnmarkedAppWithATilesLabelIsLeftAloneAndReported() async throws {
        let (world, config) = try self.world()
        world.okta.addBookmarkApp(id: "0oahandmade", label: Self.osakaLabel, url: "https://intranet.example/aws", adminNote: "made by hand")
        let before = world.okta.app("0oahandmade")
        let report = try await self.plan(world, config)
        #expect(report.plan.lookalikes.map(\.id) == ["0oahandmade"])
        #expect(report.diagnostics.map(\.code) == ["tiles.lookalike"])
        #expect(report.diagnostics.first?.message == "app 0oahandmade \"\(Self.osakaLabel)\" has a tile's label but no idcsync marker: it is left alone (idcsync only changes tiles it created)")
        #expect(report.plan.steps.count == 1, "ours is created beside it")
        #expect(!world.okta.requests.contains { $0.contains("0oahandmade") }, "not even its groups are read")

        _ = try await apply(world, config, report)
        #expect(!world.okta.requests.contains { $0.contains("0oahandmade") })
        #expect(world.okta.app("0oahandmade") == before)
        #expect(world.okta.bookmarkApps.count == 2)
    }

    @Test func groupsChangedOnTheIdCAppAreMirroredAndAHandAssignedGroupStays() async throws {
        let (world, config) = try self.world(groups: ["00gengineers", "00gsecurity"])
        let url = try await osakaURL(world, config)
        addOsakaTile(world, url: url, groups: Self.groups + ["00ghandpicked"])
        let report = try await self.plan(world, config)
        #expect(report.plan.steps.count == 3, "\(report.plan.steps)")
        #expect(report.plan.steps.first == .assign(appId: "0oatile1", region: EngineWorld.osaka, groups: ["00gsecurity"]))
        #expect(report.plan.steps.dropFirst().first == .unassign(appId: "0oatile1", region: EngineWorld.osaka, groups: ["00gfinance"]))
        guard case .update(_, _, let changes)? = report.plan.steps.last else {
            Issue.record("the marker's groups are updated last: \(report.plan.steps)")
            return
        }
        #expect(changes.map(\.field) == ["settings.notes.admin"])

        world.okta.clearLog()
        _ = try await apply(world, config, report)
        #expect(world.okta.writes == ["PUT /api/v1/apps/0oatile1/groups/00gsecurity", "DELETE /api/v1/apps/0oatile1/groups/00gfinance",
                                      "PUT /api/v1/apps/0oatile1"], "groups first, the marker after")
        #expect(Set(world.okta.groups(of: "0oatile1")) == ["00gengineers", "00gsecurity", "00ghandpicked"])
        #expect(world.okta.app("0oatile1")?.value(at: ["settings", "notes", "admin"])?.stringValue
                == marker(groups: ["00gengineers", "00gsecurity"]))
    }

    @Test func aTileOfARegionNoLongerEnabledIsSavedDeactivatedThenDeleted() async throws {
        let (world, config) = try self.world()
        let url = try await osakaURL(world, config)
        addOsakaTile(world, url: url)
        world.okta.addBookmarkApp(id: "0oatileold", label: "AWS access portal - Singapore (ap-southeast-1)", url: "https://example.test/old",
                                  adminNote: marker("ap-southeast-1"))
        let report = try await self.plan(world, config)
        #expect(report.plan.steps == [.remove(appId: "0oatileold", region: "ap-southeast-1", label: "AWS access portal - Singapore (ap-southeast-1)",
                                              why: "ap-southeast-1 is no longer a Region of the instance that has a tile")])
        world.okta.clearLog()
        let done = try await apply(world, config, report)
        #expect(done == ["removed tile 0oatileold (ap-southeast-1): deactivated and deleted"])
        #expect(world.okta.writes == ["POST /api/v1/apps/0oatileold/lifecycle/deactivate", "DELETE /api/v1/apps/0oatileold"])
        #expect(world.okta.app("0oatileold") == nil)
        let saved = try FileManager.default.contentsOfDirectory(atPath: world.folder.appendingPathComponent("backups").path)
        #expect(saved.count == 1 && saved[0].hasPrefix("okta-app-0oatileold-"), "the tile is saved before it is deleted: \(saved)")
        #expect(world.okta.app("0oatile1") != nil)
    }

    @Test func aCreateWhoseAnswerWasLostIsFoundByItsMarkerOnTheRerun() async throws {
        let (world, config) = try self.world()
        world.okta.loseNextCreateAnswer()
        let report = try await self.plan(world, config)
        let error = await #expect(throws: IDCSyncError.self) { _ = try await apply(world, config, report) }
        guard case .remote(service: "Okta", let operation, _)? = error?.kind else {
            Issue.record("not a remote Okta error: \(String(describing: error?.kind))")
            return
        }
        #expect(operation == "POST /api/v1/apps")
        #expect(world.okta.writes == ["POST /api/v1/apps?activate=true"], "a create is never sent twice")
        #expect(world.okta.bookmarkApps.count == 1, "the create took effect")

        world.okta.clearLog()
        let rerun = try await self.plan(world, config)
        #expect(rerun.plan.steps == [.assign(appId: "0oacreated001", region: EngineWorld.osaka, groups: Self.groups)],
                "found by its marker; only the groups the failed run never assigned remain")
        _ = try await apply(world, config, rerun)
        #expect(world.okta.bookmarkApps.count == 1, "no second tile")
        #expect(world.okta.groups(of: "0oacreated001") == Self.groups)
    }

    // MARK: portal: start-url

    private static let startURL = "https://aws.example.com"

    /// Tokyo and Osaka with `instance.startUrl`; tiles on with `portal: start-url` unless `portal` says otherwise.
    private func startURLConfig(_ world: EngineWorld, portal: String = "start-url", tiles: String = "") throws -> Config {
        try world.config("""
            instance:
              arn: \(Self.instanceArn)
              primaryRegion: \(EngineWorld.primary)
              regions: [\(EngineWorld.primary), \(EngineWorld.osaka)]
              startUrl: \(Self.startURL)
            okta:
              orgUrl: \(world.okta.orgURL)
              appId: 0oaidc1
              tiles: {enabled: true, portal: \(portal)\(tiles)}
            """)
    }

    private var startURLMarker: TileMarker {
        TileMarker(instanceId: Self.instanceId, region: TileMarker.startURLKey, mirroredGroups: Self.groups)
    }

    @Test func withPortalStartURLOneTileOpensTheStartURLWithTheGroupsAndARerunWritesNothing() async throws {
        let (world, _) = try self.world()
        let config = try startURLConfig(world)
        let report = try await self.plan(world, config)
        let tile = try #require(report.plan.desired.first)
        #expect(report.plan.desired.count == 1, "one tile, not one per Region")
        #expect(tile.region == nil && tile.key == TileMarker.startURLKey && tile.name == "start URL")
        #expect(tile.label == "AWS access portal", "the default label names a Region, so the plain label")
        #expect(tile.url == Self.startURL && tile.note == nil)
        #expect(report.plan.steps == [.create(tile, groups: Self.groups, marker: startURLMarker)])
        #expect(report.diagnostics.isEmpty)

        let done = try await apply(world, config, report)
        #expect(done == ["created tile 0oacreated001 \"AWS access portal\" → \(Self.startURL) with 2 groups"])
        #expect(world.okta.writes == ["POST /api/v1/apps?activate=true", "PUT /api/v1/apps/0oacreated001/groups/00gengineers",
                                      "PUT /api/v1/apps/0oacreated001/groups/00gfinance"])
        let created = try #require(world.okta.app("0oacreated001"))
        #expect(created["status"] == "ACTIVE")
        #expect(created.value(at: ["settings", "app", "url"])?.stringValue == Self.startURL)
        #expect(created.value(at: ["settings", "notes", "admin"])?.stringValue
                == "Managed by idcsync: instance \(Self.instanceId), start URL. Do not edit these two lines.\nidcsync-groups: 00gengineers,00gfinance")
        #expect(TileApp(app: try OktaApp(json: created)).marker == startURLMarker, "the marker reads back")
        #expect(world.okta.groups(of: "0oacreated001") == Self.groups)

        world.okta.clearLog()
        let again = try await self.plan(world, config)
        #expect(again.plan.steps.isEmpty)
        world.okta.clearLog()
        #expect(try await apply(world, config, again).isEmpty)
        #expect(world.okta.requests.isEmpty, "an empty plan sends nothing")
    }

    @Test func switchingToTheStartURLRemovesTheRegionsTilesAndBackAgain() async throws {
        let (world, perRegion) = try self.world()
        let osakaURL = try await osakaURL(world, perRegion)
        addOsakaTile(world, url: osakaURL)
        let config = try startURLConfig(world)

        let report = try await self.plan(world, config)
        let tile = try #require(report.plan.desired.first)
        #expect(tile.url == Self.startURL)
        #expect(report.plan.steps == [
            .create(tile, groups: Self.groups, marker: startURLMarker),
            .remove(appId: "0oatile1", region: EngineWorld.osaka, label: Self.osakaLabel,
                    why: "the start URL tile replaces the Regions' tiles (okta.tiles.portal: start-url)"),
        ], "the new tile first, so people always have one")
        world.okta.clearLog()
        _ = try await apply(world, config, report)
        #expect(world.okta.writes == ["POST /api/v1/apps?activate=true", "PUT /api/v1/apps/0oacreated001/groups/00gengineers",
                                      "PUT /api/v1/apps/0oacreated001/groups/00gfinance",
                                      "POST /api/v1/apps/0oatile1/lifecycle/deactivate", "DELETE /api/v1/apps/0oatile1"])
        #expect(world.okta.bookmarkApps.keys.sorted() == ["0oacreated001"])

        // Back to a tile per Region: Osaka's comes back, the start URL tile goes.
        world.okta.clearLog()
        let back = try await self.plan(world, perRegion)
        guard case .create(let osaka, _, _)? = back.plan.steps.first, back.plan.steps.count == 2 else {
            Issue.record("a create and a remove expected: \(back.plan.steps)")
            return
        }
        #expect(osaka.region?.name == EngineWorld.osaka && osaka.url == osakaURL)
        #expect(back.plan.steps.last == .remove(appId: "0oacreated001", region: TileMarker.startURLKey, label: "AWS access portal",
                                               why: "okta.tiles.portal is no longer start-url: the Regions' tiles replace the start URL tile"))
        #expect(back.plan.steps.last?.description == "remove tile 0oacreated001 \"AWS access portal\" (start URL): deactivate, then delete; okta.tiles.portal is no longer start-url: the Regions' tiles replace the start URL tile")
    }

    @Test func aLabelWithoutARegionIsKeptAndANoteNamingOneIsDropped() async throws {
        let (world, _) = try self.world()
        let config = try startURLConfig(world, tiles: ", label: \"AWS (company portal)\", note: \"Opens {name}\"")
        let report = try await self.plan(world, config)
        #expect(report.plan.desired.map(\.label) == ["AWS (company portal)"])
        #expect(report.plan.desired.map(\.note) == [nil])
        #expect(report.diagnostics.map(\.code) == ["tiles.start-url-note"])
        #expect(report.diagnostics.first?.message == "okta.tiles.note names a Region, but the start URL tile opens whichever Region is healthy, so it gets no note; write the note without {region}, {name} or {nameJa}")

        let named = try await self.plan(world, try startURLConfig(world, tiles: ", label: \"AWS {nameJa} ({region})\", note: \"Company portal\""))
        #expect(named.plan.desired.map(\.label) == ["AWS access portal"])
        #expect(named.plan.desired.map(\.note) == ["Company portal"])
        #expect(named.diagnostics.map(\.code) == ["tiles.start-url-label"])
    }

    @Test func tilesOffIsAConfigurationErrorBeforeAnyRequest() async throws {
        let world = try EngineWorld()
        let config = try world.config("""
            instance:
              arn: \(Self.instanceArn)
              primaryRegion: \(EngineWorld.primary)
              regions: [\(EngineWorld.primary)]
            okta:
              orgUrl: \(world.okta.orgURL)
              appId: 0oaidc1
            """)
        let error = await #expect(throws: IDCSyncError.self) { _ = try await self.plan(world, config) }
        #expect(error?.kind == .configuration)
        #expect(error?.diagnostics.map(\.code) == ["config.tiles-off"])
        #expect(error?.diagnostics.first?.field == "okta.tiles")
        #expect(error?.diagnostics.first?.message == "okta.tiles is not enabled; add `tiles: {enabled: true}` under okta to manage dashboard tiles")
        #expect(world.okta.requests.isEmpty)
    }
}
