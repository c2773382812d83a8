import AWSKit
import IDCSyncCore
import IDCSyncEngine
import IDCSyncRendering
import OktaKit

/// The Okta commands' shared steps, with the console's environment and logger.
enum OktaWorkflow {
    static func client(config: Config, target: Target, console: Console, access: OktaAccess) throws(IDCSyncError) -> OktaClient {
        try console.engineContext.okta(target, configFile: config.source, access: access)
    }

    /// The Okta plan for the instance's Regions: `instance.regions` in offline mode, else asked of AWS.
    static func plan(config: Config, target: Target, console: Console, access: OktaAccess) async throws(IDCSyncError) -> (report: OktaPlanReport, client: OktaClient) {
        let effective = try await withRegions(config: config, target: target, console: console)
        return try await OktaSync.planTarget(config: config, target: effective, access: access, context: console.engineContext)
    }

    /// The target with the instance and its Regions: `instance.regions` in offline mode, else asked of AWS.
    static func withRegions(config: Config, target: Target, console: Console) async throws(IDCSyncError) -> Target {
        guard target.instance.regions == nil else { return target }
        let aws = console.engineContext.aws(target)
        let home = try AWSSession.homeRegion(target: target, environment: console.environment, configFile: config.source)
        let effective = try await Discovery.regions(target: target, client: aws, homeRegion: home, configFile: config.source)
        console.logger.debug("regions from AWS", metadata: ["regions": "\(effective.instance.regions?.map(\.name) ?? [])"])
        return effective
    }

    /// The tiles' plan, with the Regions from the config or AWS, and the client to carry it out.
    static func tilesPlan(config: Config, target: Target, console: Console, access: OktaAccess) async throws(IDCSyncError) -> (report: TilesReport, client: OktaClient) {
        let effective = try await withRegions(config: config, target: target, console: console)
        let client = try client(config: config, target: effective, console: console, access: access)
        let report = try await OktaTiles.plan(config: config, target: effective, client: client)
        console.report(report.diagnostics)
        return (report, client)
    }
}

extension OktaPlanReport {
    var renderContext: SlotPlanRenderer.Context {
        SlotPlanRenderer.Context(app: world.app, layout: world.layout, defaultACS: world.defaultACS?.url, issuer: world.issuer,
                                 tenantId: world.tenantId, enabledBeforeFebruary2026: world.enabledBeforeFebruary2026, regions: regions)
    }
}
