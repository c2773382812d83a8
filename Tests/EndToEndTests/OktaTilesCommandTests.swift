import Foundation
import IDCSyncCore
import Testing

/// `okta tiles plan|apply` (and tiles in `regions remove`, `reconcile`, `doctor`) through the real
/// binary against the AWS sandbox and the Okta fake.
@Suite("okta tiles (binary, against the AWS sandbox and the Okta fake)")
struct OktaTilesCommandTests {
    static let groups = ["00gengineers", "00gfinance"]

    static let startURL = "https://aws.example.com"

    /// Tokyo with Osaka added; the IdC app assigned two groups; tiles switched on.
    private func setUp(extraTiles: String = "") async throws -> SandboxWorld {
        let world = try await SandboxWorld.make()
        try await world.okta.seedGroups("0oaidc1", Self.groups)
        try writeConfig(world, extraTiles: extraTiles)
        try await world.okta.clearRequests()
        try await world.aws.clearRequests()
        return world
    }

    private func writeConfig(_ world: SandboxWorld, extraTiles: String = "", instance: String = "") throws {
        try world.workspace.write("idcsync.yaml", """
            instance:
              primaryRegion: ap-northeast-1\(instance)
            kms:
              delegatedAdministrators: []
            okta:
              orgUrl: \(world.okta.url)
              appId: 0oaidc1
              tiles: {enabled: true\(extraTiles)}
            """)
    }

    /// `instance.startUrl` and `portal: start-url`.
    private func useTheStartURL(_ world: SandboxWorld) throws {
        try writeConfig(world, extraTiles: ", portal: start-url", instance: "\n  startUrl: \(Self.startURL)")
    }

    private func tiles(_ world: SandboxWorld) async throws -> [JSONValue] {
        try await world.okta.apps().filter { $0["name"] == "bookmark" }
    }

    private func instanceId(_ world: SandboxWorld) -> String { String(world.seeded.instanceArn.split(separator: "/").last ?? "") }

