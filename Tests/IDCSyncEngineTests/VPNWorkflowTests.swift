import Foundation
import IDCSyncCore
@testable import IDCSyncEngine
import IDCSyncTestSupport
import OktaKit
import Testing

/// `vpn plan|apply` in-process (`VPNWorkflow.plan` + `apply`) against a fake Region behind the
/// `VPNCloud` seam and the fake Okta org's aws_clientvpn app: the steps decided, what each apply
/// writes (and that a rerun writes nothing), and every refusal before anything is written.
@Suite("vpn plan|apply (in-process, fakes)")
struct VPNWorkflowTests {
    static let rules = "[{cidr: 10.0.0.0/16, group: AWS-VPN-Users}, {cidr: 10.1.0.0/16}]"

    private func vpnYAML(_ world: EngineWorld, clientCidr: String = "10.100.0.0/22", sessionHours: Int = 12, subnets: [String] = FakeVPNCloud.subnetIds,
                         rules: String = VPNWorkflowTests.rules, appId: String? = "0oavpn1", extra: String = "") -> String {
        """
        instance: {primaryRegion: ap-northeast-1}
        okta:
          orgUrl: \(world.okta.orgURL)
        vpn:
          region: ap-northeast-1
          vpcId: \(FakeVPNCloud.vpcId)
          subnetIds: [\(subnets.joined(separator: ", "))]
          clientCidr: \(clientCidr)
          dnsServers: [10.0.0.2]
          splitTunnel: true
          sessionTimeoutHours: \(sessionHours)
          selfServicePortal: false
          serverCertificateArn: \(FakeVPNCloud.certificateArn)
          samlProviderName: okta-clientvpn
        \(appId.map { "  oktaAppId: \($0)" } ?? "")
          authorizationRules: \(rules)
        \(extra)
        """
    }

    private func world(port: JSONValue = .number("443"), memberOf: Bool = true, certificateExpiry: String = "2028-11-21T10:00:00.000Z") throws -> (EngineWorld, FakeVPNCloud) {
        let world = try EngineWorld()
        world.okta.addClientVPNApp(port: port, memberOf: memberOf, certificateExpiry: certificateExpiry)
        return (world, FakeVPNCloud())
    }

    private func client(_ world: EngineWorld, _ config: Config) throws -> OktaClient {
        try world.context.okta(try config.selectTarget(nil), configFile: config.source, access: .readWrite)
    }

    private func plan(_ world: EngineWorld, _ cloud: FakeVPNCloud, _ config: Config) async throws -> VPNReport {
        let writes = (cloud.writes.count, world.okta.writes.count)
        let report = try await VPNWorkflow.plan(config: config, cloud: cloud, okta: try client(world, config), now: world.context.date)
        #expect(cloud.writes.count == writes.0 && world.okta.writes.count == writes.1, "planning writes nothing")
        return report
    }

    private func apply(_ world: EngineWorld, _ cloud: FakeVPNCloud, _ config: Config, _ report: VPNReport) async throws -> (done: [String], clientConfiguration: String) {
        try await VPNWorkflow.apply(report, config: config, cloud: cloud, okta: try client(world, config), backupDirectory: world.folder.appendingPathComponent("backups").path,
                                    now: world.context.date, logger: EngineWorld.quietLogger)
    }

    /// A refusal before any write; `located`: its diagnostics name the config file (the Okta app
    /// lookup's do not).
    private func refused(_ world: EngineWorld, _ cloud: FakeVPNCloud, _ yaml: String, located: Bool = true) async throws -> IDCSyncError? {
        let config = try world.config(yaml)
        let error = await #expect(throws: IDCSyncError.self) { _ = try await self.plan(world, cloud, config) }
        #expect(error?.kind == .configuration)
        #expect(error?.diagnostics.allSatisfy { $0.location?.file == (located ? config.source : nil) } == true, "\(error?.diagnostics.map(\.location) ?? [])")
        #expect(cloud.writes.isEmpty && world.okta.writes.isEmpty)
        return error
    }

    private static let usersRule = VPNConfig.AuthorizationRule(cidr: "10.0.0.0/16", group: "AWS-VPN-Users")
    private static let allRule = VPNConfig.AuthorizationRule(cidr: "10.1.0.0/16", group: nil)

    // MARK: Decisions and writes

