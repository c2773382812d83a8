/// AWS Client VPN with Okta SAML: the rules the config and the world must meet before anything is
/// created, and the steps from the world as read to the one the config describes. Pure.

/// What `vpn plan` read from AWS and Okta.
public struct VPNFacts: Sendable, Equatable {
    public struct Subnet: Sendable, Equatable {
        public var id: String
        public var vpcId: String
        public var cidr: String
        public var availabilityZone: String
        public var freeAddresses: Int
        public init(id: String, vpcId: String, cidr: String, availabilityZone: String, freeAddresses: Int) {
            self.id = id
            self.vpcId = vpcId
            self.cidr = cidr
            self.availabilityZone = availabilityZone
            self.freeAddresses = freeAddresses
        }
    }

    public struct Certificate: Sendable, Equatable {
        public var arn: String
        public var status: CertificateStatus
        public var keyAlgorithm: CertificateKeyAlgorithm
        public init(arn: String, status: CertificateStatus, keyAlgorithm: CertificateKeyAlgorithm) {
            self.arn = arn
            self.status = status
            self.keyAlgorithm = keyAlgorithm
        }
    }

    public struct OktaApp: Sendable, Equatable {
        public var id: String
        /// `settings.app.port` as read.
        public var port: String?
        /// A group attribute statement named `memberOf` is configured.
        public var sendsMemberOf: Bool
        /// Seconds since 1970 when the signing certificate expires.
        public var signingCertificateExpires: Double?
        public var metadata: String
        public init(id: String, port: String?, sendsMemberOf: Bool, signingCertificateExpires: Double?, metadata: String) {
            self.id = id
            self.port = port
            self.sendsMemberOf = sendsMemberOf
            self.signingCertificateExpires = signingCertificateExpires
            self.metadata = metadata
        }
    }

    public struct Endpoint: Sendable, Equatable {
        public var id: String
        public var clientCidr: String
        public var transport: String
        public var port: Int
        public var samlProviderArn: String?
        public var serverCertificateArn: String
        public var splitTunnel: Bool
        public var dnsServers: [String]
        public var sessionTimeoutHours: Int?
        public var selfServicePortal: Bool
        public var securityGroupIds: [String]
        public var vpcId: String?
        public init(id: String, clientCidr: String, transport: String, port: Int, samlProviderArn: String?, serverCertificateArn: String,
                    splitTunnel: Bool, dnsServers: [String], sessionTimeoutHours: Int?, selfServicePortal: Bool, securityGroupIds: [String], vpcId: String?) {
            self.id = id
            self.clientCidr = clientCidr
            self.transport = transport
            self.port = port
            self.samlProviderArn = samlProviderArn
            self.serverCertificateArn = serverCertificateArn
            self.splitTunnel = splitTunnel
            self.dnsServers = dnsServers
            self.sessionTimeoutHours = sessionTimeoutHours
            self.selfServicePortal = selfServicePortal
            self.securityGroupIds = securityGroupIds
            self.vpcId = vpcId
        }
    }

    public var region: String
    public var vpcCidrs: [String]
    public var subnets: [Subnet]
    public var certificate: Certificate?
    public var okta: OktaApp
    /// The IAM SAML provider named in the config: its ARN and whether its metadata is the app's.
    public var samlProvider: (arn: String, current: Bool)?
    /// The security group idcsync creates when the config names none.
    public var managedSecurityGroupId: String?
    public var endpoint: Endpoint?
    /// Subnets associated with the endpoint.
    public var associatedSubnets: [String]
    /// Authorization rules on the endpoint: destination and group (`nil`: all users).
    public var rules: [VPNConfig.AuthorizationRule]
    public var now: Double