    @Test func firstApplyCreatesATileWithTheGroupsAndARerunChangesNothing() async throws {
        let world = try await setUp()
        let plan = try world.workspace.run(["okta", "tiles", "plan"], environment: world.environment)
        #expect(plan.status == 2, "\(plan.stdout)\n\(plan.stderr)")
        #expect(plan.stdout.contains("create tile \"AWS access portal - Osaka (ap-northeast-3)\" → https://\(instanceId(world)).ap-northeast-3.portal.amazonaws.com"))
        #expect(try await tiles(world).isEmpty, "plan writes nothing")

        try await world.okta.clearRequests()
        let apply = try world.workspace.run(["okta", "tiles", "apply", "--yes"], environment: world.environment)
        #expect(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")
        let first = try await world.okta.requestLines()
        #expect(first.filter { !$0.hasPrefix("GET ") }.count == 3, "one create and two group assignments: \(first)")
        let created = try await tiles(world)
        #expect(created.count == 1, "one tile per additional Region, none for the primary")
        let tile = try #require(created.first)
        #expect(tile["label"] == "AWS access portal - Osaka (ap-northeast-3)")
        #expect(tile["status"] == "ACTIVE")
        #expect(tile.value(at: ["settings", "app", "url"])?.stringValue == "https://\(instanceId(world)).ap-northeast-3.portal.amazonaws.com")
        #expect(tile.value(at: ["settings", "notes", "admin"])?.stringValue?.contains("Managed by idcsync: instance \(instanceId(world)), Region ap-northeast-3.") == true)
        #expect(Set(try await world.okta.groups(tile["id"]?.stringValue ?? "")) == Set(Self.groups))

        try await world.okta.clearRequests()
        let again = try world.workspace.run(["okta", "tiles", "apply", "--yes"], environment: world.environment)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("No changes: the tiles are in place."))
        let rerun = try await world.okta.requestLines()
        #expect(rerun.allSatisfy { $0.hasPrefix("GET ") }, "\(rerun)")
        // The IdC app, its groups, the Bookmark apps, the tile's groups.
        #expect(rerun.count == 4, "\(rerun)")
        let planAgain = try world.workspace.run(["okta", "tiles", "plan"], environment: world.environment)
        #expect(planAgain.status == 0)
    }

    @Test func aGroupAddedToTheIdCAppReachesEveryTileAndHandAssignedGroupsStay() async throws {
        let world = try await setUp()
        #expect(try world.workspace.run(["okta", "tiles", "apply", "--yes"], environment: world.environment).status == 0)
        // A second additional Region: `regions add` creates its tile as its last Okta step.
        let add = try world.workspace.run(["regions", "add", "eu-west-1", "--yes"], environment: world.environment)
        #expect(add.status == 0, "\(add.stdout)\n\(add.stderr)")
        #expect(add.stdout.contains("Okta dashboard tiles (1 step)"))
        let tileIds = try await tiles(world).compactMap { $0["id"]?.stringValue }
        #expect(tileIds.count == 2)
        let osaka = try #require(try await tiles(world).first { $0["label"] == "AWS access portal - Osaka (ap-northeast-3)" }?["id"]?.stringValue)
        try await world.okta.seedGroups(osaka, Self.groups + ["00ghandpicked"])
        try await world.okta.seedGroups("0oaidc1", ["00gengineers", "00gsecurity"])  // finance left, security joined

        let plan = try world.workspace.run(["okta", "tiles", "plan", "--output", "json"], environment: world.environment)
        #expect(plan.status == 2)
        let steps = try JSONParser.parse(plan.stdout)["steps"]?.arrayValue ?? []
        #expect(steps.filter { $0["action"] == "assign" && $0["groups"] == ["00gsecurity"] }.count == 2, "every tile")
        #expect(steps.filter { $0["action"] == "unassign" && $0["groups"] == ["00gfinance"] }.count == 2)
        #expect(try world.workspace.run(["okta", "tiles", "apply", "--yes"], environment: world.environment).status == 0)
        #expect(Set(try await world.okta.groups(osaka)) == ["00gengineers", "00gsecurity", "00ghandpicked"])
        for id in tileIds where id != osaka {
            #expect(Set(try await world.okta.groups(id)) == ["00gengineers", "00gsecurity"])
        }
    }

    @Test func aRegionRemovedDeletesItsTileAndReconcileAndDoctorSeeTiles() async throws {
        let world = try await setUp()
        let doctorBefore = try world.workspace.run(["doctor", "--output", "json"], environment: world.environment)
        let checks = try JSONParser.parse(doctorBefore.stdout)["checks"]?.arrayValue ?? []
        #expect(checks.first { $0["id"] == "okta-tiles" }?["status"] == "fail", "\(doctorBefore.stdout)")
        let reconcile = try world.workspace.run(["reconcile", "--output", "json", "--metrics-file", "m.prom"], environment: world.environment)
        #expect(reconcile.status == 2, "\(reconcile.stdout)\n\(reconcile.stderr)")
        #expect(try JSONParser.parse(reconcile.stdout)["targets"]?.arrayValue?.first?["tiles"]?["state"] == "drift")
        let metrics = try String(contentsOf: world.workspace.url.appendingPathComponent("m.prom"), encoding: .utf8)
        #expect(metrics.contains("idcsync_reconcile_drift{target=\"default\",kind=\"okta_tiles\",owner=\"idcsync\"} 1\n"))
        let fixed = try world.workspace.run(["reconcile", "--apply"], environment: world.environment)
        #expect(fixed.status == 0, "\(fixed.stdout)\n\(fixed.stderr)")
        #expect(try await tiles(world).count == 1)

        let remove = try world.workspace.run(["regions", "remove", "ap-northeast-3", "--yes"], environment: world.environment)
        #expect(remove.status == 0, "\(remove.stdout)\n\(remove.stderr)")
        #expect(remove.stdout.contains("Okta dashboard tiles (1 step)"))
        #expect(try await tiles(world).isEmpty, "deactivated, then deleted")
        let lifecycle = try await world.okta.requestLines().filter { $0.contains("lifecycle/deactivate") || $0.hasPrefix("DELETE /api/v1/apps/") }
        #expect(lifecycle.count == 2 && lifecycle[0].contains("deactivate"), "\(lifecycle)")
    }

    @Test func withPortalStartURLOneTileOpensTheStartURLAndARerunWritesNothing() async throws {
        let world = try await setUp()
        try useTheStartURL(world)
        let plan = try world.workspace.run(["okta", "tiles", "plan"], environment: world.environment)
        #expect(plan.status == 2, "\(plan.stdout)\n\(plan.stderr)")
        #expect(plan.stdout.contains("  start URL  \"AWS access portal\"  https://aws.example.com  (the company start URL: it opens a healthy Region's portal)\n"), "\(plan.stdout)")
        #expect(plan.stdout.contains("1. create tile \"AWS access portal\" → https://aws.example.com, groups: 00gengineers, 00gfinance"))
        #expect(!plan.stdout.contains("ap-northeast-3"), "no tile for a Region")
        let json = try JSONParser.parse(try world.workspace.run(["okta", "tiles", "plan", "--output", "json"], environment: world.environment).stdout)
        #expect(json["tiles"] == .array([.object(["region": .null, "primary": false, "label": "AWS access portal", "url": "https://aws.example.com", "opens": "start-url"])]))
        #expect(json["steps"]?.arrayValue?.map { $0["opens"] } == ["start-url"])
        #expect(try await tiles(world).isEmpty, "plan writes nothing")

        let apply = try world.workspace.run(["okta", "tiles", "apply", "--yes"], environment: world.environment)
        #expect(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")
        let created = try await tiles(world)
        #expect(created.count == 1)
        let tile = try #require(created.first)
        #expect(tile["label"] == "AWS access portal")
        #expect(tile["status"] == "ACTIVE")
        #expect(tile.value(at: ["settings", "app", "url"])?.stringValue == Self.startURL)
        #expect(tile.value(at: ["settings", "notes", "admin"])?.stringValue?.contains("Managed by idcsync: instance \(instanceId(world)), start URL.") == true)
        #expect(Set(try await world.okta.groups(tile["id"]?.stringValue ?? "")) == Set(Self.groups))

        try await world.okta.clearRequests()
        let again = try world.workspace.run(["okta", "tiles", "apply", "--yes"], environment: world.environment)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("No changes: the tiles are in place."))
        let rerun = try await world.okta.requestLines()
        #expect(rerun.allSatisfy { $0.hasPrefix("GET ") }, "\(rerun)")
    }

    @Test func switchingToTheStartURLRemovesTheRegionsTiles() async throws {
        let world = try await setUp()
        #expect(try world.workspace.run(["okta", "tiles", "apply", "--yes"], environment: world.environment).status == 0)
        let osaka = try #require(try await tiles(world).first?["id"]?.stringValue)
        try useTheStartURL(world)

        let plan = try world.workspace.run(["okta", "tiles", "plan"], environment: world.environment)
        #expect(plan.status == 2, "\(plan.stdout)\n\(plan.stderr)")
        #expect(plan.stdout.contains("1. create tile \"AWS access portal\" → https://aws.example.com"), "\(plan.stdout)")
        #expect(plan.stdout.contains("2. remove tile \(osaka) \"AWS access portal - Osaka (ap-northeast-3)\" (ap-northeast-3): deactivate, then delete; the start URL tile replaces the Regions' tiles (okta.tiles.portal: start-url)"))
        let steps = try JSONParser.parse(try world.workspace.run(["okta", "tiles", "plan", "--output", "json"], environment: world.environment).stdout)["steps"]?.arrayValue ?? []
        #expect(steps.map { $0["action"] } == ["create", "remove"])
        #expect(steps.map { $0["opens"] } == ["start-url", "region-portal"])
        #expect(steps.last?["region"] == "ap-northeast-3")

        try await world.okta.clearRequests()
        let apply = try world.workspace.run(["okta", "tiles", "apply", "--yes"], environment: world.environment)
        #expect(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")
        let remaining = try await tiles(world)
        #expect(remaining.count == 1)
        #expect(remaining.first?.value(at: ["settings", "app", "url"])?.stringValue == Self.startURL)
        let lifecycle = try await world.okta.requestLines().filter { $0.contains("/\(osaka)/lifecycle/deactivate") || $0 == "DELETE /api/v1/apps/\(osaka)" }
        #expect(lifecycle.count == 2, "Osaka's tile deactivated, then deleted: \(lifecycle)")

        try await world.okta.clearRequests()
        #expect(try world.workspace.run(["okta", "tiles", "plan"], environment: world.environment).status == 0, "in place")
        #expect(try await world.okta.requestLines().allSatisfy { $0.hasPrefix("GET ") })
    }

    @Test func tilesOffIsAConfigurationError() async throws {
        let world = try await SandboxWorld.make(addOsaka: false)
        let result = try world.workspace.runFailing(["okta", "tiles", "plan"], environment: world.environment)
        #expect(result.status == 64)
        #expect(result.stderr.contains("okta.tiles is not enabled"))
        try world.workspace.write("bad.yaml", "instance: {primaryRegion: ap-northeast-1}\nokta:\n  orgUrl: \(world.okta.url)\n  tiles: {label: AWS portal}\n")
        let badLabel = try world.workspace.runFailing(["okta", "tiles", "plan", "--config", "bad.yaml"], environment: world.environment)
        #expect(badLabel.status == 64)
        #expect(badLabel.stderr.contains("okta.tiles.label"))
        #expect(badLabel.stderr.contains("must contain {region}"))
    }
}
