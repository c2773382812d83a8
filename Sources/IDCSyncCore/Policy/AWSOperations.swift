/// Every AWS API operation idcsync calls, with the IAM permission it needs. The runner policy is derived
/// from this table, and the AWS client names its calls with these cases, so the two cannot drift apart.
///
/// Resource types and condition keys: AWS Service Authorization Reference (sso, identitystore, kms,
/// organizations, sts, iam, ec2, acm pages) and KMS API reference "ReplicateKey: Required permissions".
public enum AWSOperation: String, Sendable, CaseIterable {
    case getCallerIdentity = "sts:GetCallerIdentity"
    case listInstances = "sso-admin:ListInstances"
    case describeInstance = "sso-admin:DescribeInstance"
    case listRegions = "sso-admin:ListRegions"
    case describeRegion = "sso-admin:DescribeRegion"
    case addRegion = "sso-admin:AddRegion"
    case removeRegion = "sso-admin:RemoveRegion"
    case describeKey = "kms:DescribeKey"
    case getKeyPolicy = "kms:GetKeyPolicy"
    case putKeyPolicy = "kms:PutKeyPolicy"
    case replicateKey = "kms:ReplicateKey"
    case listAliases = "kms:ListAliases"
    case describeOrganization = "organizations:DescribeOrganization"
    case listDelegatedAdministrators = "organizations:ListDelegatedAdministrators"
    case getSAMLProvider = "iam:GetSAMLProvider"
    case listSAMLProviders = "iam:ListSAMLProviders"
    case createSAMLProvider = "iam:CreateSAMLProvider"
    case updateSAMLProvider = "iam:UpdateSAMLProvider"
    case describeCertificate = "acm:DescribeCertificate"
    case listCertificates = "acm:ListCertificates"
    case describeVpcs = "ec2:DescribeVpcs"
    case describeSubnets = "ec2:DescribeSubnets"
    case describeSecurityGroups = "ec2:DescribeSecurityGroups"
    case createSecurityGroup = "ec2:CreateSecurityGroup"
    case describeClientVpnEndpoints = "ec2:DescribeClientVpnEndpoints"
    case createClientVpnEndpoint = "ec2:CreateClientVpnEndpoint"
    case modifyClientVpnEndpoint = "ec2:ModifyClientVpnEndpoint"
    case describeClientVpnTargetNetworks = "ec2:DescribeClientVpnTargetNetworks"
    case associateClientVpnTargetNetwork = "ec2:AssociateClientVpnTargetNetwork"
    case describeClientVpnAuthorizationRules = "ec2:DescribeClientVpnAuthorizationRules"
    case authorizeClientVpnIngress = "ec2:AuthorizeClientVpnIngress"
    case exportClientVpnClientConfiguration = "ec2:ExportClientVpnClientConfiguration"

    /// The IAM permissions the call is authorized against.
    public var permissions: [IAMPermission] {
        switch self {
        case .getCallerIdentity: [.init("sts:GetCallerIdentity")]
        case .listInstances: [.init("sso:ListInstances")]
        case .describeInstance: [.init("sso:DescribeInstance", .instance)]
        case .listRegions: [.init("sso:ListRegions", .instance)]
        case .describeRegion: [.init("sso:DescribeRegion", .instance)]
        case .addRegion: [.init("sso:AddRegion", .instance)]
        case .removeRegion: [.init("sso:RemoveRegion", .instance)]
        case .describeKey: [.init("kms:DescribeKey", .key)]
        case .getKeyPolicy: [.init("kms:GetKeyPolicy", .key)]
        case .putKeyPolicy: [.init("kms:PutKeyPolicy", .key)]
        // ReplicateKey is authorized on the primary key and as kms:CreateKey (no resource) in the replica Region.
        case .replicateKey: [.init("kms:ReplicateKey", .key), .init("kms:CreateKey")]
        case .listAliases: [.init("kms:ListAliases")]
        case .describeOrganization: [.init("organizations:DescribeOrganization")]
        case .listDelegatedAdministrators:
            [.init("organizations:ListDelegatedAdministrators", .all,
                   condition: .init("StringEquals", [("organizations:ServicePrincipal", ["sso.amazonaws.com"])]))]
        case .getSAMLProvider: [.init("iam:GetSAMLProvider", .samlProvider)]
        case .listSAMLProviders: [.init("iam:ListSAMLProviders")]
        case .createSAMLProvider: [.init("iam:CreateSAMLProvider", .samlProvider), .init("iam:TagSAMLProvider", .samlProvider)]
        case .updateSAMLProvider: [.init("iam:UpdateSAMLProvider", .samlProvider)]
        case .describeCertificate: [.init("acm:DescribeCertificate", .certificate)]
        case .listCertificates: [.init("acm:ListCertificates")]
        case .describeVpcs: [.init("ec2:DescribeVpcs")]
        case .describeSubnets: [.init("ec2:DescribeSubnets")]
        case .describeSecurityGroups: [.init("ec2:DescribeSecurityGroups")]
        // Tags in a TagSpecification are authorized as ec2:CreateTags, allowed only while creating.
        case .createSecurityGroup: [.init("ec2:CreateSecurityGroup", .vpnNetwork), .tagOnCreate]
        case .describeClientVpnEndpoints: [.init("ec2:DescribeClientVpnEndpoints")]
        case .createClientVpnEndpoint: [.init("ec2:CreateClientVpnEndpoint", .vpnNetwork), .tagOnCreate]
        case .modifyClientVpnEndpoint: [.init("ec2:ModifyClientVpnEndpoint", .vpnNetwork)]
        case .describeClientVpnTargetNetworks: [.init("ec2:DescribeClientVpnTargetNetworks")]
        case .associateClientVpnTargetNetwork: [.init("ec2:AssociateClientVpnTargetNetwork", .vpnNetwork)]
        case .describeClientVpnAuthorizationRules: [.init("ec2:DescribeClientVpnAuthorizationRules")]
        case .authorizeClientVpnIngress: [.init("ec2:AuthorizeClientVpnIngress", .vpnNetwork)]
        case .exportClientVpnClientConfiguration: [.init("ec2:ExportClientVpnClientConfiguration", .vpnNetwork)]
        }
    }
}