    public init(region: String, vpcCidrs: [String], subnets: [Subnet], certificate: Certificate?, okta: OktaApp,
                samlProvider: (arn: String, current: Bool)?, managedSecurityGroupId: String?, endpoint: Endpoint?,
                associatedSubnets: [String], rules: [VPNConfig.AuthorizationRule], now: Double) {
        self.region = region
        self.vpcCidrs = vpcCidrs
        self.subnets = subnets
        self.certificate = certificate
        self.okta = okta
        self.samlProvider = samlProvider
        self.managedSecurityGroupId = managedSecurityGroupId
        self.endpoint = endpoint
        self.associatedSubnets = associatedSubnets
        self.rules = rules
        self.now = now
    }

    public static func == (lhs: VPNFacts, rhs: VPNFacts) -> Bool {
        lhs.region == rhs.region && lhs.vpcCidrs == rhs.vpcCidrs && lhs.subnets == rhs.subnets && lhs.certificate == rhs.certificate
            && lhs.okta == rhs.okta && lhs.samlProvider?.arn == rhs.samlProvider?.arn && lhs.samlProvider?.current == rhs.samlProvider?.current
            && lhs.managedSecurityGroupId == rhs.managedSecurityGroupId && lhs.endpoint == rhs.endpoint
            && lhs.associatedSubnets == rhs.associatedSubnets && lhs.rules == rhs.rules
    }
}

public enum VPNRules {
    public static let allowedSessionHours = [8, 10, 12, 24]
    public static let oktaPort = "35001"

    // The JSON type of the aws_clientvpn app's `settings.app.port` is not published (domain-facts
    // section 6, [U]); the only public configuration writes a number (`{"port": 35001}`). So the
    // port is read whether the app holds a number or a numeric string, and written in the type the
    // app already holds, as a number when it holds none.

    /// The app's port as text ("35001"), from a JSON number or a non-empty string; nil otherwise.
    public static func oktaPort(from value: JSONValue?) -> String? {
        switch value {
        case .number(let text)?:
            if let whole = Double(text), whole == whole.rounded(), abs(whole) < 1e9 { return String(Int(whole)) }
            return text
        case .string(let text)? where !text.isEmpty:
            return text
        default:
            return nil
        }
    }

    /// The value to write: idcsync's port in the JSON type `current` has (a number when it has none).
    public static func oktaPortValue(replacing current: JSONValue?) -> JSONValue {
        if case .string? = current { return .string(oktaPort) }
        return .number(oktaPort)
    }
    /// Networks people often sit on at home or in offices: a client CIDR overlapping one of them
    /// makes the VPN route over the user's own LAN.
    public static let commonNetworks: [(cidr: String, where: String)] = [
        ("192.168.0.0/16", "home routers"),
        ("10.0.0.0/24", "many home routers and ISP boxes"),
        ("10.0.1.0/24", "many home routers"),
        ("172.17.0.0/16", "Docker's default bridge"),
    ]

