import IDCSyncCore
import IDCSyncEngine
import IDCSyncRendering
import OktaKit

/// The Okta commands' shared steps, with the console's environment and logger.
enum OktaWorkflow {
    static func client(config: Config, target: Target, console: Console, access: OktaAccess) throws(CommandError) -> OktaClient {
        try OktaSession.client(target: target, configFile: config.source, environment: console.environment, access: access, logger: console.logger)
    }

    static func plan(config: Config, target: Target, console: Console, access: OktaAccess) async throws(CommandError) -> (report: OktaPlanReport, client: OktaClient) {
        try await OktaSync.planTarget(config: config, target: target, environment: console.environment, access: access, logger: console.logger)
    }

    static func backupDirectory(config: Config, target: Target, override: String?) -> String {
        OktaSync.backupDirectory(config: config, target: target, override: override)
    }
}

extension OktaPlanReport {
    var renderContext: SlotPlanRenderer.Context {
        SlotPlanRenderer.Context(app: world.app, layout: world.layout, defaultACS: world.defaultACS?.url, issuer: world.issuer,
                                 tenantId: world.tenantId, enabledBeforeFebruary2026: world.enabledBeforeFebruary2026, regions: regions)
    }
}
