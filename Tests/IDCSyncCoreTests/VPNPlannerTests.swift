@testable import IDCSyncCore
import Testing

@Suite("Client VPN rules and planner")
struct VPNPlannerTests {
    static var config: VPNConfig {
        var vpn = VPNConfig()
        vpn.region = try! Region.parse("ap-northeast-1").get()
        vpn.vpcId = "vpc-0abc"
        vpn.subnetIds = ["subnet-0aaa", "subnet-0bbb"]
        vpn.clientCidr = "10.100.0.0/22"
        vpn.dnsServers = ["10.0.0.2"]
        vpn.splitTunnel = true
        vpn.sessionTimeoutHours = 12
        vpn.selfServicePortal = false
        vpn.serverCertificateArn = "arn:aws:acm:ap-northeast-1:111122223333:certificate/abc"
        vpn.samlProviderName = "okta-clientvpn"
        vpn.authorizationRules = [VPNConfig.AuthorizationRule(cidr: "10.0.0.0/16", group: "AWS-VPN-Users"), VPNConfig.AuthorizationRule(cidr: "10.1.0.0/16", group: nil)]
        return vpn
    }

    static var facts: VPNFacts {
        VPNFacts(region: "ap-northeast-1", vpcCidrs: ["10.0.0.0/16"],
                 subnets: [.init(id: "subnet-0aaa", vpcId: "vpc-0abc", cidr: "10.0.1.0/24", availabilityZone: "ap-northeast-1a", freeAddresses: 250),
                           .init(id: "subnet-0bbb", vpcId: "vpc-0abc", cidr: "10.0.2.0/24", availabilityZone: "ap-northeast-1c", freeAddresses: 250)],
                 certificate: .init(arn: "arn:aws:acm:ap-northeast-1:111122223333:certificate/abc", status: .issued, keyAlgorithm: .rsa2048),
                 okta: .init(id: "0oavpn", port: "35001", sendsMemberOf: true, signingCertificateExpires: 2_000_000_000, metadata: "<md/>"),
                 samlProvider: nil, managedSecurityGroupId: nil, endpoint: nil, associatedSubnets: [], rules: [], now: 1_763_700_000)
    }

    @Test func cidrParsingAndOverlap() throws {
        let vpc = try IPv4CIDR.parse("10.0.0.0/16").get()
        #expect(vpc.description == "10.0.0.0/16")
        #expect(vpc.overlaps(try IPv4CIDR.parse("10.0.128.0/22").get()))
        #expect(!vpc.overlaps(try IPv4CIDR.parse("10.100.0.0/22").get()))
        #expect(vpc.contains(try IPv4CIDR.parse("10.0.1.0/24").get()))
        for bad in ["10.0.0.1/16", "10.0.0/16", "300.0.0.0/8", "10.0.0.0/33", "10.0.0.0", ""] {
            #expect(throws: IPv4CIDR.ParseError.self) { try IPv4CIDR.parse(bad).get() }
        }
    }

    @Test func aGoodConfigAndWorldPass() {
        #expect(VPNRules.checkConfig(Self.config).isEmpty)
        #expect(VPNRules.checkWorld(Self.config, facts: Self.facts).filter { $0.severity == .error }.isEmpty)
    }

