import Foundation
import IDCSyncCore

// EC2 calls for `idcsync vpn plan|apply`: the VPC and subnets the Client VPN endpoint attaches to, its
// security group, and the endpoint with its target networks and authorization rules. Parameter and
// element names are botocore's ec2 2016-11-15 model (serialized names, `locationName`s).

/// A `Filter.N` of a Describe call (`vpc-id`, `group-name`, `tag:Name`, ...).
public struct EC2Filter: Sendable, Equatable {
    public var name: String
    public var values: [String]

    public init(_ name: String, _ values: [String]) {
        self.name = name
        self.values = values
    }
}

/// A VPC's `state`.
public enum EC2VPCState: AWSStateValue {
    case pending, available
    case other(String)

    public static let known: [Self] = [.pending, .available]

    public var rawValue: String {
        switch self {
        case .pending: "pending"
        case .available: "available"
        case .other(let text): text
        }
    }
}

/// The `cidrBlockState.state` of one IPv4 CIDR of a VPC.
public enum EC2CIDRBlockState: AWSStateValue {
    case associating, associated, disassociating, disassociated, failing, failed
    case other(String)

    public static let known: [Self] = [.associating, .associated, .disassociating, .disassociated, .failing, .failed]

    public var rawValue: String {
        switch self {
        case .associating: "associating"
        case .associated: "associated"
        case .disassociating: "disassociating"
        case .disassociated: "disassociated"
        case .failing: "failing"
        case .failed: "failed"
        case .other(let text): text
        }
    }
}

/// A Client VPN endpoint's `status.code`: `pending-associate` until the first target network is associated.
public enum ClientVpnEndpointStatus: AWSStateValue {
    case pendingAssociate, available, deleting, deleted
    case other(String)

    public static let known: [Self] = [.pendingAssociate, .available, .deleting, .deleted]

    public var rawValue: String {
        switch self {
        case .pendingAssociate: "pending-associate"
        case .available: "available"
        case .deleting: "deleting"
        case .deleted: "deleted"
        case .other(let text): text
        }
    }
}

/// The `status.code` of a target network association.
public enum ClientVpnAssociationStatus: AWSStateValue {
    case associating, associated, associationFailed, disassociating, disassociated
    case other(String)

    public static let known: [Self] = [.associating, .associated, .associationFailed, .disassociating, .disassociated]

    public var rawValue: String {
        switch self {
        case .associating: "associating"
        case .associated: "associated"
        case .associationFailed: "association-failed"
        case .disassociating: "disassociating"
        case .disassociated: "disassociated"
        case .other(let text): text
        }
    }
}

/// The `status.code` of an authorization rule.
public enum ClientVpnAuthorizationRuleStatus: AWSStateValue {
    case authorizing, active, failed, revoking
    case other(String)

    public static let known: [Self] = [.authorizing, .active, .failed, .revoking]

    public var rawValue: String {
        switch self {
        case .authorizing: "authorizing"
        case .active: "active"
        case .failed: "failed"
        case .revoking: "revoking"
        case .other(let text): text
        }
    }
}

public struct EC2VPC: Sendable, Equatable {
    public struct CIDRBlockAssociation: Sendable, Equatable {
        public var associationId: String
        public var cidrBlock: String
        public var state: EC2CIDRBlockState?
    }

    public var vpcId: String
    /// The primary IPv4 CIDR.
    public var cidrBlock: String
    /// Every IPv4 CIDR of the VPC (the primary one included), with its state.
    public var cidrBlockAssociations: [CIDRBlockAssociation]
    public var state: EC2VPCState?

    /// The IPv4 CIDRs in use: the associated (or associating) blocks, else the primary one.
    public var cidrBlocks: [String] {
        let inUse = cidrBlockAssociations.filter { $0.state == nil || $0.state == .associated || $0.state == .associating }.map(\.cidrBlock)
        return inUse.isEmpty ? [cidrBlock] : inUse
    }
}

public struct EC2Subnet: Sendable, Equatable {
    public var subnetId: String
    public var vpcId: String
    public var cidrBlock: String
    public var availabilityZone: String
    public var availableIpAddressCount: Int
}

public struct EC2SecurityGroup: Sendable, Equatable {
    public var groupId: String
    public var groupName: String
    public var vpcId: String?
    public var description: String?
    public var tags: [AWSTag]
}

public struct CreateSecurityGroupRequest: Sendable, Equatable {
    public var groupName: String
    public var description: String
    public var vpcId: String
    /// Sent as `TagSpecification.1` for `security-group` when not empty.
    public var tags: [AWSTag]

