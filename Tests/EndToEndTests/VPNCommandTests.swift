import Foundation
import IDCSyncCore
import Testing

/// `vpn plan|apply` through the real binary against the AWS sandbox (Client VPN, IAM, ACM) and the
/// Okta fake (the aws_clientvpn app).
@Suite("vpn plan|apply (binary, against the AWS sandbox and the Okta fake)")
struct VPNCommandTests {
    struct World {
        var aws: AWSSandbox
        var okta: OktaFake
        var workspace: Workspace
        var vpcId: String
        var subnetIds: [String]
        var certificateArn: String
        var environment: [String: String] { aws.environment.merging(["OKTA_API_TOKEN": OktaFake.token, "AWS_REGION": "ap-northeast-1"]) { $1 } }

        func config(clientCidr: String = "10.100.0.0/22", sessionHours: Int = 12, rules: String = "[{cidr: 10.0.0.0/16, group: AWS-VPN-Users}, {cidr: 10.1.0.0/16}]") -> String {
            """
            instance: {primaryRegion: ap-northeast-1}
            okta: {orgUrl: "\(okta.url)"}
            vpn:
              region: ap-northeast-1
              vpcId: \(vpcId)
              subnetIds: [\(subnetIds.joined(separator: ", "))]
              clientCidr: \(clientCidr)
              dnsServers: [10.0.0.2]
              splitTunnel: true
              sessionTimeoutHours: \(sessionHours)
              selfServicePortal: false
              serverCertificateArn: \(certificateArn)
              samlProviderName: okta-clientvpn
              oktaAppId: 0oavpn1
              authorizationRules: \(rules)
            """
        }
    }

    private func setUp(memberOf: Bool = true, certificateDays: Double = 365, port: JSONValue = "443") async throws -> World {
        let aws = try await AWSSandbox()
        let okta = try OktaFake()
        try await okta.seed()
        var signOn: JSONObject = [:]
        if memberOf {
            signOn["attributeStatements"] = .array([.object(["type": "GROUP", "name": "memberOf", "namespace": "urn:oasis:names:tc:SAML:2.0:attrname-format:unspecified",
                                                             "filterType": "REGEX", "filterValue": "AWS-VPN-.*"])])
        }
        try await okta.control("POST", "/_fake/apps", .object([
            "id": "0oavpn1", "name": "aws_clientvpn", "label": "AWS Client VPN", "status": "ACTIVE", "signOnMode": "SAML_2_0",
            "credentials": .object(["signing": .object(["kid": "kid-vpn"])]),
            "settings": .object(["app": .object(["port": port]), "signOn": .object(signOn)]),
        ]))
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        try await okta.control("POST", "/_fake/apps/0oavpn1/keys", .array([.object(["kid": "kid-vpn",
                                                                                    "expiresAt": .string(formatter.string(from: Date().addingTimeInterval(certificateDays * 86_400)))])]))
        let seeded = try JSONParser.parse(try aws.python("aws_seed_vpn.py", ["--endpoint", aws.url, "--region", "ap-northeast-1",
                                                                            "--access-key", aws.accessKey, "--secret-key", aws.secretKey]))
        let world = World(aws: aws, okta: okta, workspace: try Workspace(), vpcId: seeded["vpcId"]?.stringValue ?? "",
                          subnetIds: seeded["subnetIds"]?.arrayValue?.compactMap(\.stringValue) ?? [], certificateArn: seeded["certificateArn"]?.stringValue ?? "")
        try world.workspace.write("idcsync.yaml", world.config())
        try await aws.clearRequests()
        try await okta.clearRequests()
        return world
    }

    private func writes(_ world: World) async throws -> [String] {
        try await world.aws.requestLines().filter { line in
            ["Create", "Associate", "Authorize", "Modify", "Update", "Delete"].contains { line.contains(":\($0)") }
        }
    }