    @Test func configRulesNameTheField() {
        func fields(_ change: (inout VPNConfig) -> Void) -> [String] {
            var vpn = Self.config
            change(&vpn)
            return VPNRules.checkConfig(vpn).compactMap(\.field)
        }
        #expect(fields { $0.clientCidr = "10.100.0.0/24" } == ["vpn.clientCidr"])
        #expect(fields { $0.clientCidr = "10.0.0.0/8" } == ["vpn.clientCidr"])
        #expect(fields { $0.clientCidr = "10.100.0.1/22" } == ["vpn.clientCidr"])
        #expect(fields { $0.sessionTimeoutHours = 9 } == ["vpn.sessionTimeoutHours"])
        #expect(fields { $0.transport = "quic" } == ["vpn.transport"])
        #expect(fields { $0.port = 8443 } == ["vpn.port"])
        #expect(fields { $0.subnetIds = [] } == ["vpn.subnetIds"])
        #expect(fields { $0.subnetIds = ["sn-1"] } == ["vpn.subnetIds[0]"])
        #expect(fields { $0.serverCertificateArn = nil } == ["vpn.serverCertificateArn"])
        #expect(fields { $0.samlProviderName = "okta clientvpn" } == ["vpn.samlProviderName"])
        #expect(fields { $0.authorizationRules = [] } == ["vpn.authorizationRules"])
        #expect(fields { $0.authorizationRules[0].cidr = "10.0.0.0" } == ["vpn.authorizationRules[0].cidr"])
        #expect(fields { $0.dnsServers = ["dns.example.com"] } == ["vpn.dnsServers[0]"])
        #expect(fields { $0.connectionLogging = true } == ["vpn.connectionLogging"])
    }

    @Test func worldRulesNameTheFieldAndTheRule() {
        func problems(_ config: (inout VPNConfig) -> Void = { _ in }, world: (inout VPNFacts) -> Void = { _ in }) -> [Diagnostic] {
            var vpn = Self.config
            config(&vpn)
            var facts = Self.facts
            world(&facts)
            return VPNRules.checkWorld(vpn, facts: facts)
        }
        let overlap = problems({ $0.clientCidr = "10.0.0.0/16" })
        #expect(overlap.contains { $0.severity == .error && $0.field == "vpn.clientCidr" && $0.message.contains("overlaps the VPC's CIDR 10.0.0.0/16") })
        let home = problems({ $0.clientCidr = "192.168.0.0/22" })
        #expect(home.contains { $0.severity == .warning && $0.message.contains("192.168.0.0/16 (home routers)") })
        #expect(!home.contains { $0.severity == .error })
        #expect(problems(world: { $0.subnets[1].availabilityZone = "ap-northeast-1a" }).contains { $0.field == "vpn.subnetIds[1]" && $0.message.contains("one subnet per Availability Zone") })
        #expect(problems(world: { $0.subnets[0].cidr = "10.0.1.0/28" }).contains { $0.message.contains("must be /27 or larger") })
        #expect(problems(world: { $0.subnets[0].freeAddresses = 12 }).contains { $0.message.contains("12 free addresses; a target subnet needs at least 20") })
        #expect(problems(world: { $0.subnets[0].vpcId = "vpc-other" }).contains { $0.message.contains("is in vpc-other") })
        #expect(problems(world: { $0.subnets.removeFirst() }).contains { $0.message.contains("subnet-0aaa does not exist") })
        #expect(problems(world: { $0.certificate?.status = .pendingValidation }).contains { $0.field == "vpn.serverCertificateArn" && $0.message.contains("not ISSUED") })
        #expect(problems(world: { $0.certificate?.keyAlgorithm = .ecPrime256v1 }).contains { $0.message.contains("needs RSA 2048") })
        #expect(problems(world: { $0.certificate?.arn = "arn:aws:acm:us-east-1:111122223333:certificate/abc" }).contains { $0.message.contains("not in ap-northeast-1") })
        #expect(problems(world: { $0.certificate = nil }).contains { $0.message.contains("no ACM certificate") })
        #expect(problems(world: { $0.okta.signingCertificateExpires = 1_700_000_000 }).contains { $0.field == "vpn.oktaAppId" && $0.message.contains("has expired") })
        let noMemberOf = problems(world: { $0.okta.sendsMemberOf = false })
        #expect(noMemberOf.map(\.field) == ["vpn.authorizationRules[0].group"], "only the rule with a group")
    }