    public init(groupName: String, description: String, vpcId: String, tags: [AWSTag] = []) {
        self.groupName = groupName
        self.description = description
        self.vpcId = vpcId
        self.tags = tags
    }
}

/// `ConnectionLogOptions`: off, or to a CloudWatch Logs group (and stream).
public struct ClientVpnConnectionLog: Sendable, Equatable {
    public var enabled: Bool
    public var cloudwatchLogGroup: String?
    public var cloudwatchLogStream: String?

    public init(enabled: Bool, cloudwatchLogGroup: String? = nil, cloudwatchLogStream: String? = nil) {
        self.enabled = enabled
        self.cloudwatchLogGroup = cloudwatchLogGroup
        self.cloudwatchLogStream = cloudwatchLogStream
    }

    public static let disabled = ClientVpnConnectionLog(enabled: false)
}

/// CreateClientVpnEndpoint with federated (SAML) authentication, the only kind idcsync creates.
public struct CreateClientVpnEndpointRequest: Sendable, Equatable {
    public var clientCidrBlock: String
    public var serverCertificateArn: String
    public var samlProviderArn: String
    /// The SAML provider of the self-service portal (`nil`: none).
    public var selfServiceSamlProviderArn: String?
    public var connectionLog: ClientVpnConnectionLog
    /// Empty: the VPC's DNS (nothing sent).
    public var dnsServers: [String]
    public var splitTunnel: Bool
    public var vpcId: String?
    public var securityGroupIds: [String]
    /// Always sent, as `enabled` or `disabled` (the docs disagree on the default).
    public var selfServicePortal: Bool
    public var sessionTimeoutHours: Int?
    /// `udp` or `tcp`.
    public var transportProtocol: String?
    public var vpnPort: Int?
    /// Sent as `TagSpecification.1` for `client-vpn-endpoint` when not empty.
    public var tags: [AWSTag]
    /// The idempotency token (`nil`: a new UUID, kept across retries of this call).
    public var clientToken: String?
    public var description: String?

    public init(clientCidrBlock: String, serverCertificateArn: String, samlProviderArn: String, selfServiceSamlProviderArn: String? = nil,
                connectionLog: ClientVpnConnectionLog = .disabled, dnsServers: [String] = [], splitTunnel: Bool, vpcId: String? = nil,
                securityGroupIds: [String] = [], selfServicePortal: Bool, sessionTimeoutHours: Int? = nil, transportProtocol: String? = nil,
                vpnPort: Int? = nil, tags: [AWSTag] = [], clientToken: String? = nil, description: String? = nil) {
        self.clientCidrBlock = clientCidrBlock
        self.serverCertificateArn = serverCertificateArn
        self.samlProviderArn = samlProviderArn
        self.selfServiceSamlProviderArn = selfServiceSamlProviderArn
        self.connectionLog = connectionLog
        self.dnsServers = dnsServers
        self.splitTunnel = splitTunnel
        self.vpcId = vpcId
        self.securityGroupIds = securityGroupIds
        self.selfServicePortal = selfServicePortal
        self.sessionTimeoutHours = sessionTimeoutHours
        self.transportProtocol = transportProtocol
        self.vpnPort = vpnPort
        self.tags = tags
        self.clientToken = clientToken
        self.description = description
    }
}

public struct CreateClientVpnEndpointResult: Sendable, Equatable {
    public var clientVpnEndpointId: String
    public var statusCode: ClientVpnEndpointStatus?
    public var dnsName: String?
}

/// ModifyClientVpnEndpoint: only the fields that are not `nil` are sent. The client CIDR, transport
/// protocol and authentication cannot be modified.
public struct ModifyClientVpnEndpointRequest: Sendable, Equatable {
    public var clientVpnEndpointId: String
    public var serverCertificateArn: String?
    /// `[]`: back to the VPC's DNS (`DnsServers.Enabled=false`); else the custom servers.
    public var dnsServers: [String]?
    public var splitTunnel: Bool?
    /// Needs `vpcId` with it.
    public var securityGroupIds: [String]?
    public var vpcId: String?
    public var selfServicePortal: Bool?
    public var sessionTimeoutHours: Int?
    public var vpnPort: Int?
    public var description: String?
    public var connectionLog: ClientVpnConnectionLog?