    /// Rules that need nothing but the config: each failure names the field and the rule.
    public static func checkConfig(_ vpn: VPNConfig) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        func error(_ field: String, _ message: String) { problems.append(Diagnostic(.error, code: "vpn.config", message, field: field)) }
        if vpn.region == nil { error("vpn.region", "missing: the Region of the VPC and the endpoint") }
        if let vpc = vpn.vpcId {
            if !vpc.hasPrefix("vpc-") { error("vpn.vpcId", "\"\(vpc)\" is not a VPC id (vpc-…)") }
        } else {
            error("vpn.vpcId", "missing: the VPC the endpoint serves")
        }
        if vpn.subnetIds.isEmpty { error("vpn.subnetIds", "missing: at least one subnet (one per Availability Zone)") }
        for (index, subnet) in vpn.subnetIds.enumerated() where !subnet.hasPrefix("subnet-") {
            error("vpn.subnetIds[\(index)]", "\"\(subnet)\" is not a subnet id (subnet-…)")
        }
        if Set(vpn.subnetIds).count != vpn.subnetIds.count { error("vpn.subnetIds", "a subnet is listed twice") }
        if let text = vpn.clientCidr {
            switch IPv4CIDR.parse(text) {
            case .failure(let problem): error("vpn.clientCidr", problem.message)
            case .success(let cidr) where !(12...22).contains(cidr.prefix):
                error("vpn.clientCidr", "\(text) is a /\(cidr.prefix); the client CIDR must be between /22 and /12 (and it cannot be changed after the endpoint exists)")
            case .success: break
            }
        } else {
            error("vpn.clientCidr", "missing: the IPv4 range for clients, /22 to /12, e.g. 10.100.0.0/22")
        }
        if let hours = vpn.sessionTimeoutHours, !allowedSessionHours.contains(hours) {
            error("vpn.sessionTimeoutHours", "\(hours) is not allowed; AWS accepts 8, 10, 12 or 24")
        }
        if let transport = vpn.transport, !["udp", "tcp"].contains(transport) { error("vpn.transport", "\"\(transport)\" must be udp or tcp") }
        if let port = vpn.port, ![443, 1194].contains(port) { error("vpn.port", "\(port) is not allowed; AWS accepts 443 or 1194") }
        if vpn.serverCertificateArn == nil && vpn.serverCertificateDomain == nil {
            error("vpn.serverCertificateArn", "missing: the ACM server certificate (serverCertificateArn, or serverCertificateDomain to find it)")
        }
        if let name = vpn.samlProviderName {
            if name.isEmpty || name.count > 128 || !name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) {
                error("vpn.samlProviderName", "\"\(name)\" is not an IAM SAML provider name (1-128 of letters, digits, . _ -)")
            }
        } else {
            error("vpn.samlProviderName", "missing: the IAM SAML provider to create from the Okta app's metadata, e.g. okta-clientvpn")
        }
        if vpn.connectionLogging == true {
            error("vpn.connectionLogging", "true needs a CloudWatch Logs group for the connection log, which idcsync does not take yet; set false, or enable logging on the endpoint in the console")
        }
        if vpn.dnsServers.count > 2 { error("vpn.dnsServers", "at most 2 DNS servers") }
        for (index, server) in vpn.dnsServers.enumerated() where (try? IPv4CIDR.parse(server + "/32").get()) == nil {
            error("vpn.dnsServers[\(index)]", "\"\(server)\" is not an IPv4 address")
        }
        if vpn.authorizationRules.isEmpty { error("vpn.authorizationRules", "missing: without a rule nobody can reach anything") }
        for (index, rule) in vpn.authorizationRules.enumerated() {
            if case .failure(let problem) = IPv4CIDR.parse(rule.cidr) { error("vpn.authorizationRules[\(index)].cidr", problem.message) }
            if let group = rule.group, group.isEmpty || group.count > 255 {
                error("vpn.authorizationRules[\(index)].group", "a group name is 1 to 255 characters")
            }
        }
        return problems
    }

    /// Rules on the world as read (VPC, subnets, certificate, Okta app). Errors stop the plan; warnings do not.
    public static func checkWorld(_ vpn: VPNConfig, facts: VPNFacts) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        func error(_ field: String, _ message: String) { problems.append(Diagnostic(.error, code: "vpn.rule", message, field: field)) }
        if let text = vpn.clientCidr, case .success(let client) = IPv4CIDR.parse(text) {
            for vpcText in facts.vpcCidrs {
                if case .success(let vpc) = IPv4CIDR.parse(vpcText), vpc.overlaps(client) {
                    error("vpn.clientCidr", "\(text) overlaps the VPC's CIDR \(vpcText); pick a range outside the VPC")
                }
            }
            for network in commonNetworks where (try? IPv4CIDR.parse(network.cidr).get())?.overlaps(client) == true {
                problems.append(Diagnostic(.warning, code: "vpn.client-cidr-common", "\(text) overlaps \(network.cidr) (\(network.where)): users on such a network lose access to their own LAN or to the VPC", field: "vpn.clientCidr"))
            }
        }
        var zones: [String: String] = [:]
        for (index, id) in vpn.subnetIds.enumerated() {
            let field = "vpn.subnetIds[\(index)]"
            guard let subnet = facts.subnets.first(where: { $0.id == id }) else {
                error(field, "\(id) does not exist in \(facts.region)")
                continue
            }
            if subnet.vpcId != vpn.vpcId { error(field, "\(id) is in \(subnet.vpcId), not in \(vpn.vpcId ?? "the VPC")") }
            if case .success(let cidr) = IPv4CIDR.parse(subnet.cidr), cidr.prefix > 27 {
                error(field, "\(id) is a /\(cidr.prefix); target subnets must be /27 or larger")
            }
            if subnet.freeAddresses < 20 { error(field, "\(id) has \(subnet.freeAddresses) free addresses; a target subnet needs at least 20") }
            if let other = zones[subnet.availabilityZone] {
                error(field, "\(id) and \(other) are both in \(subnet.availabilityZone); give one subnet per Availability Zone")
            }
            zones[subnet.availabilityZone] = id
        }
        let certificateField = vpn.serverCertificateArn != nil ? "vpn.serverCertificateArn" : "vpn.serverCertificateDomain"
        if let certificate = facts.certificate {
            if certificate.status != .issued { error(certificateField, "the certificate \(certificate.arn) is \(certificate.status), not ISSUED") }
            if !certificate.keyAlgorithm.isAcceptedByClientVPN {
                error(certificateField, "the certificate \(certificate.arn) uses \(certificate.keyAlgorithm); Client VPN needs RSA 2048 (or 1024)")
            }
            if !certificate.arn.contains(":acm:\(facts.region):") { error(certificateField, "the certificate \(certificate.arn) is not in \(facts.region), the VPN's Region") }
        } else {
            error(certificateField, "no ACM certificate \(vpn.serverCertificateArn ?? vpn.serverCertificateDomain ?? "") in \(facts.region)")
        }
        if let expires = facts.okta.signingCertificateExpires, expires <= facts.now {
            error("vpn.oktaAppId", "the signing certificate of Okta app \(facts.okta.id) has expired; rotate it in Okta, then run vpn apply to update the SAML provider")
        }
        if !facts.okta.sendsMemberOf {
            for (index, rule) in vpn.authorizationRules.enumerated() where rule.group != nil {
                error("vpn.authorizationRules[\(index)].group", "the Okta app \(facts.okta.id) sends no memberOf attribute, so group rules never match; add a group attribute statement named memberOf in its SAML settings, or drop the group")
            }
        }
        return problems
    }
}

