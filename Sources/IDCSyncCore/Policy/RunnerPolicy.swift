/// The least-privilege IAM policy for the identity that runs idcsync: exactly the actions of the
/// operations its commands call (`AWSOperation`), each scoped to the instance, key or VPN resources
/// where AWS supports resource-level permissions.
public struct RunnerPolicyInput: Sendable, Equatable {
    public var partition: Partition
    public var role: RunnerRole
    public var instanceArn: InstanceARN?
    public var key: KeyARN?
    public var managementAccount: AccountID?
    public var vpnRegion: Region?
    public var vpnAccount: AccountID?
    public var vpcId: String?
    public var samlProviderName: String?
    public var serverCertificateArn: String?

    public init(partition: Partition, role: RunnerRole, instanceArn: InstanceARN? = nil, key: KeyARN? = nil,
                managementAccount: AccountID? = nil, vpnRegion: Region? = nil, vpnAccount: AccountID? = nil,
                vpcId: String? = nil, samlProviderName: String? = nil, serverCertificateArn: String? = nil) {
        self.partition = partition
        self.role = role
        self.instanceArn = instanceArn
        self.key = key
        self.managementAccount = managementAccount
        self.vpnRegion = vpnRegion
        self.vpnAccount = vpnAccount
        self.vpcId = vpcId
        self.samlProviderName = samlProviderName
        self.serverCertificateArn = serverCertificateArn
    }
}

public enum RunnerPolicy {
    /// IAM's limit for a customer managed policy, counted without white space.
    public static let managedPolicyLimit = 6_144

    public static func generate(_ input: RunnerPolicyInput) -> GeneratedPolicy {
        var diagnostics: [Diagnostic] = []
        var groups: [(scope: ResourceScope, condition: PolicyStatement.Condition?, actions: [String])] = []
        for permission in input.role.operations.flatMap(\.permissions) {
            if let index = groups.firstIndex(where: { $0.scope == permission.scope && $0.condition == permission.condition }) {
                if !groups[index].actions.contains(permission.action) { groups[index].actions.append(permission.action) }
            } else {
                groups.append((permission.scope, permission.condition, [permission.action]))
            }
        }
        groups.sort { ($0.scope, $0.condition == nil ? 0 : 1) < ($1.scope, $1.condition == nil ? 0 : 1) }

        var statements = groups.map { group in
            PolicyStatement(
                sid: sid(for: group.scope, conditioned: group.condition != nil),
                actions: group.actions.sorted(),
                resources: resources(for: group.scope, input: input, diagnostics: &diagnostics),
                conditions: group.condition.map { [$0] } ?? [])
        }
        if input.role.administersIdentityCenter {
            // IAM Identity Center encrypts with the customer managed key on behalf of its administrators,
            // so an administrator identity needs these in an IAM policy too (user guide, baseline policy).
            statements.append(PolicyStatement(
                sid: "IdentityCenterUsesTheKeyOnBehalfOfIdcsync",
                actions: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKeyWithoutPlaintext"],
                resources: resources(for: .key, input: input, diagnostics: &diagnostics),
                conditions: [.init("StringLike", [("kms:ViaService", ServicePath(service: "sso", partition: input.partition).viaService
                    + ServicePath(service: "identitystore", partition: input.partition).viaService)])]))
        }
        let document = PolicyDocument(statements: statements)
        let text = document.text
        let counted = text.unicodeScalars.filter { !($0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r") }.count
        if counted > managedPolicyLimit {
            diagnostics.append(Diagnostic(.warning, code: "runner-policy.too-long",
                "the policy has \(counted) characters without white space; a customer managed policy holds at most \(managedPolicyLimit). Split it, or generate one per --for role."))
        }
        return GeneratedPolicy(document: document, text: text, characters: text.unicodeScalars.count, diagnostics: diagnostics.uniqued())
    }

    private static func sid(for scope: ResourceScope, conditioned: Bool) -> String {
        switch scope {
        case .all: conditioned ? "ListIdentityCenterDelegatedAdministrators" : "ActionsWithoutResourceLevelPermissions"
        case .instance: "IdentityCenterInstance"
        case .key: "InstanceKmsKeyInEveryRegion"
        case .samlProvider: "ClientVpnSamlProvider"
        case .certificate: "ClientVpnServerCertificate"
        case .vpnNetwork: conditioned ? "TagClientVpnResourcesOnCreate" : "ClientVpnEndpoint"
        }
    }

    private static func resources(for scope: ResourceScope, input: RunnerPolicyInput, diagnostics: inout [Diagnostic]) -> [String] {
        let p = input.partition.arnPrefix
        switch scope {
        case .all:
            return ["*"]
        case .instance:
            if let arn = input.instanceArn { return [arn.value] }
            diagnostics.append(Diagnostic(.warning, code: "runner-policy.unscoped-instance",
                "instance.arn is not set, so the IAM Identity Center actions are allowed on every instance; set it to scope them", field: "instance.arn"))
            return ["arn:\(p):sso:::instance/*"]
        case .key:
            if let key = input.key { return [key.anyRegionPattern] }
            diagnostics.append(Diagnostic(.warning, code: "runner-policy.unscoped-key",
                "kms.keyArn is not set, so the KMS actions are allowed on every key of the account; set it to scope them", field: "kms.keyArn"))
            return ["arn:\(p):kms:*:\(input.managementAccount?.value ?? "*"):key/*"]
        case .samlProvider:
            let account = input.vpnAccount?.value ?? "*"
            return ["arn:\(p):iam::\(account):saml-provider/\(input.samlProviderName ?? "*")"]
        case .certificate:
            if let arn = input.serverCertificateArn { return [arn] }
            return ["arn:\(p):acm:\(input.vpnRegion?.name ?? "*"):\(input.vpnAccount?.value ?? "*"):certificate/*"]
        case .vpnNetwork:
            let prefix = "arn:\(p):ec2:\(input.vpnRegion?.name ?? "*"):\(input.vpnAccount?.value ?? "*")"
            return ["\(prefix):client-vpn-endpoint/*", "\(prefix):security-group/*", "\(prefix):subnet/*", "\(prefix):vpc/\(input.vpcId ?? "*")"]
        }
    }
}
