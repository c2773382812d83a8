@testable import IDCSyncCore
import IDCSyncTestSupport
import Testing

@Suite("Okta dashboard tiles planner")
struct TilePlannerTests {
    static let instanceId = "ssoins-7758a1b2c3d4e5f6"
    static let tokyo = try! Region.parse("ap-northeast-1").get()
    static let osaka = try! Region.parse("ap-northeast-3").get()
    static let frankfurt = try! Region.parse("eu-central-1").get()
    static let catalog = URLCatalogInput(partition: .aws, primaryRegion: tokyo, instanceId: instanceId)

    static func desired(_ regions: [Region], _ config: TilesConfig = TilesConfig()) throws -> [DesiredTile] {
        try TilePlanner.desiredTiles(config: config, regions: [tokyo] + regions, catalog: catalog)
    }

    /// A simulated Okta org: the bookmark apps and their groups, with the steps applied as Okta would.
    struct Org {
        var apps: [TileApp] = []
        var nextId = 1

        mutating func apply(_ plan: TilePlan) {
            for step in plan.steps {
                switch step {
                case .create(let tile, let groups, let marker):
                    let app = try! OktaApp(json: TilePlanner.newApp(tile, marker: marker).settingMembers(["id": .string("0oatile\(nextId)"), "status": "ACTIVE",
                                                                                                           "created": .string("2026-11-21T00:00:0\(nextId)Z")]))
                    nextId += 1
                    apps.append(TileApp(app: app, groups: groups))
                case .update(let id, _, let changes):
                    let index = apps.firstIndex { $0.app.id == id }!
                    apps[index].app = TilePlanner.updated(apps[index].app, changes: changes)
                case .activate(let id, _):
                    let index = apps.firstIndex { $0.app.id == id }!
                    apps[index].app = try! OktaApp(json: apps[index].app.json.settingMembers(["status": "ACTIVE"]))
                case .assign(let id, _, let groups):
                    let index = apps.firstIndex { $0.app.id == id }!
                    apps[index].groups += groups
                case .unassign(let id, _, let groups):
                    let index = apps.firstIndex { $0.app.id == id }!
                    apps[index].groups.removeAll { groups.contains($0) }
                case .remove(let id, _, _, _):
                    apps.removeAll { $0.app.id == id }
                }
            }
        }
    }

    static func plan(_ org: Org, _ desired: [DesiredTile], groups: [String], exact: Bool = false) -> TilePlan {
        TilePlanner.plan(desired: desired, apps: org.apps, idcGroups: groups, instanceId: instanceId, exactGroups: exact)
    }

    @Test func desiredTilesUseTheAdditionalRegionsPortalAndTheLabelTemplate() throws {
        let tiles = try Self.desired([Self.osaka])
        #expect(tiles.map(\.region) == [Self.osaka], "no tile for the primary unless asked")
        #expect(tiles[0].url == "https://ssoins-7758a1b2c3d4e5f6.ap-northeast-3.portal.amazonaws.com")
        #expect(tiles[0].label == "AWS access portal - Osaka (ap-northeast-3)")
        let japanese = try Self.desired([Self.osaka], TilesConfig(portal: .dualStack, label: "AWS アクセスポータル - {nameJa} ({region})", primary: true))
        #expect(japanese.map(\.label) == ["AWS アクセスポータル - 東京 (ap-northeast-1)", "AWS アクセスポータル - 大阪 (ap-northeast-3)"])
        #expect(japanese[1].url == "https://ssoins-7758a1b2c3d4e5f6.portal.ap-northeast-3.app.aws")
    }

    @Test func theStartURLTileHasItsOwnMarkerAndReplacesTheRegionsTiles() throws {
        let marker = TileMarker(instanceId: Self.instanceId, region: TileMarker.startURLKey, mirroredGroups: ["00g2", "00g1"])
        let note = marker.note(keeping: "kept by hand")
        #expect(note == "kept by hand\nManaged by idcsync: instance \(Self.instanceId), start URL. Do not edit these two lines.\nidcsync-groups: 00g1,00g2")
        #expect(TileMarker.parse(note) == marker)

        let startURL = try StartURL.parse("https://aws.example.com/").get()
        let config = TilesConfig(portal: .startURL)
        let tiles = try TilePlanner.desiredTiles(config: config, regions: [Self.tokyo, Self.osaka, Self.frankfurt], catalog: Self.catalog, startURL: startURL)
        #expect(tiles == [DesiredTile(region: nil, isPrimary: false, label: "AWS access portal", url: "https://aws.example.com", note: nil)])
        #expect(throws: TilePlanner.PlanError.self) {
            try TilePlanner.desiredTiles(config: config, regions: [Self.tokyo, Self.osaka], catalog: Self.catalog)
        }