    public init(clientVpnEndpointId: String, serverCertificateArn: String? = nil, dnsServers: [String]? = nil, splitTunnel: Bool? = nil,
                securityGroupIds: [String]? = nil, vpcId: String? = nil, selfServicePortal: Bool? = nil, sessionTimeoutHours: Int? = nil,
                vpnPort: Int? = nil, description: String? = nil, connectionLog: ClientVpnConnectionLog? = nil) {
        self.clientVpnEndpointId = clientVpnEndpointId
        self.serverCertificateArn = serverCertificateArn
        self.dnsServers = dnsServers
        self.splitTunnel = splitTunnel
        self.securityGroupIds = securityGroupIds
        self.vpcId = vpcId
        self.selfServicePortal = selfServicePortal
        self.sessionTimeoutHours = sessionTimeoutHours
        self.vpnPort = vpnPort
        self.description = description
        self.connectionLog = connectionLog
    }
}

/// A Client VPN endpoint as DescribeClientVpnEndpoints returns it.
public struct ClientVpnEndpoint: Sendable, Equatable {
    public struct Authentication: Sendable, Equatable {
        /// certificate-authentication, directory-service-authentication or federated-authentication.
        public var type: String
        public var samlProviderArn: String?
        public var selfServiceSamlProviderArn: String?
    }

    public var clientVpnEndpointId: String
    public var description: String?
    public var statusCode: ClientVpnEndpointStatus
    public var clientCidrBlock: String
    public var transportProtocol: String?
    public var vpnPort: Int?
    public var splitTunnel: Bool
    public var dnsServers: [String]
    public var sessionTimeoutHours: Int?
    public var selfServicePortalUrl: String?
    public var securityGroupIds: [String]
    public var vpcId: String?
    public var authenticationOptions: [Authentication]
    public var serverCertificateArn: String
    public var connectionLogEnabled: Bool
    public var tags: [AWSTag]
    public var dnsName: String?
}

public struct ClientVpnTargetNetworkAssociation: Sendable, Equatable {
    public var associationId: String
    public var statusCode: ClientVpnAssociationStatus?
}

public struct ClientVpnTargetNetwork: Sendable, Equatable {
    public var associationId: String
    /// The subnet id.
    public var targetNetworkId: String
    public var vpcId: String?
    public var statusCode: ClientVpnAssociationStatus?
}

public struct AuthorizeClientVpnIngressRequest: Sendable, Equatable {
    public var clientVpnEndpointId: String
    public var targetNetworkCidr: String
    /// The group (SAML `memberOf` value) the rule is for; `nil`: every user (`AuthorizeAllGroups=true`).
    public var accessGroupId: String?
    public var description: String?
    /// The idempotency token (`nil`: a new UUID, kept across retries of this call).
    public var clientToken: String?

    public init(clientVpnEndpointId: String, targetNetworkCidr: String, accessGroupId: String?, description: String? = nil, clientToken: String? = nil) {
        self.clientVpnEndpointId = clientVpnEndpointId
        self.targetNetworkCidr = targetNetworkCidr
        self.accessGroupId = accessGroupId
        self.description = description
        self.clientToken = clientToken
    }
}

public struct ClientVpnAuthorizationRule: Sendable, Equatable {
    public var destinationCidr: String
    /// `nil` (or empty) when the rule is for every user.
    public var groupId: String?
    public var accessAll: Bool
    public var description: String?
    public var statusCode: ClientVpnAuthorizationRuleStatus?
}

extension AWSClient {
    // MARK: VPC, subnets, security groups

    public func describeVpcs(ids: [String], region: String) async throws(AWSError) -> [EC2VPC] {
        try await ec2Pages(.describeVpcs, region: region, list: "vpcSet") { parameters in
            parameters.list("VpcId", ids)
        }.map(Self.vpc)
    }

    public func describeSubnets(ids: [String] = [], filters: [EC2Filter] = [], region: String) async throws(AWSError) -> [EC2Subnet] {
        try await ec2Pages(.describeSubnets, region: region, list: "subnetSet") { parameters in
            parameters.list("SubnetId", ids)
            parameters.filters(filters)
        }.map { item in
            EC2Subnet(subnetId: item.string("subnetId") ?? "", vpcId: item.string("vpcId") ?? "", cidrBlock: item.string("cidrBlock") ?? "",
                      availabilityZone: item.string("availabilityZone") ?? "", availableIpAddressCount: item.int("availableIpAddressCount") ?? 0)
        }
    }