/// One IAM action with the resources it can be scoped to and an optional condition.
public struct IAMPermission: Sendable, Equatable {
    /// `ec2:CreateTags` for the tags of a TagSpecification, only in the create calls idcsync makes
    /// (EC2 user guide, "Grant permission to tag Amazon EC2 resources during creation").
    static let tagOnCreate = IAMPermission("ec2:CreateTags", .vpnNetwork, condition: .init("StringEquals", [
        ("ec2:CreateAction", ["CreateClientVpnEndpoint", "CreateSecurityGroup"]),
    ]))

    public var action: String
    public var scope: ResourceScope
    public var condition: PolicyStatement.Condition?

    public init(_ action: String, _ scope: ResourceScope = .all, condition: PolicyStatement.Condition? = nil) {
        self.action = action
        self.scope = scope
        self.condition = condition
    }
}

/// What an action's `Resource` can be narrowed to. `.all` is for actions without resource-level permissions.
public enum ResourceScope: String, Sendable, CaseIterable, Comparable {
    case all, instance, key, samlProvider, certificate, vpnNetwork

    public static func < (lhs: ResourceScope, rhs: ResourceScope) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// Which commands a runner identity must be able to run.
public enum RunnerRole: String, Sendable, CaseIterable {
    /// `regions list`, `doctor`, `reconcile` without `--apply`, `okta plan` (Region discovery).
    case readOnly = "read-only"
    /// `reconcile --apply`: read-only plus rewriting key policies. Never adds or removes Regions.
    case reconcile
    /// `regions add|remove`: reconcile plus replica keys and AddRegion/RemoveRegion.
    case regions
    /// `vpn plan|apply`.
    case vpn
    /// Every command.
    case all

    public var operations: [AWSOperation] {
        let discovery: [AWSOperation] = [
            .getCallerIdentity, .listInstances, .describeInstance, .listRegions, .describeRegion,
            .describeKey, .getKeyPolicy, .listAliases, .describeOrganization, .listDelegatedAdministrators,
        ]
        switch self {
        case .readOnly: return discovery
        case .reconcile: return discovery + [.putKeyPolicy]
        case .regions: return discovery + [.putKeyPolicy, .replicateKey, .addRegion, .removeRegion]
        case .vpn:
            return [
                .getCallerIdentity, .getSAMLProvider, .listSAMLProviders, .createSAMLProvider, .updateSAMLProvider,
                .describeCertificate, .listCertificates, .describeVpcs, .describeSubnets, .describeSecurityGroups,
                .createSecurityGroup, .describeClientVpnEndpoints, .createClientVpnEndpoint, .modifyClientVpnEndpoint,
                .describeClientVpnTargetNetworks, .associateClientVpnTargetNetwork, .describeClientVpnAuthorizationRules,
                .authorizeClientVpnIngress, .exportClientVpnClientConfiguration,
            ]
        case .all: return (RunnerRole.regions.operations + RunnerRole.vpn.operations).uniqued()
        }
    }

    /// Whether the runner calls IAM Identity Center APIs, which use the customer managed key on its behalf.
    var administersIdentityCenter: Bool { self != .vpn }
}