        // From per-Region tiles to the one tile and back; each end state plans nothing more.
        var org = Org()
        let regional = try Self.desired([Self.osaka, Self.frankfurt])
        org.apply(Self.plan(org, regional, groups: ["00g1"]))
        let switched = Self.plan(org, tiles, groups: ["00g1"])
        #expect(switched.steps.map(\.verb) == ["create", "remove", "remove"], "the new tile first")
        #expect(switched.steps.dropFirst().allSatisfy {
            if case .remove(_, _, _, let why) = $0 { why == "the start URL tile replaces the Regions' tiles (okta.tiles.portal: start-url)" } else { false }
        })
        org.apply(switched)
        #expect(org.apps.map(\.marker?.region) == [TileMarker.startURLKey])
        #expect(!Self.plan(org, tiles, groups: ["00g1"]).hasChanges)
        let back = Self.plan(org, regional, groups: ["00g1"])
        #expect(back.steps.map(\.verb) == ["create", "create", "remove"])
        org.apply(back)
        #expect(!Self.plan(org, regional, groups: ["00g1"]).hasChanges)
    }

    @Test func undocumentedPartitionsAreAnErrorNotAGuess() throws {
        // GovCloud: no Regional portal host is documented or known to the AWS CLI's resolver.
        let west = try Region.parse("us-gov-west-1").get()
        let east = try Region.parse("us-gov-east-1").get()
        #expect(throws: TilePlanner.PlanError.self) {
            try TilePlanner.desiredTiles(config: TilesConfig(), regions: [west, east], catalog: URLCatalogInput(partition: .awsUSGov, primaryRegion: west, instanceId: Self.instanceId))
        }
    }

    @Test func chinaTilesUseTheAWSCLIResolversPortalForm() throws {
        let cn = try Region.parse("cn-north-1").get()
        let other = try Region.parse("cn-northwest-1").get()
        let tiles = try TilePlanner.desiredTiles(config: TilesConfig(), regions: [cn, other], catalog: URLCatalogInput(partition: .awsCN, primaryRegion: cn, instanceId: Self.instanceId))
        #expect(tiles.map(\.url) == ["https://\(Self.instanceId).cn-northwest-1.portal.amazonaws.com.cn"])
    }

    @Test func firstPlanCreatesAndASecondPlanIsEmpty() throws {
        var org = Org()
        let desired = try Self.desired([Self.osaka, Self.frankfurt])
        let first = Self.plan(org, desired, groups: ["00g2", "00g1"])
        #expect(first.steps.count == 2)
        guard case .create(let tile, let groups, let marker) = first.steps[0] else { Issue.record("expected a create"); return }
        #expect(tile.region == Self.osaka || tile.region == Self.frankfurt)
        #expect(groups == ["00g1", "00g2"])
        #expect(marker.mirroredGroups == ["00g1", "00g2"])
        org.apply(first)
        #expect(Self.plan(org, desired, groups: ["00g1", "00g2"]).steps.isEmpty)
    }

    @Test func groupsFollowTheIdCAppAndHandAssignedGroupsStay() throws {
        var org = Org()
        let desired = try Self.desired([Self.osaka])
        org.apply(Self.plan(org, desired, groups: ["00gA", "00gB"]))
        org.apps[0].groups.append("00gHAND")  // an admin adds a group to the tile by hand

        let changed = Self.plan(org, desired, groups: ["00gA", "00gC"])  // B left the IdC app, C joined
        #expect(changed.steps.contains(.assign(appId: "0oatile1", region: "ap-northeast-3", groups: ["00gC"])))
        #expect(changed.steps.contains(.unassign(appId: "0oatile1", region: "ap-northeast-3", groups: ["00gB"])))
        org.apply(changed)
        #expect(Set(org.apps[0].groups) == ["00gA", "00gC", "00gHAND"])
        #expect(Self.plan(org, desired, groups: ["00gA", "00gC"]).steps.isEmpty)

        let exact = Self.plan(org, desired, groups: ["00gA", "00gC"], exact: true)
        #expect(exact.steps == [.unassign(appId: "0oatile1", region: "ap-northeast-3", groups: ["00gHAND"])])
    }

    @Test func aRegionThatLeftLosesItsTileAndUnmarkedAppsAreNeverTouched() throws {
        var org = Org()
        org.apply(Self.plan(org, try Self.desired([Self.osaka, Self.frankfurt]), groups: ["00gA"]))
        // An app someone made by hand with the very label idcsync would use, and another instance's tile.
        let lookalike = try OktaApp(json: .object(["id": "0oahand", "name": "bookmark", "label": "AWS access portal - Osaka (ap-northeast-3)",
                                                   "status": "ACTIVE", "settings": .object(["app": .object(["url": "https://example.com"])])]))
        let foreignMarker = TileMarker(instanceId: "ssoins-0000000000000000", region: "ap-northeast-3", mirroredGroups: []).note(keeping: nil)
        let foreign = try OktaApp(json: .object(["id": "0oaother", "name": "bookmark", "label": "Other", "status": "ACTIVE",
                                                 "settings": .object(["notes": .object(["admin": .string(foreignMarker)])])]))
        org.apps += [TileApp(app: lookalike), TileApp(app: foreign)]

        let plan = Self.plan(org, try Self.desired([Self.osaka]), groups: ["00gA"])
        #expect(plan.steps.count == 1)
        guard case .remove(let id, let region, _, _) = plan.steps[0] else { Issue.record("expected a removal"); return }
        #expect(region == "eu-central-1" && id.hasPrefix("0oatile"))
        #expect(plan.lookalikes.map(\.id) == ["0oahand"])
        #expect(!plan.steps.contains { step in
            if case .remove(let id, _, _, _) = step { return id == "0oahand" || id == "0oaother" }
            return false
        })
    }

    @Test func aDuplicateLeftByAnInterruptedRunIsRemovedAndTheOldestKept() throws {
        var org = Org()
        let desired = try Self.desired([Self.osaka])
        let create = Self.plan(org, desired, groups: [])
        org.apply(create)
        org.apply(create)  // the same create sent twice
        #expect(org.apps.count == 2)
        let plan = Self.plan(org, desired, groups: [])
        #expect(plan.steps.count == 1)
        guard case .remove(let id, _, _, let why) = plan.steps[0] else { Issue.record("expected a removal"); return }
        #expect(id == "0oatile2")
        #expect(why.contains("0oatile1 is kept"))
    }

    @Test func aWrongURLOrLabelIsFixedAndOtherNoteLinesAreKept() throws {
        var org = Org()
        let desired = try Self.desired([Self.osaka])
        org.apply(Self.plan(org, desired, groups: []))
        var json = org.apps[0].app.json
        json.set("https://wrong.example.com", at: ["settings", "app", "url"])
        json.set("Osaka", at: ["label"])
        let admin = "Owner: platform team\n" + (json.value(at: ["settings", "notes", "admin"])?.stringValue ?? "")
        json.set(.string(admin), at: ["settings", "notes", "admin"])
        json.set("INACTIVE", at: ["status"])
        org.apps[0].app = try OktaApp(json: json)

        let plan = Self.plan(org, desired, groups: [])
        guard case .update(_, _, let changes) = plan.steps.first else { Issue.record("expected an update"); return }
        #expect(changes.map(\.field) == ["label", "settings.app.url"])
        #expect(plan.steps.last == .activate(appId: "0oatile1", region: "ap-northeast-3"))
        org.apply(plan)
        #expect(org.apps[0].app.json.value(at: ["settings", "notes", "admin"])?.stringValue?.hasPrefix("Owner: platform team\n") == true)
        #expect(Self.plan(org, desired, groups: []).steps.isEmpty)
    }

    @Test func markersRoundTripAndRejectHalfLines() {
        let marker = TileMarker(instanceId: Self.instanceId, region: "ap-northeast-3", mirroredGroups: ["00gB", "00gA"])
        let note = marker.note(keeping: "Owner: platform team")
        #expect(TileMarker.parse(note) == marker)
        #expect(note.hasPrefix("Owner: platform team\nManaged by idcsync: instance ssoins-7758a1b2c3d4e5f6, Region ap-northeast-3."))
        #expect(TileMarker.parse(TileMarker(instanceId: Self.instanceId, region: "x", mirroredGroups: []).note(keeping: nil))?.mirroredGroups == [])
        #expect(TileMarker.parse("idcsync-groups: 00gA") == nil)
        #expect(TileMarker.parse("Managed by idcsync") == nil)
        #expect(TileMarker.parse(nil) == nil)
    }

    /// Adding and removing Regions in any order, with groups changing, always converges in one apply.
    @Test(arguments: 0..<40) func anyHistoryConvergesInOneApply(seed: Int) throws {
        var generator = SplitMix64(seed: UInt64(seed))
        let pool = try ["ap-northeast-3", "eu-central-1", "us-west-2", "eu-west-1", "ap-southeast-2"].map { try Region.parse($0).get() }
        let groupPool = ["00g1", "00g2", "00g3", "00g4"]
        var org = Org()
        for _ in 0..<6 {
            let regions = pool.filter { _ in generator.next() % 2 == 0 }
            let groups = groupPool.filter { _ in generator.next() % 2 == 0 }
            let desired = try Self.desired(regions)
            org.apply(Self.plan(org, desired, groups: groups))
            #expect(Self.plan(org, desired, groups: groups).steps.isEmpty, "seed \(seed)")
            #expect(Set(org.apps.compactMap { $0.marker?.region }) == Set(regions.map(\.name)))
            #expect(org.apps.allSatisfy { Set($0.groups) == Set(groups) })
        }
    }
}

extension JSONValue {
    func settingMembers(_ members: JSONObject) -> JSONValue {
        var object = objectValue ?? JSONObject()
        for member in members.members { object[member.key] = member.value }
        return .object(object)
    }
}
