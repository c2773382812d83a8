import Foundation
import IDCSyncCore
import Logging
import OktaKit
import SystemKit

/// What `vpn plan|apply` needs from AWS (EC2, IAM, ACM), behind one seam so the workflow reads as
/// the steps it takes. `AWSVPNCloud` is the real one.
public protocol VPNCloud: Sendable {
    func vpcCidrs(vpcId: String) async throws(IDCSyncError) -> [String]
    func subnets(ids: [String]) async throws(IDCSyncError) -> [VPNFacts.Subnet]
    func certificate(arn: String?, domain: String?) async throws(IDCSyncError) -> VPNFacts.Certificate?
    func samlProvider(name: String) async throws(IDCSyncError) -> (arn: String, metadata: String)?
    func createSAMLProvider(name: String, metadata: String) async throws(IDCSyncError) -> String
    func updateSAMLProvider(arn: String, metadata: String) async throws(IDCSyncError)
    func managedSecurityGroup(vpcId: String, name: String) async throws(IDCSyncError) -> String?
    func createSecurityGroup(vpcId: String, name: String) async throws(IDCSyncError) -> String
    /// The endpoint tagged `idcsync:vpn` = `tag`, with its associated subnets and authorization rules.
    func endpoint(tag: String) async throws(IDCSyncError) -> (endpoint: VPNFacts.Endpoint, subnets: [String], rules: [VPNConfig.AuthorizationRule])?
    func createEndpoint(_ spec: VPNEndpointSpec) async throws(IDCSyncError) -> String
    func modifyEndpoint(id: String, _ spec: VPNEndpointSpec, fields: [String]) async throws(IDCSyncError)
    func associate(endpointId: String, subnetId: String) async throws(IDCSyncError)
    func authorize(endpointId: String, rule: VPNConfig.AuthorizationRule) async throws(IDCSyncError)
    func exportConfiguration(endpointId: String) async throws(IDCSyncError) -> String
}

/// The endpoint as the config describes it, with what apply found or created.
public struct VPNEndpointSpec: Sendable, Equatable {
    public var tag: String
    public var vpcId: String
    public var clientCidr: String
    public var serverCertificateArn: String
    public var samlProviderArn: String
    public var dnsServers: [String]
    public var splitTunnel: Bool
    public var transport: String
    public var port: Int
    public var sessionTimeoutHours: Int
    public var selfServicePortal: Bool
    public var connectionLogging: Bool
    public var securityGroupIds: [String]
}

public struct VPNReport: Sendable {
    public var facts: VPNFacts
    public var plan: VPNPlan
    public var diagnostics: [Diagnostic]
    public var oktaApp: OktaApp
}

public enum VPNWorkflow {
    public static let oktaAppName = "aws_clientvpn"
    public static let securityGroupName = "idcsync-client-vpn"