    @Test func firstPlanCreatesEverythingAndAnAppliedWorldPlansNothing() {
        let first = VPNPlanner.plan(Self.config, facts: Self.facts)
        #expect(first.steps == [.createSAMLProvider(name: "okta-clientvpn"), .createSecurityGroup(vpcId: "vpc-0abc"), .createEndpoint,
                                .associate(subnetId: "subnet-0aaa"), .associate(subnetId: "subnet-0bbb"),
                                .authorize(Self.config.authorizationRules[0]), .authorize(Self.config.authorizationRules[1]), .exportConfiguration])
        #expect(first.hasChanges)
        var done = Self.facts
        done.samlProvider = ("arn:aws:iam::111122223333:saml-provider/okta-clientvpn", true)
        done.managedSecurityGroupId = "sg-0idc"
        done.endpoint = .init(id: "cvpn-endpoint-0123", clientCidr: "10.100.0.0/22", transport: "udp", port: 443,
                              samlProviderArn: "arn:aws:iam::111122223333:saml-provider/okta-clientvpn", serverCertificateArn: Self.facts.certificate!.arn,
                              splitTunnel: true, dnsServers: ["10.0.0.2"], sessionTimeoutHours: 12, selfServicePortal: false,
                              securityGroupIds: ["sg-0idc"], vpcId: "vpc-0abc")
        done.associatedSubnets = ["subnet-0aaa", "subnet-0bbb"]
        done.rules = Self.config.authorizationRules
        let again = VPNPlanner.plan(Self.config, facts: done)
        #expect(again.steps == [.exportConfiguration])
        #expect(!again.hasChanges)

        var portOff = done
        portOff.okta.port = "443"
        #expect(VPNPlanner.plan(Self.config, facts: portOff).steps.first == .setOktaPort(appId: "0oavpn", from: "443"))
        var stale = done
        stale.samlProvider = (done.samlProvider!.arn, false)
        #expect(VPNPlanner.plan(Self.config, facts: stale).steps.first == .updateSAMLProvider(arn: done.samlProvider!.arn))
    }

    @Test func fieldsAWSCannotChangeAreReportedNeverRecreated() {
        var facts = Self.facts
        facts.samlProvider = ("arn:aws:iam::111122223333:saml-provider/okta-clientvpn", true)
        facts.managedSecurityGroupId = "sg-0idc"
        facts.endpoint = .init(id: "cvpn-endpoint-0123", clientCidr: "10.200.0.0/22", transport: "tcp", port: 443,
                               samlProviderArn: "arn:aws:iam::111122223333:saml-provider/okta-clientvpn", serverCertificateArn: facts.certificate!.arn,
                               splitTunnel: false, dnsServers: ["10.0.0.2"], sessionTimeoutHours: 24, selfServicePortal: false,
                               securityGroupIds: ["sg-0idc"], vpcId: "vpc-0abc")
        let plan = VPNPlanner.plan(Self.config, facts: facts)
        #expect(plan.steps.contains(.requiresNewEndpoint(id: "cvpn-endpoint-0123", fields: ["clientCidr (10.200.0.0/22 → 10.100.0.0/22)", "transport (tcp → udp)"])))
        #expect(plan.steps.contains(.modifyEndpoint(id: "cvpn-endpoint-0123", fields: ["splitTunnel", "sessionTimeoutHours"])))
        #expect(!plan.steps.contains(.createEndpoint))
        #expect(plan.requiresNewEndpoint)
    }
}

@Suite("Client VPN: the Okta port's JSON type")
struct OktaPortTypeTests {
    @Test func readAsNumberOrStringAndWrittenInTheTypeHeld() {
        #expect(VPNRules.oktaPort(from: .number("35001")) == "35001")
        #expect(VPNRules.oktaPort(from: .number("35001.0")) == "35001")
        #expect(VPNRules.oktaPort(from: .string("35002")) == "35002")
        #expect(VPNRules.oktaPort(from: .string("")) == nil)
        #expect(VPNRules.oktaPort(from: .null) == nil)
        #expect(VPNRules.oktaPort(from: nil) == nil)
        #expect(VPNRules.oktaPortValue(replacing: .string("443")) == .string("35001"))
        #expect(VPNRules.oktaPortValue(replacing: .number("443")) == .number("35001"))
        #expect(VPNRules.oktaPortValue(replacing: .null) == .number("35001"))
        #expect(VPNRules.oktaPortValue(replacing: nil) == .number("35001"))
    }
}
