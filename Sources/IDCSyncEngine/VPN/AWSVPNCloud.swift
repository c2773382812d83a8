import AWSKit
import IDCSyncCore

/// `VPNCloud` over the AWS client: EC2 (Client VPN, VPC, subnets, security groups), IAM (SAML
/// providers) and ACM (the server certificate), all in the VPN's Region.
public struct AWSVPNCloud: VPNCloud {
    /// The tag idcsync puts on what it creates, so a rerun finds it instead of creating it again.
    public static let tagKey = "idcsync:vpn"

    let client: AWSClient
    let region: String

    public init(client: AWSClient, region: String) {
        self.client = client
        self.region = region
    }

    public func vpcCidrs(vpcId: String) async throws(IDCSyncError) -> [String] {
        do { return try await client.describeVpcs(ids: [vpcId], region: region).flatMap(\.cidrBlocks) } catch where error.code == "InvalidVpcID.NotFound" {
            return []
        } catch { throw .aws(error) }
    }

    public func subnets(ids: [String]) async throws(IDCSyncError) -> [VPNFacts.Subnet] {
        // One lookup per subnet: a missing one is a finding for the rules, not a failure of the batch.
        var found: [VPNFacts.Subnet] = []
        for id in ids {
            do {
                found += try await client.describeSubnets(ids: [id], region: region).map {
                    VPNFacts.Subnet(id: $0.subnetId, vpcId: $0.vpcId, cidr: $0.cidrBlock, availabilityZone: $0.availabilityZone,
                                    freeAddresses: $0.availableIpAddressCount)
                }
            } catch where error.code == "InvalidSubnetID.NotFound" {
                continue
            } catch { throw .aws(error) }
        }
        return found
    }

    public func certificate(arn: String?, domain: String?) async throws(IDCSyncError) -> VPNFacts.Certificate? {
        var certificateArn = arn
        if certificateArn == nil, let domain {
            do {
                // Without keyTypes ACM lists only RSA_2048 certificates; 1024 is allowed too.
                certificateArn = try await client.listCertificates(keyTypes: [.rsa1024, .rsa2048], region: region)
                    .first { $0.domainName == domain }?.certificateArn
            } catch { throw .aws(error) }
        }
        guard let certificateArn else { return nil }
        do {
            let found = try await client.describeCertificate(arn: certificateArn, region: region)
            return VPNFacts.Certificate(arn: found.certificateArn, status: found.status, keyAlgorithm: found.keyAlgorithm ?? .other("?"))
        } catch where error.code == "ResourceNotFoundException" || error.code == "ValidationException" {
            return nil
        } catch { throw .aws(error) }
    }

    public func samlProvider(name: String) async throws(IDCSyncError) -> (arn: String, metadata: String)? {
        do {
            guard let summary = try await client.listSAMLProviders(region: region).first(where: { $0.arn.hasSuffix(":saml-provider/\(name)") }) else {
                return nil
            }
            return (summary.arn, try await client.getSAMLProvider(arn: summary.arn, region: region).metadataDocument)
        } catch { throw .aws(error) }
    }

    public func createSAMLProvider(name: String, metadata: String) async throws(IDCSyncError) -> String {
        do { return try await client.createSAMLProvider(name: name, metadataDocument: metadata, tags: [AWSTag(Self.tagKey, name)], region: region) } catch {
            throw .aws(error)
        }
    }

    public func updateSAMLProvider(arn: String, metadata: String) async throws(IDCSyncError) {
        do { _ = try await client.updateSAMLProvider(arn: arn, metadataDocument: metadata, region: region) } catch { throw .aws(error) }
    }

    public func managedSecurityGroup(vpcId: String, name: String) async throws(IDCSyncError) -> String? {
        do {
            return try await client.describeSecurityGroups(filters: [EC2Filter("group-name", [name]), EC2Filter("vpc-id", [vpcId])], region: region).first?.groupId
        } catch { throw .aws(error) }
    }

    public func createSecurityGroup(vpcId: String, name: String) async throws(IDCSyncError) -> String {
        let request = CreateSecurityGroupRequest(groupName: name, description: "AWS Client VPN endpoint (managed by idcsync)", vpcId: vpcId,
                                                 tags: [AWSTag(Self.tagKey, name)])
        do { return try await client.createSecurityGroup(request, region: region) } catch { throw .aws(error) }
    }