    /// Checks the config, reads AWS and Okta, checks the world, plans. Any rule broken is a
    /// configuration error (exit 64) naming the field, before anything is written.
    public static func plan(config: Config, cloud: any VPNCloud, okta: OktaClient, now: Date) async throws(IDCSyncError) -> VPNReport {
        guard let vpn = config.vpn else {
            throw .config("config.missing", "the config has no vpn section; see examples/idcsync.yaml", field: "vpn", file: config.source)
        }
        let configProblems = VPNRules.checkConfig(vpn)
        guard configProblems.isEmpty else { throw IDCSyncError(.configuration, located(configProblems, config.source)) }

        let app = try await locateApp(vpn, client: okta)
        let kid = app.json.value(at: ["credentials", "signing", "kid"])?.stringValue
        guard let kid else {
            throw .config("vpn.okta-kid", "the Okta app \(app.id) has no signing key (credentials.signing.kid); open its Sign On tab once in Okta", field: "vpn.oktaAppId", file: config.source)
        }
        let keys: [OktaSigningKey]
        let metadata: String
        do {
            keys = try await okta.signingKeys(appId: app.id)
            metadata = try await okta.samlMetadata(appId: app.id, kid: kid)
        } catch { throw .okta(error) }
        let statements = app.json.value(at: ["settings", "signOn", "attributeStatements"])?.arrayValue ?? []
        let sendsMemberOf = statements.contains { $0["name"]?.stringValue == "memberOf" && ($0["type"]?.stringValue ?? "").uppercased() == "GROUP" }
        let oktaFacts = VPNFacts.OktaApp(id: app.id, port: VPNRules.oktaPort(from: app.settingsApp?["port"]), sendsMemberOf: sendsMemberOf,
                                         signingCertificateExpires: keys.first { $0.kid == kid }?.expiresAtSeconds, metadata: metadata)

        let vpcId = vpn.vpcId ?? ""
        let vpcCidrs = try await cloud.vpcCidrs(vpcId: vpcId)
        guard !vpcCidrs.isEmpty else {
            throw .config("vpn.rule", "\(vpcId) does not exist in \(vpn.region?.name ?? "the Region")", field: "vpn.vpcId", file: config.source)
        }
        let subnets = try await cloud.subnets(ids: vpn.subnetIds)
        let certificate = try await cloud.certificate(arn: vpn.serverCertificateArn, domain: vpn.serverCertificateDomain)
        let provider = try await cloud.samlProvider(name: vpn.samlProviderName ?? "")
        let managedGroup = vpn.securityGroupIds.isEmpty ? try await cloud.managedSecurityGroup(vpcId: vpcId, name: securityGroupName) : nil
        let existing = try await cloud.endpoint(tag: vpn.samlProviderName ?? "")
        let facts = VPNFacts(region: vpn.region?.name ?? "", vpcCidrs: vpcCidrs, subnets: subnets, certificate: certificate, okta: oktaFacts,
                             samlProvider: provider.map { ($0.arn, SAMLMetadata.same($0.metadata, metadata)) },
                             managedSecurityGroupId: managedGroup, endpoint: existing?.endpoint, associatedSubnets: existing?.subnets ?? [],
                             rules: existing?.rules ?? [], now: now.timeIntervalSince1970)
        let worldProblems = VPNRules.checkWorld(vpn, facts: facts)
        let errors = worldProblems.filter { $0.severity == .error }
        guard errors.isEmpty else { throw IDCSyncError(.configuration, located(worldProblems, config.source)) }
        return VPNReport(facts: facts, plan: VPNPlanner.plan(vpn, facts: facts), diagnostics: located(worldProblems, config.source), oktaApp: app)
    }

    static func locateApp(_ vpn: VPNConfig, client: OktaClient) async throws(IDCSyncError) -> OktaApp {
        if let id = vpn.oktaAppId { return try await OktaSync.read(id, client) }
        let apps: [OktaApp]
        do { apps = try await client.apps(filter: "name eq \"\(oktaAppName)\"") } catch { throw .okta(error) }
        guard apps.count == 1 else {
            let found = apps.map { "\($0.id) \"\($0.label ?? "")\"" }.joined(separator: ", ")
            throw IDCSyncError(.configuration, [Diagnostic(.error, code: "vpn.okta-app",
                apps.isEmpty ? "no \(oktaAppName) app (AWS Client VPN) in this Okta org; add it from the Okta Integration Network, or set vpn.oktaAppId"
                             : "\(apps.count) \(oktaAppName) apps: \(found); set vpn.oktaAppId", field: "vpn.oktaAppId")])
        }
        return apps[0]
    }

    static func located(_ diagnostics: [Diagnostic], _ file: String) -> [Diagnostic] {
        diagnostics.map { Diagnostic($0.severity, code: $0.code, $0.message, field: $0.field, location: $0.location ?? FileLocation(file: file)) }
    }

    // MARK: Apply

    /// What the plan writes that the ownership decision covers: the Okta app's port.
    public static func ownedParts(_ report: VPNReport) -> [OwnedPart] {
        report.plan.steps.compactMap { step in
            if case .setOktaPort(let appId, _) = step { return .vpnOktaApp(appId: appId) }
            return nil
        }
    }

