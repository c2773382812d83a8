import AWSKit
import IDCSyncCore
import IDCSyncEngine
import OktaKit

/// The VPN commands' shared read: config, the AWS client in the VPN's Region, the Okta client, the plan.
enum VPNSession {
    static func plan(console: Console, access: OktaAccess) async throws(IDCSyncError) -> (Config, VPNReport, AWSVPNCloud, OktaClient) {
        let config = try console.loadConfig()
        guard let vpn = config.vpn else {
            throw .config("config.missing", "the config has no vpn section; see examples/idcsync.yaml", field: "vpn", file: config.source)
        }
        guard let region = vpn.region else {
            throw .config("vpn.config", "missing: the Region of the VPC and the endpoint", field: "vpn.region", file: config.source)
        }
        let target = console.aws?.apply(to: config.defaultTarget) ?? config.defaultTarget
        if target.okta == nil {
            throw .config("config.missing", "the vpn commands use the okta section's orgUrl and credentials; add okta.orgUrl", field: "okta.orgUrl", file: config.source)
        }
        let aws = console.engineContext.aws(target)
        let cloud = AWSVPNCloud(client: aws, region: region.name)
        let okta = try OktaWorkflow.client(config: config, target: target, console: console, access: access)
        let report = try await VPNWorkflow.plan(config: config, cloud: cloud, okta: okta, now: console.engineContext.date)
        return (config, report, cloud, okta)
    }
}
