import Foundation
import IDCSyncCore
@testable import IDCSyncEngine

/// An in-memory Region for `vpn plan|apply` behind the engine's own seam for EC2, IAM and ACM
/// (`VPNCloud`): a VPC with two subnets in two Availability Zones and an issued RSA 2048 ACM
/// certificate, to which tests add a SAML provider, a security group or an endpoint. Every call is
/// logged (`calls`; `writes` are the ones that change something). The request shapes of the real
/// `AWSVPNCloud` stay covered by the end-to-end tests against the AWS sandbox.
final class FakeVPNCloud: VPNCloud, @unchecked Sendable {
    static let region = "ap-northeast-1"
    static let vpcId = "vpc-0a1b2c3d4e5f60001"
    static let subnetIds = ["subnet-0aaa000000000000a", "subnet-0bbb000000000000b"]
    static let certificateArn = "arn:aws:acm:ap-northeast-1:123456789012:certificate/1f2e3d4c-0000-4000-8000-000000000001"
    static let exported = "client\ndev tun\nproto udp\nremote cvpn-endpoint-0fake.prod.clientvpn.ap-northeast-1.amazonaws.com 443\n<ca>\nCA\n</ca>\n"

    struct Endpoint {
        var endpoint: VPNFacts.Endpoint
        var tag: String
        var subnets: [String] = []
        var rules: [VPNConfig.AuthorizationRule] = []
    }

    private let lock = NSLock()
    private var log: [String] = []
    var vpcs: [String: [String]] = [FakeVPNCloud.vpcId: ["10.0.0.0/16"]]
    var subnetList: [VPNFacts.Subnet] = [
        .init(id: FakeVPNCloud.subnetIds[0], vpcId: FakeVPNCloud.vpcId, cidr: "10.0.1.0/24", availabilityZone: "ap-northeast-1a", freeAddresses: 251),
        .init(id: FakeVPNCloud.subnetIds[1], vpcId: FakeVPNCloud.vpcId, cidr: "10.0.2.0/24", availabilityZone: "ap-northeast-1c", freeAddresses: 251),
    ]
    var certificates: [String: (domain: String, certificate: VPNFacts.Certificate)] = [
        FakeVPNCloud.certificateArn: ("vpn.example.com", .init(arn: FakeVPNCloud.certificateArn, status: .issued, keyAlgorithm: .rsa2048)),
    ]
    var samlProviders: [String: (arn: String, metadata: String)] = [:]
    var securityGroups: [(vpcId: String, name: String, id: String)] = []
    var endpoints: [Endpoint] = []
    /// The specs the endpoint was created or modified with, in order.
    var specs: [VPNEndpointSpec] = []

    /// Every call as `operation argument`, in order.
    var calls: [String] { lock.withLock { log } }
    var writes: [String] {
        calls.filter { call in ["create", "update", "modify", "associate", "authorize"].contains { call.hasPrefix($0) } }
    }

    /// An endpoint as `vpn apply` would have made it from `spec`, with the subnets and rules given.
    func addEndpoint(id: String = "cvpn-endpoint-0existing0000000001", _ spec: VPNEndpointSpec, subnets: [String], rules: [VPNConfig.AuthorizationRule]) {
        lock.withLock {
            endpoints.append(Endpoint(endpoint: Self.endpoint(id: id, spec), tag: spec.tag, subnets: subnets, rules: rules))
        }
    }

    static func endpoint(id: String, _ spec: VPNEndpointSpec) -> VPNFacts.Endpoint {
        VPNFacts.Endpoint(id: id, clientCidr: spec.clientCidr, transport: spec.transport, port: spec.port, samlProviderArn: spec.samlProviderArn,
                          serverCertificateArn: spec.serverCertificateArn, splitTunnel: spec.splitTunnel, dnsServers: spec.dnsServers,
                          sessionTimeoutHours: spec.sessionTimeoutHours, selfServicePortal: spec.selfServicePortal,
                          securityGroupIds: spec.securityGroupIds, vpcId: spec.vpcId)
    }

    static func samlProviderArn(_ name: String) -> String { "arn:aws:iam::123456789012:saml-provider/\(name)" }

    private func record(_ call: String) { log.append(call) }