public struct VPNPlan: Sendable, Equatable {
    public enum Step: Sendable, Equatable {
        case createSAMLProvider(name: String)
        case updateSAMLProvider(arn: String)
        case setOktaPort(appId: String, from: String?)
        case createSecurityGroup(vpcId: String)
        case createEndpoint
        case modifyEndpoint(id: String, fields: [String])
        /// Differences AWS cannot change on an existing endpoint: reported, never acted on.
        case requiresNewEndpoint(id: String, fields: [String])
        case associate(subnetId: String)
        case authorize(VPNConfig.AuthorizationRule)
        case exportConfiguration
    }

    /// One setting of an endpoint to be created, shown before anything is created.
    public struct Setting: Sendable, Equatable {
        public var name: String
        public var value: String
        /// AWS cannot change it on an existing endpoint: choosing it is final.
        public var permanent: Bool
    }

    public var steps: [Step]
    /// Every setting of the endpoint `createEndpoint` would make (empty when none is created).
    public var newEndpoint: [Setting] = []
    /// Steps apply would take (everything but `requiresNewEndpoint`, and the export that always runs).
    public var hasChanges: Bool { steps.contains { if case .requiresNewEndpoint = $0 { return false }; if case .exportConfiguration = $0 { return false }; return true } }
    public var requiresNewEndpoint: Bool { steps.contains { if case .requiresNewEndpoint = $0 { return true }; return false } }
}

public enum VPNPlanner {
    public static let defaultTransport = "udp"
    public static let defaultPort = 443
    public static let defaultSessionHours = 24