    @Test func aFreshSetupPlansEveryStepApplyCreatesThemInOrderAndARerunWritesNothing() async throws {
        let (world, cloud) = try self.world()
        let config = try world.config(vpnYAML(world))
        let report = try await self.plan(world, cloud, config)
        #expect(report.plan.steps == [
            .createSAMLProvider(name: "okta-clientvpn"), .setOktaPort(appId: "0oavpn1", from: "443"), .createSecurityGroup(vpcId: FakeVPNCloud.vpcId),
            .createEndpoint, .associate(subnetId: FakeVPNCloud.subnetIds[0]), .associate(subnetId: FakeVPNCloud.subnetIds[1]),
            .authorize(Self.usersRule), .authorize(Self.allRule), .exportConfiguration,
        ])
        #expect(report.plan.newEndpoint.filter(\.permanent).map(\.name) == ["clientCidr", "transport", "authentication"])
        #expect(report.facts.okta.sendsMemberOf)
        #expect(report.facts.okta.metadata.contains("EntityDescriptor"))
        #expect(report.diagnostics.isEmpty, "\(report.diagnostics)")

        let result = try await apply(world, cloud, config, report)
        let endpointId = "cvpn-endpoint-0fake000000000001"
        #expect(cloud.writes == [
            "createSAMLProvider okta-clientvpn", "createSecurityGroup \(FakeVPNCloud.vpcId) idcsync-client-vpn", "createEndpoint okta-clientvpn",
            "associate \(endpointId) \(FakeVPNCloud.subnetIds[0])", "associate \(endpointId) \(FakeVPNCloud.subnetIds[1])",
            "authorize \(endpointId) 10.0.0.0/16 AWS-VPN-Users", "authorize \(endpointId) 10.1.0.0/16 all",
        ])
        #expect(cloud.samlProviders["okta-clientvpn"]?.metadata == FakeOkta.metadata(entityID: "http://www.okta.com/exk0oavpn1"), "from the Okta app's metadata")
        let spec = try #require(cloud.specs.first)
        #expect(spec.samlProviderArn == FakeVPNCloud.samlProviderArn("okta-clientvpn"), "the provider created in the same run")
        #expect(spec.securityGroupIds == ["sg-0fake000000000001"], "the security group created in the same run")
        #expect(spec.clientCidr == "10.100.0.0/22" && spec.sessionTimeoutHours == 12 && spec.splitTunnel && spec.dnsServers == ["10.0.0.2"])
        #expect(spec.transport == "udp" && spec.port == 443 && !spec.selfServicePortal)
        #expect(world.okta.puts == ["PUT /api/v1/apps/0oavpn1"], "the port through the guarded write")
        #expect(world.okta.app("0oavpn1")?.value(at: ["settings", "app", "port"]) == .number("35001"))
        #expect(result.done.count == 8, "\(result.done)")
        #expect(result.done[1].hasPrefix("set the Okta app 0oavpn1's port 443 → 35001 (backup \(world.folder.path)/backups/okta-app-0oavpn1-"), "\(result.done)")
        #expect(result.clientConfiguration == FakeVPNCloud.exported)

        let writesBefore = cloud.writes.count
        world.okta.clearLog()
        let rerun = try await self.plan(world, cloud, config)
        #expect(rerun.plan.steps == [.exportConfiguration])
        #expect(!rerun.plan.hasChanges)
        let again = try await apply(world, cloud, config, rerun)
        #expect(again.done.isEmpty)
        #expect(cloud.writes.count == writesBefore, "a rerun creates nothing")
        #expect(world.okta.writes.isEmpty)
        #expect(again.clientConfiguration == FakeVPNCloud.exported, "the client configuration is exported every time")
    }

    /// The port's JSON type is unpublished: read as a number or a numeric string, written back in
    /// the type the app holds, as a number when it holds none.
    static let ports: [(JSONValue, String?, JSONValue)] = [(.number("35002"), "35002", .number("35001")), (.string("35002"), "35002", .string("35001")),
                                                           (.null, nil, .number("35001"))]

    @Test(arguments: ports)
    func theOktaPortIsReadAsEitherTypeAndWrittenInTheTypeTheAppHolds(held: JSONValue, read: String?, written: JSONValue) async throws {
        let (world, cloud) = try self.world(port: held)
        let config = try world.config(vpnYAML(world))
        let report = try await self.plan(world, cloud, config)
        #expect(report.plan.steps.contains(.setOktaPort(appId: "0oavpn1", from: read)))
        _ = try await apply(world, cloud, config, report)
        #expect(world.okta.app("0oavpn1")?.value(at: ["settings", "app", "port"]) == written)
    }

    @Test func theOktaPortIsThePartOktaOwnerDecidesAndATerraformOwnerRefusesIt() async throws {
        let (world, cloud) = try self.world()
        let config = try world.config(vpnYAML(world).replacingOccurrences(of: "okta:\n", with: "okta:\n  owner: terraform\n"))
        #expect(config.defaultTarget.okta?.owner == .terraform)
        let report = try await self.plan(world, cloud, config)
        #expect(VPNWorkflow.ownedParts(report) == [.vpnOktaApp(appId: "0oavpn1")])
        let error = #expect(throws: IDCSyncError.self) {
            try WriteGate.requireOwned(VPNWorkflow.ownedParts(report), target: config.defaultTarget, configFile: config.source)
        }
        #expect(error?.kind == .configuration)
        #expect(error?.diagnostics.first?.location?.file == config.source)
        let (inPlace, inPlaceCloud) = try self.world(port: .number("35001"))
        let settled = try await self.plan(inPlace, inPlaceCloud, try inPlace.config(vpnYAML(inPlace)))
        #expect(VPNWorkflow.ownedParts(settled).isEmpty, "a port already right writes nothing Okta owns")
    }

    @Test(arguments: [JSONValue.number("35001"), .string("35001")])
    func aPortAlreadyRightIsLeftAlone(held: JSONValue) async throws {
        let (world, cloud) = try self.world(port: held)
        let report = try await self.plan(world, cloud, try world.config(vpnYAML(world)))
        #expect(!report.plan.steps.contains { if case .setOktaPort = $0 { return true }; return false })
        _ = try await apply(world, cloud, try world.config(vpnYAML(world)), report)
        #expect(world.okta.writes.isEmpty)
    }

    @Test func anExistingEndpointIsModifiedInPlaceAndWhatNeedsANewOneIsOnlyReported() async throws {
        let (world, cloud) = try self.world(port: .number("35001"))
        let config = try world.config(vpnYAML(world))
        let metadata = FakeOkta.metadata(entityID: "http://www.okta.com/exk0oavpn1")
        cloud.samlProviders["okta-clientvpn"] = (FakeVPNCloud.samlProviderArn("okta-clientvpn"), metadata)
        cloud.securityGroups = [(FakeVPNCloud.vpcId, "idcsync-client-vpn", "sg-0managed")]
        let existing = VPNEndpointSpec(tag: "okta-clientvpn", vpcId: FakeVPNCloud.vpcId, clientCidr: "10.200.0.0/22", serverCertificateArn: FakeVPNCloud.certificateArn,
                                       samlProviderArn: FakeVPNCloud.samlProviderArn("okta-clientvpn"), dnsServers: ["10.0.0.2"], splitTunnel: true,
                                       transport: "udp", port: 443, sessionTimeoutHours: 24, selfServicePortal: false, connectionLogging: false,
                                       securityGroupIds: ["sg-0managed"])
        cloud.addEndpoint(existing, subnets: FakeVPNCloud.subnetIds, rules: [Self.usersRule, Self.allRule])

        let report = try await self.plan(world, cloud, config)
        #expect(report.plan.steps == [
            .requiresNewEndpoint(id: "cvpn-endpoint-0existing0000000001", fields: ["clientCidr (10.200.0.0/22 → 10.100.0.0/22)"]),
            .modifyEndpoint(id: "cvpn-endpoint-0existing0000000001", fields: ["sessionTimeoutHours"]), .exportConfiguration,
        ])
        #expect(report.plan.requiresNewEndpoint)
        _ = try await apply(world, cloud, config, report)
        #expect(cloud.writes == ["modifyEndpoint cvpn-endpoint-0existing0000000001 sessionTimeoutHours"], "never recreated")
        #expect(cloud.specs.last?.sessionTimeoutHours == 12)
        #expect(world.okta.writes.isEmpty)
    }

    @Test func aSAMLProviderWithOtherMetadataIsUpdatedFromTheOktaApp() async throws {
        let (world, cloud) = try self.world(port: .number("35001"))
        cloud.samlProviders["okta-clientvpn"] = (FakeVPNCloud.samlProviderArn("okta-clientvpn"), FakeOkta.metadata(entityID: "http://www.okta.com/rotated"))
        let config = try world.config(vpnYAML(world))
        let report = try await self.plan(world, cloud, config)
        #expect(report.plan.steps.first == .updateSAMLProvider(arn: FakeVPNCloud.samlProviderArn("okta-clientvpn")))
        _ = try await apply(world, cloud, config, report)
        #expect(cloud.writes.first == "updateSAMLProvider \(FakeVPNCloud.samlProviderArn("okta-clientvpn"))")
        #expect(cloud.samlProviders["okta-clientvpn"]?.metadata == FakeOkta.metadata(entityID: "http://www.okta.com/exk0oavpn1"))
    }

    @Test func aClientCidrOverAHomeNetworkIsAWarningNotARefusal() async throws {
        let (world, cloud) = try self.world()
        let report = try await self.plan(world, cloud, try world.config(vpnYAML(world, clientCidr: "192.168.0.0/22")))
        #expect(report.diagnostics.map(\.code) == ["vpn.client-cidr-common"])
        #expect(report.diagnostics.first?.severity == .warning)
        #expect(report.diagnostics.first?.field == "vpn.clientCidr")
    }

    // MARK: Refusals

    @Test func aConfigWithoutAVPNSectionIsRefusedBeforeAnyRequest() async throws {
        let (world, cloud) = try self.world()
        let error = try await refused(world, cloud, "instance: {primaryRegion: ap-northeast-1}\nokta:\n  orgUrl: \(world.okta.orgURL)\n")
        #expect(error?.diagnostics.map(\.code) == ["config.missing"])
        #expect(error?.diagnostics.first?.field == "vpn")
        #expect(error?.diagnostics.first?.message == "the config has no vpn section; see examples/idcsync.yaml")
        #expect(cloud.calls.isEmpty && world.okta.requests.isEmpty)
    }

    @Test func aBrokenConfigRuleIsRefusedBeforeAnyRequest() async throws {
        let (world, cloud) = try self.world()
        let error = try await refused(world, cloud, vpnYAML(world, clientCidr: "10.100.0.0/24", sessionHours: 9, extra: "  port: 8443"))
        let byField = Dictionary(uniqueKeysWithValues: (error?.diagnostics ?? []).map { ($0.field ?? "", $0.message) })
        #expect(byField.keys.sorted() == ["vpn.clientCidr", "vpn.port", "vpn.sessionTimeoutHours"])
        #expect(byField["vpn.clientCidr"] == "10.100.0.0/24 is a /24; the client CIDR must be between /22 and /12 (and it cannot be changed after the endpoint exists)")
        #expect(byField["vpn.sessionTimeoutHours"] == "9 is not allowed; AWS accepts 8, 10, 12 or 24")
        #expect(byField["vpn.port"] == "8443 is not allowed; AWS accepts 443 or 1194")
        #expect(error?.diagnostics.allSatisfy { $0.code == "vpn.config" } == true)
        #expect(cloud.calls.isEmpty && world.okta.requests.isEmpty)
    }

    @Test func everyBrokenRuleOfTheWorldIsRefusedNamingItsField() async throws {
        let (world, cloud) = try self.world()
        cloud.subnetList += [
            .init(id: "subnet-0tiny00000000000c", vpcId: FakeVPNCloud.vpcId, cidr: "10.0.9.0/28", availabilityZone: "ap-northeast-1d", freeAddresses: 11),
            .init(id: "subnet-0same00000000000d", vpcId: FakeVPNCloud.vpcId, cidr: "10.0.10.0/24", availabilityZone: "ap-northeast-1a", freeAddresses: 251),
            .init(id: "subnet-0othervpc000000e", vpcId: "vpc-0other", cidr: "172.31.0.0/24", availabilityZone: "ap-northeast-1d", freeAddresses: 251),
        ]
        let first = FakeVPNCloud.subnetIds[0]
        let cases: [(yaml: String, field: String, message: String)] = [
            (vpnYAML(world, clientCidr: "10.0.0.0/22"), "vpn.clientCidr", "10.0.0.0/22 overlaps the VPC's CIDR 10.0.0.0/16; pick a range outside the VPC"),
            (vpnYAML(world, subnets: [first, "subnet-0tiny00000000000c"]), "vpn.subnetIds[1]", "subnet-0tiny00000000000c is a /28; target subnets must be /27 or larger"),
            (vpnYAML(world, subnets: [first, "subnet-0tiny00000000000c"]), "vpn.subnetIds[1]", "subnet-0tiny00000000000c has 11 free addresses; a target subnet needs at least 20"),
            (vpnYAML(world, subnets: [first, "subnet-0same00000000000d"]), "vpn.subnetIds[1]",
             "subnet-0same00000000000d and \(first) are both in ap-northeast-1a; give one subnet per Availability Zone"),
            (vpnYAML(world, subnets: [first, "subnet-0123456789abcdef0"]), "vpn.subnetIds[1]", "subnet-0123456789abcdef0 does not exist in ap-northeast-1"),
            (vpnYAML(world, subnets: [first, "subnet-0othervpc000000e"]), "vpn.subnetIds[1]", "subnet-0othervpc000000e is in vpc-0other, not in \(FakeVPNCloud.vpcId)"),
            (vpnYAML(world).replacingOccurrences(of: FakeVPNCloud.certificateArn, with: "arn:aws:acm:ap-northeast-1:123456789012:certificate/missing"),
             "vpn.serverCertificateArn", "no ACM certificate arn:aws:acm:ap-northeast-1:123456789012:certificate/missing in ap-northeast-1"),
        ]
        for test in cases {
            let error = try await refused(world, cloud, test.yaml)
            #expect(error?.diagnostics.contains { $0.code == "vpn.rule" && $0.field == test.field && $0.message == test.message } == true,
                    "\(test.field): \(error?.diagnostics.map(\.description) ?? [])")
        }
    }

    @Test func aPendingCertificateInAnotherRegionIsRefused() async throws {
        let (world, cloud) = try self.world()
        let arn = "arn:aws:acm:us-east-1:123456789012:certificate/0000"
        cloud.certificates[arn] = ("vpn.example.com", .init(arn: arn, status: .pendingValidation, keyAlgorithm: .ecPrime256v1))
        let error = try await refused(world, cloud, vpnYAML(world).replacingOccurrences(of: FakeVPNCloud.certificateArn, with: arn))
        #expect(error?.diagnostics.map(\.message) == [
            "the certificate \(arn) is PENDING_VALIDATION, not ISSUED",
            "the certificate \(arn) uses EC_prime256v1; Client VPN needs RSA 2048 (or 1024)",
            "the certificate \(arn) is not in ap-northeast-1, the VPN's Region",
        ])
    }

    @Test func aMissingVPCIsRefused() async throws {
        let (world, cloud) = try self.world()
        cloud.vpcs = [:]
        let error = try await refused(world, cloud, vpnYAML(world))
        #expect(error?.diagnostics.map(\.field) == ["vpn.vpcId"])
        #expect(error?.diagnostics.first?.message == "\(FakeVPNCloud.vpcId) does not exist in ap-northeast-1")
    }

    @Test func anExpiredOktaCertificateAndGroupRulesWithoutMemberOfAreRefused() async throws {
        let (world, cloud) = try self.world(memberOf: false, certificateExpiry: "2026-11-20T10:00:00.000Z")
        let error = try await refused(world, cloud, vpnYAML(world))
        let byField = Dictionary(uniqueKeysWithValues: (error?.diagnostics ?? []).map { ($0.field ?? "", $0.message) })
        #expect(byField.keys.sorted() == ["vpn.authorizationRules[0].group", "vpn.oktaAppId"], "the rule for all users is fine")
        #expect(byField["vpn.oktaAppId"] == "the signing certificate of Okta app 0oavpn1 has expired; rotate it in Okta, then run vpn apply to update the SAML provider")
        #expect(byField["vpn.authorizationRules[0].group"]?.hasPrefix("the Okta app 0oavpn1 sends no memberOf attribute, so group rules never match") == true)
    }

    @Test func withoutAnAppIdTheOnlyClientVPNAppIsUsedAndNoneOrTwoAreRefused() async throws {
        let (world, cloud) = try self.world()
        let found = try await self.plan(world, cloud, try world.config(vpnYAML(world, appId: nil)))
        #expect(found.oktaApp.id == "0oavpn1")

        world.okta.addClientVPNApp(id: "0oavpn2")
        let two = try await refused(world, cloud, vpnYAML(world, appId: nil), located: false)
        #expect(two?.diagnostics.map(\.code) == ["vpn.okta-app"])
        #expect(two?.diagnostics.first?.message == "2 aws_clientvpn apps: 0oavpn1 \"AWS Client VPN\", 0oavpn2 \"AWS Client VPN\"; set vpn.oktaAppId")

        let empty = try EngineWorld()
        let none = try await refused(empty, FakeVPNCloud(), vpnYAML(empty, appId: nil), located: false)
        #expect(none?.diagnostics.first?.message == "no aws_clientvpn app (AWS Client VPN) in this Okta org; add it from the Okta Integration Network, or set vpn.oktaAppId")
    }

    @Test func anAppWithoutASigningKeyIsRefused() async throws {
        let (world, cloud) = try self.world()
        var app = try #require(world.okta.app("0oavpn1"))
        app.set(.object([:]), at: ["credentials", "signing"])
        world.okta.setApp(app)
        let error = try await refused(world, cloud, vpnYAML(world))
        #expect(error?.diagnostics.map(\.code) == ["vpn.okta-kid"])
        #expect(error?.diagnostics.first?.message == "the Okta app 0oavpn1 has no signing key (credentials.signing.kid); open its Sign On tab once in Okta")
        #expect(cloud.calls.isEmpty)
    }
}
