import AWSKit
import IDCSyncCore

/// `export terraform`: what AWS and Okta say, and what idcsync plans, turned into the exporter's
/// input. Reads only (the same reads as `regions list`, `okta plan` and `okta tiles plan`).
public struct TerraformExportReport: Sendable {
    public var input: TerraformExportInput
    public var export: TerraformExport
    public var diagnostics: [Diagnostic]
}

public enum TerraformExportGathering {
    public static func gather(config: Config, target: Target, aws: AWSClient, context: EngineContext) async throws(IDCSyncError) -> TerraformExportReport {
        let home = try AWSSession.homeRegion(target: target, environment: context.environment, configFile: config.source)
        let world = try await Discovery.discover(target: target, client: aws, homeRegion: home, configFile: config.source, logger: context.logger)
        // The Regions idcsync makes true: the config's list when it gives one, else the instance's.
        let desired = target.instance.regions ?? world.enabledRegions
        let effective = world.effectiveTarget(target, regions: desired)
        let policy = try PolicyGeneration.keyPolicy(target: effective, pinned: false, configFile: config.source)
        var diagnostics = policy.diagnostics

        let additional = desired.filter { $0 != world.primaryRegion }.map { region in
            TerraformExportInput.AdditionalRegion(
                region: region,
                regionExists: world.region(region.name)?.status.isEnabledOrBecomingSo == true,
                replicaExists: world.primaryKey.replicas.contains { $0.region == region.name })
        }

        let desiredNames = Set(desired.map(\.name))
        let left = Set(world.enabledRegions.map(\.name) + world.primaryKey.replicas.map(\.region)).subtracting(desiredNames).sorted()
        if !left.isEmpty {
            diagnostics.append(Diagnostic(.warning, code: "export.regions-left-out",
                "\(left.joined(separator: ", ")) \(left.count == 1 ? "has" : "have") an IAM Identity Center Region or a key replica but \(left.count == 1 ? "is" : "are") not in instance.regions, so the export leaves \(left.count == 1 ? "it" : "them") out; add \(left.count == 1 ? "it" : "them") to instance.regions to export \(left.count == 1 ? "it" : "them")",
                field: "instance.regions"))
        }

        var okta: TerraformExportInput.OktaApp?
        var tiles: [TerraformExportInput.Tile] = []
        if effective.okta != nil {
            let (report, client) = try await OktaSync.planTarget(config: config, target: effective, access: .read, context: context)
            diagnostics += report.diagnostics
            let planned = report.world.app.applying(report.plan.updates)
            okta = .init(appId: planned.id, settingsApp: planned.settingsApp ?? [:])
            if OktaTiles.enabled(effective) {
                let tilesReport = try await OktaTiles.plan(config: config, target: effective, client: client)
                diagnostics += tilesReport.diagnostics
                tiles = self.tiles(tilesReport, instanceId: world.instanceArn.instanceId)
            }
        }

        let input = TerraformExportInput(
            instanceArn: world.instanceArn.value, primaryRegion: world.primaryRegion,
            key: .init(arn: world.primaryKey.arn, keyId: world.primaryKey.keyId, keySpec: world.primaryKey.keySpec, usage: world.primaryKey.usage),
            keyPolicy: policy.keyPolicy.text, regions: additional, okta: okta, tiles: tiles)
        let export = TerraformExporter.export(input)
        diagnostics += export.warnings.map { Diagnostic(.warning, code: "export.open", $0) }
        return TerraformExportReport(input: input, export: export, diagnostics: diagnostics)
    }

    /// Each desired tile as the plan leaves it: the tile idcsync keeps (the oldest with its marker)
    /// and its groups after the planned assignments and removals.
    static func tiles(_ report: TilesReport, instanceId: String) -> [TerraformExportInput.Tile] {
        let wanted = Array(Set(report.idcGroups)).sorted()
        return report.plan.desired.map { tile -> TerraformExportInput.Tile in
            let existing = report.apps.filter { $0.marker?.instanceId == instanceId && $0.marker?.region == tile.key }
                .sorted { ($0.app.json["created"]?.stringValue ?? "", $0.app.id) < ($1.app.json["created"]?.stringValue ?? "", $1.app.id) }
                .first
            var groups = Set(existing?.groups ?? [])
            for step in report.plan.steps {
                switch step {
                case .create(let created, let assigned, _) where created.region == tile.region: groups.formUnion(assigned)
                case .assign(let id, _, let assigned) where id == existing?.app.id: groups.formUnion(assigned)
                case .unassign(let id, _, let removed) where id == existing?.app.id: groups.subtract(removed)
                default: break
                }
            }
            let adminBefore = existing?.app.json.value(at: ["settings", "notes", "admin"])?.stringValue
            let admin = TileMarker(instanceId: instanceId, region: tile.key, mirroredGroups: wanted).note(keeping: adminBefore)
            return .init(region: tile.region, label: tile.label, url: tile.url, enduserNote: tile.note, adminNote: admin,
                         appId: existing?.app.id, groups: groups.sorted())
        }
    }
}