    @Test func applySetsUpEverythingAndARerunCreatesNothing() async throws {
        let world = try await setUp()
        let plan = try world.workspace.run(["vpn", "plan"], environment: world.environment)
        #expect(plan.status == 2, "\(plan.stdout)\n\(plan.stderr)")
        #expect(plan.stdout.contains("+ IAM SAML provider okta-clientvpn from the Okta app's metadata"))
        #expect(plan.stdout.contains("~ Okta app 0oavpn1 settings.app.port: 443 → 35001"))
        // Everything that can never be changed is shown before anything is created.
        #expect(plan.stdout.contains("    clientCidr           10.100.0.0/22  (can never be changed after creation)"), "\(plan.stdout)")
        #expect(plan.stdout.contains("    transport            udp port 443  (can never be changed after creation)"))
        #expect(plan.stdout.contains("    authentication       federated (SAML), IAM SAML provider okta-clientvpn  (can never be changed after creation)"))
        #expect(plan.stdout.contains("    subnetIds            \(world.subnetIds.joined(separator: ", "))"))
        #expect(plan.stdout.contains("    sessionTimeoutHours  12"))
        let planJSON = try JSONParser.parse(try world.workspace.run(["vpn", "plan", "--output", "json"], environment: world.environment).stdout)
        let settings = try #require(planJSON["newEndpoint"]?.arrayValue)
        #expect(settings.filter { $0["permanent"] == true }.compactMap { $0["name"]?.stringValue } == ["clientCidr", "transport", "authentication"])
        #expect(settings.compactMap { $0["name"]?.stringValue } == ["clientCidr", "transport", "authentication", "vpcId", "subnetIds", "splitTunnel",
                                                                    "sessionTimeoutHours", "dnsServers", "selfServicePortal"])
        #expect(try await writes(world).isEmpty, "plan writes nothing")

        let apply = try world.workspace.run(["vpn", "apply", "--yes"], environment: world.environment)
        #expect(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")
        let endpoints = try world.aws.boto("ec2", "describe_client_vpn_endpoints", region: "ap-northeast-1")["ClientVpnEndpoints"]?.arrayValue ?? []
        #expect(endpoints.count == 1)
        let endpoint = try #require(endpoints.first)
        #expect(endpoint["ClientCidrBlock"] == "10.100.0.0/22")
        #expect(endpoint["SessionTimeoutHours"] == .number("12"))
        #expect(endpoint["AuthenticationOptions"]?.arrayValue?.first?["Type"] == "federated-authentication")
        let endpointId = endpoint["ClientVpnEndpointId"]?.stringValue ?? ""
        let networks = try world.aws.boto("ec2", "describe_client_vpn_target_networks", region: "ap-northeast-1", ["ClientVpnEndpointId": endpointId])
        #expect(networks["ClientVpnTargetNetworks"]?.arrayValue?.count == 2)
        let rules = try world.aws.boto("ec2", "describe_client_vpn_authorization_rules", region: "ap-northeast-1", ["ClientVpnEndpointId": endpointId])
        #expect(rules["AuthorizationRules"]?.arrayValue?.count == 2)
        #expect(try await world.okta.app("0oavpn1").value(at: ["settings", "app", "port"]) == "35001")
        let ovpn = world.workspace.url.appendingPathComponent("client-vpn.ovpn")
        let text = try String(contentsOf: ovpn, encoding: .utf8)
        #expect(text.contains("auth-federate") && text.contains("reneg-sec 0") && text.contains("remote cvpn-endpoint-"))
        let mode = try FileManager.default.attributesOfItem(atPath: ovpn.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        for output in [apply.stdout, apply.stderr] { #expect(!output.contains(OktaFake.token)) }

        try await world.aws.clearRequests()
        try await world.okta.clearRequests()
        let again = try world.workspace.run(["vpn", "apply", "--yes"], environment: world.environment)
        #expect(again.status == 0, "\(again.stdout)\n\(again.stderr)")
        let rerunWrites = try await writes(world)
        #expect(rerunWrites.isEmpty, "a rerun creates nothing: \(rerunWrites)")
        #expect(!(try await world.okta.requestLines()).contains { $0.hasPrefix("PUT ") })
        let settled = try world.workspace.run(["vpn", "plan"], environment: world.environment)
        #expect(settled.status == 0, "\(settled.stdout)\n\(settled.stderr)")
        #expect(settled.stdout.contains("No changes: the Client VPN is as configured."))

        // A new client CIDR cannot be applied to the endpoint: reported, never recreated.
        try world.workspace.write("idcsync.yaml", world.config(clientCidr: "10.200.0.0/22"))
        let changed = try world.workspace.run(["vpn", "plan"], environment: world.environment)
        #expect(changed.status == 2)
        #expect(changed.stdout.contains("requires a new endpoint to change clientCidr (10.100.0.0/22 → 10.200.0.0/22)"))
    }

    @Test func aTerraformOwnedOktaAppIsNotWrittenAndNothingElseIsEither() async throws {
        let world = try await setUp()
        try world.workspace.write("idcsync.yaml", world.config().replacingOccurrences(of: "okta: {orgUrl: \"\(world.okta.url)\"}",
                                                                                     with: "okta: {orgUrl: \"\(world.okta.url)\", owner: terraform}"))
        let apply = try world.workspace.run(["vpn", "apply", "--yes"], environment: world.environment)
        #expect(apply.status == 64, "\(apply.stdout)\n\(apply.stderr)")
        #expect(apply.stderr.contains("okta.owner is terraform: idcsync does not write the Okta Client VPN app 0oavpn1 (its port setting); change it in your Terraform configuration and run `terraform apply`, or set okta.owner: idcsync to hand it back"))
        #expect(try await writes(world).isEmpty, "refused before any write")
        #expect(try await world.okta.requestLines().allSatisfy { $0.hasPrefix("GET ") })
        #expect(try await world.okta.app("0oavpn1").value(at: ["settings", "app", "port"]) == "443")
        #expect(!FileManager.default.fileExists(atPath: world.workspace.url.appendingPathComponent("client-vpn.ovpn").path))
        #expect(!FileManager.default.fileExists(atPath: world.workspace.url.appendingPathComponent("idcsync-backups").path))
    }

    @Test func everyBrokenRuleIsAConfigurationErrorAndNothingIsWritten() async throws {
        let world = try await setUp()
        let tiny = try world.aws.boto("ec2", "create_subnet", region: "ap-northeast-1",
                                      ["VpcId": world.vpcId, "CidrBlock": "10.0.9.0/28", "AvailabilityZone": "ap-northeast-1d"])["Subnet"]?["SubnetId"]?.stringValue ?? ""
        // aws_seed_vpn.py puts the first subnet in the Region's first Availability Zone.
        let zoneA = "ap-northeast-1a"
        let sameZone = try world.aws.boto("ec2", "create_subnet", region: "ap-northeast-1",
                                          ["VpcId": world.vpcId, "CidrBlock": "10.0.10.0/24", "AvailabilityZone": zoneA])["Subnet"]?["SubnetId"]?.stringValue ?? ""
        try await world.aws.clearRequests()
        func with(subnets: [String]) -> String {
            world.config().replacingOccurrences(of: "subnetIds: [\(world.subnetIds.joined(separator: ", "))]", with: "subnetIds: [\(subnets.joined(separator: ", "))]")
        }
        let cases: [(config: String, field: String, message: String)] = [
            (world.config(clientCidr: "10.0.0.0/22"), "vpn.clientCidr", "overlaps the VPC's CIDR 10.0.0.0/16"),
            (with(subnets: [world.subnetIds[0], tiny]), "vpn.subnetIds[1]", "must be /27 or larger"),
            (with(subnets: [world.subnetIds[0], tiny]), "vpn.subnetIds[1]", "a target subnet needs at least 20"),
            (with(subnets: [world.subnetIds[0], sameZone]), "vpn.subnetIds[1]", "give one subnet per Availability Zone"),
            (with(subnets: [world.subnetIds[0], "subnet-0123456789abcdef0"]), "vpn.subnetIds[1]", "does not exist in ap-northeast-1"),
            (world.config().replacingOccurrences(of: world.certificateArn, with: world.certificateArn.replacingOccurrences(of: "ap-northeast-1", with: "us-east-1")),
             "vpn.serverCertificateArn", "no ACM certificate"),
        ]
        for (index, test) in cases.enumerated() {
            try world.workspace.write("case\(index).yaml", test.config)
            let result = try world.workspace.runFailing(["vpn", "plan", "--config", "case\(index).yaml"], environment: world.environment)
            #expect(result.status == 64, "\(test.field): \(result.stderr)")
            #expect(result.stderr.contains(test.field) && result.stderr.contains(test.message), "\(result.stderr)")
        }
        let apply = try world.workspace.runFailing(["vpn", "apply", "--yes", "--config", "case0.yaml"], environment: world.environment)
        #expect(apply.status == 64)
        #expect(try await writes(world).isEmpty)
        #expect(!(try await world.okta.requestLines()).contains { $0.hasPrefix("PUT ") })
    }

    @Test func aConfigWithoutVPNOrOktaSectionIsAUsageError() throws {
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", "instance: {primaryRegion: ap-northeast-1}\n")
        let noVPN = try workspace.runFailing(["vpn", "plan"])
        #expect(noVPN.status == 64)
        #expect(noVPN.stderr.contains("the config has no vpn section"))
        try workspace.write("no-okta.yaml", "instance: {primaryRegion: ap-northeast-1}\nvpn: {region: ap-northeast-1, vpcId: vpc-0abc}\n")
        let noOkta = try workspace.runFailing(["vpn", "apply", "--yes", "--config", "no-okta.yaml"])
        #expect(noOkta.status == 64)
        #expect(noOkta.stderr.contains("okta.orgUrl") && noOkta.stderr.contains("the vpn commands use the okta section"))
    }
}