    // MARK: VPNCloud

    func vpcCidrs(vpcId: String) async throws(IDCSyncError) -> [String] {
        lock.withLock {
            record("vpcCidrs \(vpcId)")
            return vpcs[vpcId] ?? []
        }
    }

    func subnets(ids: [String]) async throws(IDCSyncError) -> [VPNFacts.Subnet] {
        lock.withLock {
            record("subnets \(ids.joined(separator: ","))")
            return subnetList.filter { ids.contains($0.id) }
        }
    }

    func certificate(arn: String?, domain: String?) async throws(IDCSyncError) -> VPNFacts.Certificate? {
        lock.withLock {
            record("certificate \(arn ?? domain ?? "")")
            if let arn { return certificates[arn]?.certificate }
            return certificates.values.first { $0.domain == domain }?.certificate
        }
    }

    func samlProvider(name: String) async throws(IDCSyncError) -> (arn: String, metadata: String)? {
        lock.withLock {
            record("samlProvider \(name)")
            return samlProviders[name]
        }
    }

    func createSAMLProvider(name: String, metadata: String) async throws(IDCSyncError) -> String {
        lock.withLock {
            record("createSAMLProvider \(name)")
            samlProviders[name] = (Self.samlProviderArn(name), metadata)
            return Self.samlProviderArn(name)
        }
    }

    func updateSAMLProvider(arn: String, metadata: String) async throws(IDCSyncError) {
        lock.withLock {
            record("updateSAMLProvider \(arn)")
            if let name = samlProviders.first(where: { $0.value.arn == arn })?.key { samlProviders[name] = (arn, metadata) }
        }
    }

    func managedSecurityGroup(vpcId: String, name: String) async throws(IDCSyncError) -> String? {
        lock.withLock {
            record("managedSecurityGroup \(vpcId)")
            return securityGroups.first { $0.vpcId == vpcId && $0.name == name }?.id
        }
    }

    func createSecurityGroup(vpcId: String, name: String) async throws(IDCSyncError) -> String {
        lock.withLock {
            record("createSecurityGroup \(vpcId) \(name)")
            let id = String(format: "sg-0fake%012d", securityGroups.count + 1)
            securityGroups.append((vpcId, name, id))
            return id
        }
    }

    func endpoint(tag: String) async throws(IDCSyncError) -> (endpoint: VPNFacts.Endpoint, subnets: [String], rules: [VPNConfig.AuthorizationRule])? {
        lock.withLock {
            record("endpoint \(tag)")
            return endpoints.first { $0.tag == tag }.map { ($0.endpoint, $0.subnets, $0.rules) }
        }
    }

    func createEndpoint(_ spec: VPNEndpointSpec) async throws(IDCSyncError) -> String {
        lock.withLock {
            record("createEndpoint \(spec.tag)")
            let id = String(format: "cvpn-endpoint-0fake%012d", endpoints.count + 1)
            specs.append(spec)
            endpoints.append(Endpoint(endpoint: Self.endpoint(id: id, spec), tag: spec.tag))
            return id
        }
    }

    func modifyEndpoint(id: String, _ spec: VPNEndpointSpec, fields: [String]) async throws(IDCSyncError) {
        lock.withLock {
            record("modifyEndpoint \(id) \(fields.joined(separator: ","))")
            specs.append(spec)
        }
    }

    func associate(endpointId: String, subnetId: String) async throws(IDCSyncError) {
        lock.withLock {
            record("associate \(endpointId) \(subnetId)")
            if let index = endpoints.firstIndex(where: { $0.endpoint.id == endpointId }) { endpoints[index].subnets.append(subnetId) }
        }
    }

    func authorize(endpointId: String, rule: VPNConfig.AuthorizationRule) async throws(IDCSyncError) {
        lock.withLock {
            record("authorize \(endpointId) \(rule.cidr) \(rule.group ?? "all")")
            if let index = endpoints.firstIndex(where: { $0.endpoint.id == endpointId }) { endpoints[index].rules.append(rule) }
        }
    }

    func exportConfiguration(endpointId: String) async throws(IDCSyncError) -> String {
        lock.withLock {
            record("exportConfiguration \(endpointId)")
            return Self.exported
        }
    }
}