    public func endpoint(tag: String) async throws(IDCSyncError) -> (endpoint: VPNFacts.Endpoint, subnets: [String], rules: [VPNConfig.AuthorizationRule])? {
        do {
            let endpoints = try await client.describeClientVpnEndpoints(filters: [EC2Filter("tag:\(Self.tagKey)", [tag])], region: region)
                .filter { $0.statusCode != .deleted && $0.statusCode != .deleting }
            guard let found = endpoints.first else { return nil }
            let saml = found.authenticationOptions.first { $0.type == "federated-authentication" }
            let endpoint = VPNFacts.Endpoint(id: found.clientVpnEndpointId, clientCidr: found.clientCidrBlock, transport: found.transportProtocol ?? "udp",
                                             port: found.vpnPort ?? 443, samlProviderArn: saml?.samlProviderArn, serverCertificateArn: found.serverCertificateArn,
                                             splitTunnel: found.splitTunnel, dnsServers: found.dnsServers, sessionTimeoutHours: found.sessionTimeoutHours,
                                             selfServicePortal: found.selfServicePortalUrl != nil, securityGroupIds: found.securityGroupIds, vpcId: found.vpcId)
            let subnets = try await client.describeClientVpnTargetNetworks(endpointId: found.clientVpnEndpointId, region: region)
                .filter { $0.statusCode != .disassociated && $0.statusCode != .disassociating }.map(\.targetNetworkId)
            let rules = try await client.describeClientVpnAuthorizationRules(endpointId: found.clientVpnEndpointId, region: region)
                .filter { $0.statusCode != .revoking && $0.statusCode != .failed }
                .map { VPNConfig.AuthorizationRule(cidr: $0.destinationCidr, group: $0.accessAll ? nil : $0.groupId) }
            return (endpoint, subnets, rules)
        } catch { throw .aws(error) }
    }

    public func createEndpoint(_ spec: VPNEndpointSpec) async throws(IDCSyncError) -> String {
        let request = CreateClientVpnEndpointRequest(
            clientCidrBlock: spec.clientCidr, serverCertificateArn: spec.serverCertificateArn, samlProviderArn: spec.samlProviderArn,
            selfServiceSamlProviderArn: spec.selfServicePortal ? spec.samlProviderArn : nil,
            connectionLog: ClientVpnConnectionLog(enabled: spec.connectionLogging), dnsServers: spec.dnsServers, splitTunnel: spec.splitTunnel,
            vpcId: spec.vpcId, securityGroupIds: spec.securityGroupIds, selfServicePortal: spec.selfServicePortal,
            sessionTimeoutHours: spec.sessionTimeoutHours, transportProtocol: spec.transport, vpnPort: spec.port,
            tags: [AWSTag(Self.tagKey, spec.tag), AWSTag("Name", "idcsync \(spec.tag)")],
            // The same token on a rerun returns the endpoint already made instead of a second one.
            clientToken: "idcsync-\(spec.tag)-\(spec.vpcId)", description: "Okta SAML (managed by idcsync)")
        do { return try await client.createClientVpnEndpoint(request, region: region).clientVpnEndpointId } catch { throw .aws(error) }
    }

    public func modifyEndpoint(id: String, _ spec: VPNEndpointSpec, fields: [String]) async throws(IDCSyncError) {
        let request = ModifyClientVpnEndpointRequest(
            clientVpnEndpointId: id,
            serverCertificateArn: fields.contains("serverCertificateArn") ? spec.serverCertificateArn : nil,
            dnsServers: fields.contains("dnsServers") ? spec.dnsServers : nil,
            splitTunnel: fields.contains("splitTunnel") ? spec.splitTunnel : nil,
            securityGroupIds: fields.contains("securityGroupIds") ? spec.securityGroupIds : nil,
            vpcId: fields.contains("securityGroupIds") ? spec.vpcId : nil,
            selfServicePortal: fields.contains("selfServicePortal") ? spec.selfServicePortal : nil,
            sessionTimeoutHours: fields.contains("sessionTimeoutHours") ? spec.sessionTimeoutHours : nil,
            vpnPort: fields.contains("port") ? spec.port : nil)
        do { try await client.modifyClientVpnEndpoint(request, region: region) } catch { throw .aws(error) }
    }

    public func associate(endpointId: String, subnetId: String) async throws(IDCSyncError) {
        do { _ = try await client.associateClientVpnTargetNetwork(endpointId: endpointId, subnetId: subnetId, clientToken: "idcsync-\(endpointId)-\(subnetId)", region: region) } catch {
            throw .aws(error)
        }
    }

    public func authorize(endpointId: String, rule: VPNConfig.AuthorizationRule) async throws(IDCSyncError) {
        let request = AuthorizeClientVpnIngressRequest(clientVpnEndpointId: endpointId, targetNetworkCidr: rule.cidr, accessGroupId: rule.group,
                                                       description: "managed by idcsync")
        do { _ = try await client.authorizeClientVpnIngress(request, region: region) } catch { throw .aws(error) }
    }

    public func exportConfiguration(endpointId: String) async throws(IDCSyncError) -> String {
        do { return try await client.exportClientVpnClientConfiguration(endpointId: endpointId, region: region) } catch { throw .aws(error) }
    }
}