    /// Runs the plan in order; each step re-reads nothing it does not need and creates nothing that
    /// exists, so a rerun after a failure continues. Returns one line per step and the client
    /// configuration as exported.
    public static func apply(_ report: VPNReport, config: Config, cloud: any VPNCloud, okta: OktaClient, backupDirectory: String,
                             now: Date, logger: Logger, progress: @Sendable (String) -> Void = { _ in }) async throws(IDCSyncError) -> (done: [String], clientConfiguration: String) {
        guard let vpn = config.vpn else { return ([], "") }
        var done: [String] = []
        func record(_ line: String) {
            done.append(line)
            progress(line)
        }
        var samlArn = report.facts.samlProvider?.arn
        var securityGroups = vpn.securityGroupIds.isEmpty ? report.facts.managedSecurityGroupId.map { [$0] } ?? [] : vpn.securityGroupIds
        var endpointId = report.facts.endpoint?.id
        func spec() -> VPNEndpointSpec {
            VPNEndpointSpec(tag: vpn.samlProviderName ?? "", vpcId: vpn.vpcId ?? "", clientCidr: vpn.clientCidr ?? "",
                            serverCertificateArn: report.facts.certificate?.arn ?? "", samlProviderArn: samlArn ?? "", dnsServers: vpn.dnsServers,
                            splitTunnel: vpn.splitTunnel ?? false, transport: vpn.transport ?? VPNPlanner.defaultTransport,
                            port: vpn.port ?? VPNPlanner.defaultPort, sessionTimeoutHours: vpn.sessionTimeoutHours ?? VPNPlanner.defaultSessionHours,
                            selfServicePortal: vpn.selfServicePortal ?? false, connectionLogging: vpn.connectionLogging ?? false,
                            securityGroupIds: securityGroups)
        }
        for step in report.plan.steps {
            switch step {
            case .createSAMLProvider(let name):
                samlArn = try await cloud.createSAMLProvider(name: name, metadata: report.facts.okta.metadata)
                record("created the IAM SAML provider \(samlArn ?? name) from the Okta app's metadata")
            case .updateSAMLProvider(let arn):
                try await cloud.updateSAMLProvider(arn: arn, metadata: report.facts.okta.metadata)
                record("updated the IAM SAML provider \(arn) with the Okta app's current metadata")
            case .setOktaPort(let appId, let from):
                let app = report.oktaApp
                let desired = app.applying([(key: "port", value: VPNRules.oktaPortValue(replacing: app.settingsApp?["port"]))])
                let backup = try await OktaSync.guardedReplace(app, with: desired, client: okta, options: .init(backupDirectory: backupDirectory, now: now),
                                                               logger: logger)
                record("set the Okta app \(appId)'s port \(from ?? "(none)") → \(VPNRules.oktaPort) (backup \(backup))")
            case .createSecurityGroup(let vpcId):
                let id = try await cloud.createSecurityGroup(vpcId: vpcId, name: securityGroupName)
                securityGroups = [id]
                record("created the security group \(id) (\(securityGroupName)) in \(vpcId)")
            case .createEndpoint:
                endpointId = try await cloud.createEndpoint(spec())
                record("created the Client VPN endpoint \(endpointId ?? "")")
            case .modifyEndpoint(let id, let fields):
                try await cloud.modifyEndpoint(id: id, spec(), fields: fields)
                record("changed \(fields.joined(separator: ", ")) on \(id)")
            case .requiresNewEndpoint(let id, let fields):
                logger.warning("not changed: these need a new endpoint", metadata: ["endpoint": "\(id)", "fields": "\(fields)"])
            case .associate(let subnetId):
                guard let endpointId else { continue }
                try await cloud.associate(endpointId: endpointId, subnetId: subnetId)
                record("associated \(subnetId) with \(endpointId)")
            case .authorize(let rule):
                guard let endpointId else { continue }
                try await cloud.authorize(endpointId: endpointId, rule: rule)
                record("authorized \(rule.group.map { "group \($0)" } ?? "all users") to \(rule.cidr)")
            case .exportConfiguration:
                break
            }
        }
        guard let endpointId else { return (done, "") }
        let exported = try await cloud.exportConfiguration(endpointId: endpointId)
        return (done, exported)
    }

    /// The exported client configuration patched for SAML (auth-federate, reneg-sec 0) and written
    /// with mode 0600, atomically.
    public static func writeClientConfiguration(_ exported: String, to path: String) throws(IDCSyncError) {
        let patched: OVPNPatch.Outcome
        do { patched = try OVPNPatch.patch(exported) } catch {
            throw IDCSyncError(.failure, [Diagnostic(.error, code: "vpn.export", "AWS exported a client configuration idcsync cannot patch: \(error.message)")])
        }
        do { try AtomicFile.write(patched.text, to: path, mode: 0o600) } catch {
            throw IDCSyncError(error.refused == nil ? .failure : .configuration,
                               [Diagnostic(.error, code: "io.ovpn", "\(error); the endpoint is set up, run vpn apply again with another --ovpn-out")])
        }
    }

    /// Refuses an `--ovpn-out` that is not a regular file before anything is changed in AWS.
    public static func checkClientConfigurationDestination(_ path: String) throws(IDCSyncError) {
        do { try AtomicFile.requireReplaceable(path) } catch {
            throw IDCSyncError(.configuration, [Diagnostic(.error, code: "io.ovpn", "\(error); nothing was changed in AWS")])
        }
    }
}