    /// DescribeSecurityGroups by id and/or filter (`group-name`, `vpc-id`).
    public func describeSecurityGroups(ids: [String] = [], filters: [EC2Filter] = [], region: String) async throws(AWSError) -> [EC2SecurityGroup] {
        try await ec2Pages(.describeSecurityGroups, region: region, list: "securityGroupInfo") { parameters in
            parameters.list("GroupId", ids)
            parameters.filters(filters)
        }.map { item in
            EC2SecurityGroup(groupId: item.string("groupId") ?? "", groupName: item.string("groupName") ?? "", vpcId: item.string("vpcId"),
                             description: item.string("groupDescription"), tags: Self.tags(item))
        }
    }

    /// CreateSecurityGroup; returns the new group's id.
    public func createSecurityGroup(_ request: CreateSecurityGroupRequest, region: String) async throws(AWSError) -> String {
        var parameters = QueryParameters(.ec2)
        parameters.set("GroupName", request.groupName)
        parameters.set("GroupDescription", request.description)
        parameters.set("VpcId", request.vpcId)
        parameters.tagSpecification("security-group", request.tags)
        let response = try await ec2(.createSecurityGroup, region: region, parameters: parameters)
        return try Self.required(response.string("groupId"), "groupId", .createSecurityGroup)
    }

    // MARK: Client VPN endpoint

    public func createClientVpnEndpoint(_ request: CreateClientVpnEndpointRequest, region: String) async throws(AWSError) -> CreateClientVpnEndpointResult {
        var parameters = QueryParameters(.ec2)
        parameters.set("ClientCidrBlock", request.clientCidrBlock)
        parameters.set("ServerCertificateArn", request.serverCertificateArn)
        parameters.set("Authentication.1.Type", "federated-authentication")
        parameters.set("Authentication.1.FederatedAuthentication.SAMLProviderArn", request.samlProviderArn)
        parameters.set("Authentication.1.FederatedAuthentication.SelfServiceSAMLProviderArn", request.selfServiceSamlProviderArn)
        parameters.connectionLog(request.connectionLog)
        parameters.list("DnsServers", request.dnsServers)
        parameters.set("TransportProtocol", request.transportProtocol)
        parameters.set("VpnPort", request.vpnPort)
        parameters.set("Description", request.description)
        parameters.set("SplitTunnel", request.splitTunnel)
        parameters.set("ClientToken", request.clientToken ?? UUID().uuidString)
        parameters.tagSpecification("client-vpn-endpoint", request.tags)
        parameters.list("SecurityGroupId", request.securityGroupIds)
        parameters.set("VpcId", request.vpcId)
        parameters.set("SelfServicePortal", request.selfServicePortal ? "enabled" : "disabled")
        parameters.set("SessionTimeoutHours", request.sessionTimeoutHours)
        let response = try await ec2(.createClientVpnEndpoint, region: region, parameters: parameters)
        return CreateClientVpnEndpointResult(
            clientVpnEndpointId: try Self.required(response.string("clientVpnEndpointId"), "clientVpnEndpointId", .createClientVpnEndpoint),
            statusCode: response.string("status", "code").map(ClientVpnEndpointStatus.init(parsing:)), dnsName: response.string("dnsName"))
    }

    public func describeClientVpnEndpoints(ids: [String] = [], filters: [EC2Filter] = [], region: String) async throws(AWSError) -> [ClientVpnEndpoint] {
        try await ec2Pages(.describeClientVpnEndpoints, region: region, list: "clientVpnEndpoint") { parameters in
            parameters.list("ClientVpnEndpointId", ids)
            parameters.filters(filters)
        }.map(Self.endpoint)
    }

    public func modifyClientVpnEndpoint(_ request: ModifyClientVpnEndpointRequest, region: String) async throws(AWSError) {
        var parameters = QueryParameters(.ec2)
        parameters.set("ClientVpnEndpointId", request.clientVpnEndpointId)
        parameters.set("ServerCertificateArn", request.serverCertificateArn)
        if let log = request.connectionLog { parameters.connectionLog(log) }
        if let servers = request.dnsServers {
            parameters.list("DnsServers.CustomDnsServers", servers)
            parameters.set("DnsServers.Enabled", !servers.isEmpty)
        }
        parameters.set("VpnPort", request.vpnPort)
        parameters.set("Description", request.description)
        parameters.set("SplitTunnel", request.splitTunnel)
        if let groups = request.securityGroupIds { parameters.list("SecurityGroupId", groups) }
        parameters.set("VpcId", request.vpcId)
        parameters.set("SelfServicePortal", request.selfServicePortal.map { $0 ? "enabled" : "disabled" })
        parameters.set("SessionTimeoutHours", request.sessionTimeoutHours)
        let response = try await ec2(.modifyClientVpnEndpoint, region: region, parameters: parameters)
        if response.bool("return") == false {
            throw .invalidResponse("ModifyClientVpnEndpoint returned false", operation: AWSOperation.modifyClientVpnEndpoint.rawValue)
        }
    }

