import AWSKit
import IDCSyncCore
import Logging
import OktaKit

/// `regions list`: each Region of the instance (and of its key) with what IAM Identity Center, KMS
/// and Okta say about it.
public struct RegionsInventoryReport: Sendable {
    public var world: AWSWorld
    public var rows: [RegionRow]
    public var oktaAppId: String?
    public var diagnostics: [Diagnostic]
}

public enum RegionsInventory {
    public static func list(config: Config, target: Target, aws: AWSClient, okta: OktaClient?,
                            context: EngineContext) async throws(IDCSyncError) -> RegionsInventoryReport {
        let home = try AWSSession.homeRegion(target: target, environment: context.environment, configFile: config.source)
        let world = try await Discovery.discover(target: target, client: aws, homeRegion: home, configFile: config.source, logger: context.logger)
        let effective = world.effectiveTarget(target)
        let expected = try PolicyGeneration.keyPolicy(target: effective, pinned: false, configFile: config.source).keyPolicy.document
        var diagnostics: [Diagnostic] = []

        var names = [world.primaryRegion.name]
        for name in world.regions.map(\.name) + world.primaryKey.replicas.map(\.region) where !names.contains(name) { names.append(name) }

        var oktaView: (app: OktaApp, world: OktaWorld, desired: [DesiredACS])?
        if let okta {
            let app = try await OktaSync.locateApp(effective.okta ?? OktaConfig(), client: okta)
            let oktaWorld = try OktaSync.world(app: app, target: effective, configFile: config.source)
            let catalog = URLCatalogInput(partition: world.primaryRegion.partition, primaryRegion: world.primaryRegion,
                                          instanceId: world.instanceArn.instanceId, tenantId: oktaWorld.tenantId,
                                          enabledBeforeFebruary2026: oktaWorld.enabledBeforeFebruary2026, templates: target.instance.urlTemplates)
            do {
                let desired = try SlotPlanner.desiredURLs(regions: world.enabledRegions, variants: (effective.okta ?? OktaConfig()).acsVariants,
                                                          enabledBeforeFebruary2026: oktaWorld.enabledBeforeFebruary2026, catalog: catalog)
                oktaView = (app, oktaWorld, desired)
            } catch {
                diagnostics.append(Diagnostic(.warning, code: "regions.okta", error.message))
            }
        }

        var rows: [RegionRow] = []
        for name in names {
            let isPrimary = name == world.primaryRegion.name
            var key: KMSKey?
            if isPrimary {
                key = world.primaryKey
            } else if let replica = world.primaryKey.replicas.first(where: { $0.region == name }) {
                do { key = try await aws.describeKey(replica.arn, region: name) } catch { throw .aws(error) }
            }
            var comparison: PolicyComparison?
            if let key {
                let text: String
                do { text = try await aws.keyPolicy(key.arn, region: name) } catch { throw .aws(error) }
                comparison = PolicyComparison.compare(actual: text, expected: expected)
                    ?? PolicyComparison(missing: [], extra: [], different: ["(the policy is not valid JSON)"])
            }
            rows.append(RegionRow(region: name, isPrimary: isPrimary, identityCenter: world.region(name)?.status, key: key?.state,
                                  keyPolicy: comparison, okta: oktaStatus(region: name, view: oktaView, world: world)))
        }
        if target.kms.owner == .terraform {
            for row in rows {
                if let comparison = row.keyPolicy, !comparison.matches {
                    diagnostics.append(Diagnostic(.note, code: Ownership.driftCode,
                        Ownership.keyPolicyFix(region: row.region, isPrimary: row.isPrimary, difference: comparison), field: "kms.owner"))
                } else if row.keyPolicy == nil, !row.isPrimary, row.identityCenter != nil {
                    diagnostics.append(Diagnostic(.note, code: Ownership.driftCode, Ownership.missingReplicaFix(region: row.region), field: "kms.owner"))
                }
            }
        }
        return RegionsInventoryReport(world: world, rows: rows, oktaAppId: oktaView?.app.id, diagnostics: diagnostics)
    }

    static func oktaStatus(region: String, view: (app: OktaApp, world: OktaWorld, desired: [DesiredACS])?, world: AWSWorld) -> String {
        guard let view else { return "not configured" }
        var present = Set(view.world.layout.slotKeys.compactMap { view.app.setting($0) })
        if let defaultURL = view.world.defaultACS?.url { present.insert(defaultURL) }
        let wanted = view.desired.filter { $0.region.name == region }
        if wanted.isEmpty {
            let matcher = ACSURLMatcher(partition: world.primaryRegion.partition, tenantId: view.world.tenantId, templates: [:])
            let stale = view.world.layout.slotKeys.filter { key in view.app.setting(key).flatMap(matcher.match)?.region.name == region }
            return stale.isEmpty ? "-" : "stale URLs in \(stale.joined(separator: ", "))"
        }
        let missing = wanted.filter { !present.contains($0.url) }
        guard !missing.isEmpty else { return "complete (\(wanted.count) URL\(wanted.count == 1 ? "" : "s"))" }
        return "missing " + missing.map(\.variant.displayName).joined(separator: ", ")
    }
}