    public static func plan(_ vpn: VPNConfig, facts: VPNFacts) -> VPNPlan {
        var steps: [VPNPlan.Step] = []
        switch facts.samlProvider {
        case nil: steps.append(.createSAMLProvider(name: vpn.samlProviderName ?? ""))
        case let provider? where !provider.current: steps.append(.updateSAMLProvider(arn: provider.arn))
        default: break
        }
        if facts.okta.port != VPNRules.oktaPort { steps.append(.setOktaPort(appId: facts.okta.id, from: facts.okta.port)) }
        if vpn.securityGroupIds.isEmpty && facts.managedSecurityGroupId == nil, let vpc = vpn.vpcId { steps.append(.createSecurityGroup(vpcId: vpc)) }
        if let endpoint = facts.endpoint {
            var fixed: [String] = []
            if endpoint.clientCidr != vpn.clientCidr { fixed.append("clientCidr (\(endpoint.clientCidr) → \(vpn.clientCidr ?? ""))") }
            if endpoint.transport != (vpn.transport ?? defaultTransport) { fixed.append("transport (\(endpoint.transport) → \(vpn.transport ?? defaultTransport))") }
            if let arn = facts.samlProvider?.arn, endpoint.samlProviderArn != arn { fixed.append("authentication (SAML provider \(endpoint.samlProviderArn ?? "none") → \(arn))") }
            if !fixed.isEmpty { steps.append(.requiresNewEndpoint(id: endpoint.id, fields: fixed)) }
            var modify: [String] = []
            if let arn = facts.certificate?.arn, endpoint.serverCertificateArn != arn { modify.append("serverCertificateArn") }
            if endpoint.splitTunnel != (vpn.splitTunnel ?? false) { modify.append("splitTunnel") }
            if endpoint.dnsServers != vpn.dnsServers { modify.append("dnsServers") }
            if endpoint.sessionTimeoutHours != (vpn.sessionTimeoutHours ?? defaultSessionHours) { modify.append("sessionTimeoutHours") }
            if endpoint.selfServicePortal != (vpn.selfServicePortal ?? false) { modify.append("selfServicePortal") }
            if endpoint.port != (vpn.port ?? defaultPort) { modify.append("port") }
            let groups = vpn.securityGroupIds.isEmpty ? facts.managedSecurityGroupId.map { [$0] } : vpn.securityGroupIds
            if let groups, Set(endpoint.securityGroupIds) != Set(groups) { modify.append("securityGroupIds") }
            if !modify.isEmpty { steps.append(.modifyEndpoint(id: endpoint.id, fields: modify)) }
        } else {
            steps.append(.createEndpoint)
        }
        var newEndpoint: [VPNPlan.Setting] = []
        if steps.contains(.createEndpoint) {
            func setting(_ name: String, _ value: String, permanent: Bool = false) { newEndpoint.append(.init(name: name, value: value, permanent: permanent)) }
            setting("clientCidr", vpn.clientCidr ?? "", permanent: true)
            setting("transport", "\(vpn.transport ?? defaultTransport) port \(vpn.port ?? defaultPort)", permanent: true)
            setting("authentication", "federated (SAML), IAM SAML provider \(vpn.samlProviderName ?? "")", permanent: true)
            setting("vpcId", vpn.vpcId ?? "")
            setting("subnetIds", vpn.subnetIds.joined(separator: ", "))
            setting("splitTunnel", String(vpn.splitTunnel ?? false))
            setting("sessionTimeoutHours", String(vpn.sessionTimeoutHours ?? defaultSessionHours))
            setting("dnsServers", vpn.dnsServers.isEmpty ? "(none set)" : vpn.dnsServers.joined(separator: ", "))
            setting("selfServicePortal", (vpn.selfServicePortal ?? false) ? "enabled" : "disabled")
        }
        for subnet in vpn.subnetIds where !facts.associatedSubnets.contains(subnet) { steps.append(.associate(subnetId: subnet)) }
        for rule in vpn.authorizationRules where !facts.rules.contains(rule) { steps.append(.authorize(rule)) }
        steps.append(.exportConfiguration)
        return VPNPlan(steps: steps, newEndpoint: newEndpoint)
    }
}