    // MARK: Target networks, authorization rules, client configuration

    public func associateClientVpnTargetNetwork(endpointId: String, subnetId: String, clientToken: String? = nil,
                                                region: String) async throws(AWSError) -> ClientVpnTargetNetworkAssociation {
        var parameters = QueryParameters(.ec2)
        parameters.set("ClientVpnEndpointId", endpointId)
        parameters.set("SubnetId", subnetId)
        parameters.set("ClientToken", clientToken ?? UUID().uuidString)
        let response = try await ec2(.associateClientVpnTargetNetwork, region: region, parameters: parameters)
        return ClientVpnTargetNetworkAssociation(
            associationId: try Self.required(response.string("associationId"), "associationId", .associateClientVpnTargetNetwork),
            statusCode: response.string("status", "code").map(ClientVpnAssociationStatus.init(parsing:)))
    }

    public func describeClientVpnTargetNetworks(endpointId: String, region: String) async throws(AWSError) -> [ClientVpnTargetNetwork] {
        try await ec2Pages(.describeClientVpnTargetNetworks, region: region, list: "clientVpnTargetNetworks") { parameters in
            parameters.set("ClientVpnEndpointId", endpointId)
        }.map { item in
            ClientVpnTargetNetwork(associationId: item.string("associationId") ?? "", targetNetworkId: item.string("targetNetworkId") ?? "",
                                   vpcId: item.string("vpcId"), statusCode: item.string("status", "code").map(ClientVpnAssociationStatus.init(parsing:)))
        }
    }

    /// AuthorizeClientVpnIngress; returns the rule's status code (`authorizing`, `active`).
    @discardableResult
    public func authorizeClientVpnIngress(_ request: AuthorizeClientVpnIngressRequest, region: String) async throws(AWSError) -> ClientVpnAuthorizationRuleStatus? {
        var parameters = QueryParameters(.ec2)
        parameters.set("ClientVpnEndpointId", request.clientVpnEndpointId)
        parameters.set("TargetNetworkCidr", request.targetNetworkCidr)
        if let group = request.accessGroupId {
            parameters.set("AccessGroupId", group)
        } else {
            parameters.set("AuthorizeAllGroups", true)
        }
        parameters.set("Description", request.description)
        parameters.set("ClientToken", request.clientToken ?? UUID().uuidString)
        return try await ec2(.authorizeClientVpnIngress, region: region, parameters: parameters).string("status", "code").map(ClientVpnAuthorizationRuleStatus.init(parsing:))
    }

    public func describeClientVpnAuthorizationRules(endpointId: String, region: String) async throws(AWSError) -> [ClientVpnAuthorizationRule] {
        try await ec2Pages(.describeClientVpnAuthorizationRules, region: region, list: "authorizationRule") { parameters in
            parameters.set("ClientVpnEndpointId", endpointId)
        }.map { item in
            ClientVpnAuthorizationRule(destinationCidr: item.string("destinationCidr") ?? "", groupId: item.string("groupId").flatMap { $0.isEmpty ? nil : $0 },
                                       accessAll: item.bool("accessAll") ?? false, description: item.string("description"),
                                       statusCode: item.string("status", "code").map(ClientVpnAuthorizationRuleStatus.init(parsing:)))
        }
    }

    /// The endpoint's OpenVPN client configuration (`.ovpn` text).
    public func exportClientVpnClientConfiguration(endpointId: String, region: String) async throws(AWSError) -> String {
        var parameters = QueryParameters(.ec2)
        parameters.set("ClientVpnEndpointId", endpointId)
        let response = try await ec2(.exportClientVpnClientConfiguration, region: region, parameters: parameters)
        return try Self.required(response.string("clientConfiguration"), "clientConfiguration", .exportClientVpnClientConfiguration)
    }

    // MARK: Plumbing

    /// One EC2 call; the response's document element (`<XxxResponse>`, no result wrapper).
    func ec2(_ operation: AWSOperation, region: String, parameters: QueryParameters) async throws(AWSError) -> XMLNode {
        let xml = try await query(operation, service: .ec2, region: region, parameters: parameters)
        guard let document = xml.document else { throw .invalidResponse("the body is not XML", operation: operation.rawValue) }
        return document
    }

    /// A Describe call followed through `nextToken`: the items of `list` from every page.
    func ec2Pages(_ operation: AWSOperation, region: String, list: String,
                  _ build: (inout QueryParameters) -> Void) async throws(AWSError) -> [XMLNode] {
        var items: [XMLNode] = []
        var token: String?
        repeat {
            var parameters = QueryParameters(.ec2)
            build(&parameters)
            parameters.set("NextToken", token)
            let response = try await ec2(operation, region: region, parameters: parameters)
            items += response.list(list)
            token = response.string("nextToken").flatMap { $0.isEmpty ? nil : $0 }
        } while token != nil
        return items
    }

    static func required(_ value: String?, _ name: String, _ operation: AWSOperation) throws(AWSError) -> String {
        guard let value, !value.isEmpty else {
            throw .invalidResponse("\(AWSClient.operationName(operation)) returned no \(name)", operation: operation.rawValue)
        }
        return value
    }

    static func tags(_ item: XMLNode) -> [AWSTag] {
        item.list("tagSet").map { AWSTag($0.string("key") ?? "", $0.string("value") ?? "") }
    }

    static func vpc(_ item: XMLNode) -> EC2VPC {
        EC2VPC(vpcId: item.string("vpcId") ?? "", cidrBlock: item.string("cidrBlock") ?? "",
               cidrBlockAssociations: item.list("cidrBlockAssociationSet").map { association in
                   .init(associationId: association.string("associationId") ?? "", cidrBlock: association.string("cidrBlock") ?? "",
                         state: association.string("cidrBlockState", "state").map(EC2CIDRBlockState.init(parsing:)))
               },
               state: item.string("state").map(EC2VPCState.init(parsing:)))
    }

    static func endpoint(_ item: XMLNode) -> ClientVpnEndpoint {
        ClientVpnEndpoint(
            clientVpnEndpointId: item.string("clientVpnEndpointId") ?? "", description: item.string("description"),
            statusCode: ClientVpnEndpointStatus(parsing: item.string("status", "code") ?? "unknown"), clientCidrBlock: item.string("clientCidrBlock") ?? "",
            transportProtocol: item.string("transportProtocol"), vpnPort: item.int("vpnPort"), splitTunnel: item.bool("splitTunnel") ?? false,
            dnsServers: item.strings("dnsServer"), sessionTimeoutHours: item.int("sessionTimeoutHours"),
            selfServicePortalUrl: item.string("selfServicePortalUrl").flatMap { $0.isEmpty ? nil : $0 },
            securityGroupIds: item.strings("securityGroupIdSet"), vpcId: item.string("vpcId"),
            authenticationOptions: item.list("authenticationOptions").map { option in
                .init(type: option.string("type") ?? "", samlProviderArn: option.string("federatedAuthentication", "samlProviderArn"),
                      selfServiceSamlProviderArn: option.string("federatedAuthentication", "selfServiceSamlProviderArn"))
            },
            serverCertificateArn: item.string("serverCertificateArn") ?? "",
            connectionLogEnabled: item.bool("connectionLogOptions", "Enabled") ?? false, tags: tags(item), dnsName: item.string("dnsName"))
    }
}

extension QueryParameters {
    /// `Filter.N.Name`, `Filter.N.Value.M`.
    mutating func filters(_ filters: [EC2Filter]) {
        list("Filter", filters) { parameters, prefix, filter in
            parameters.set("\(prefix).Name", filter.name)
            parameters.list("\(prefix).Value", filter.values)
        }
    }

    /// `TagSpecification.1.ResourceType` and `TagSpecification.1.Tag.N.Key/Value`, when there are tags.
    mutating func tagSpecification(_ resourceType: String, _ tags: [AWSTag]) {
        guard !tags.isEmpty else { return }
        set("TagSpecification.1.ResourceType", resourceType)
        self.tags("TagSpecification.1.Tag", tags)
    }

    /// `ConnectionLogOptions.Enabled` (+ the CloudWatch Logs group and stream when enabled).
    mutating func connectionLog(_ log: ClientVpnConnectionLog) {
        set("ConnectionLogOptions.Enabled", log.enabled)
        guard log.enabled else { return }
        set("ConnectionLogOptions.CloudwatchLogGroup", log.cloudwatchLogGroup)
        set("ConnectionLogOptions.CloudwatchLogStream", log.cloudwatchLogStream)
    }
}
