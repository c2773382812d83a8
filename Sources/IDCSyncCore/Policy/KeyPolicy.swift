/// The key policy of the instance's multi-Region KMS key. KMS does not copy key policies to replicas,
/// so the same document is put on the primary key and on every replica.
///
/// Statements follow the IAM Identity Center user guide, "Baseline KMS key and IAM policy statements"
/// (the version with six required statements) and "Advanced KMS key policy statements", keeping AWS's
/// Sids, action order and condition-key order so the result can be compared with the guide line by line.
public struct KeyPolicyInput: Sendable, Equatable {
    public struct Pinning: Sendable, Equatable {
        public var instanceArn: InstanceARN
        public var identityStoreArn: String
        public init(instanceArn: InstanceARN, identityStoreArn: String) {
            self.instanceArn = instanceArn
            self.identityStoreArn = identityStoreArn
        }
    }

    public var partition: Partition
    public var managementAccount: AccountID
    public var primaryRegion: Region
    public var delegatedAdministrators: [AccountID]
    public var adminPermissionSets: [String]
    /// Further administrator roles, matched with `ArnLike` like the permission-set roles.
    public var adminRoles: [AdminRole]
    /// Empty: the management account root with `kms:*`, which lets IAM policies in the account grant access.
    public var keyAdministrators: [PrincipalARN]
    /// Set for the pinned variant: exact instance and identity store instead of `*`.
    public var pinning: Pinning?
    /// AWS managed applications (org-scoped). `nil` organization id uses `${aws:ResourceOrgID}`.
    public var managedApplications: Bool
    public var organizationId: OrganizationID?
    public var controlTower: Bool
    public var customWorkflowRoles: [PrincipalARN]

    public init(partition: Partition, managementAccount: AccountID, primaryRegion: Region, delegatedAdministrators: [AccountID] = [],
                adminPermissionSets: [String] = ["*"], adminRoles: [AdminRole] = [], keyAdministrators: [PrincipalARN] = [], pinning: Pinning? = nil,
                managedApplications: Bool = false, organizationId: OrganizationID? = nil, controlTower: Bool = false,
                customWorkflowRoles: [PrincipalARN] = []) {
        self.partition = partition
        self.managementAccount = managementAccount
        self.primaryRegion = primaryRegion
        self.delegatedAdministrators = delegatedAdministrators
        self.adminPermissionSets = adminPermissionSets
        self.adminRoles = adminRoles
        self.keyAdministrators = keyAdministrators
        self.pinning = pinning
        self.managedApplications = managedApplications
        self.organizationId = organizationId
        self.controlTower = controlTower
        self.customWorkflowRoles = customWorkflowRoles
    }
}

public struct GeneratedPolicy: Sendable, Equatable {
    public var document: PolicyDocument
    public var text: String
    /// Characters as KMS counts them (the document holds only characters up to U+00FF).
    public var characters: Int
    public var diagnostics: [Diagnostic]
}

public enum KeyPolicy {
    /// `PutKeyPolicy`'s `Policy` length limit (botocore kms model, PolicyType max).
    public static let maximumCharacters = 131_072

    public enum Sid {
        public static let rootAdministration = "EnableIAMPoliciesInTheManagementAccount"
        public static let keyAdministrators = "AllowKeyAdministrators"
        public static let adminViaIdentityCenter = "AllowIAMIdentityCenterAdminToUseTheKMSKeyViaIdentityCenter"
        public static let adminViaIdentityStore = "AllowIAMIdentityCenterAdminToUseTheKMSKeyViaIdentityStore"
        public static let adminDescribe = "AllowIAMIdentityCenterAdminToDescribeTheKMSKey"
        public static let identityCenterService = "AllowIAMIdentityCenterToUseTheKMSKey"
        public static let identityStoreService = "AllowIdentityStoreToUseTheKMSKey"
        public static let servicesDescribe = "AllowIAMIdentityCenterAndIdentityStoreToDescribeKMSKey"
    }

    /// What the console grants a key administrator of a multi-Region key: manage, not use.
    public static let keyAdministratorActions = [
        "kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*", "kms:Revoke*",
        "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource", "kms:UntagResource", "kms:ScheduleKeyDeletion",
        "kms:CancelKeyDeletion", "kms:RotateKeyOnDemand", "kms:ReplicateKey", "kms:UpdatePrimaryRegion",
    ]

    static let instanceContextKey = "kms:EncryptionContext:aws:sso:instance-arn"
    static let identityStoreContextKey = "kms:EncryptionContext:aws:identitystore:identitystore-arn"
    static let identityCenterPrincipal = "sso.amazonaws.com"
    static let identityStorePrincipal = "identitystore.amazonaws.com"

    public static func generate(_ input: KeyPolicyInput) throws(DiagnosticsError) -> GeneratedPolicy {
        var diagnostics: [Diagnostic] = []
        let partition = input.partition
        let sso = ServicePath(service: "sso", partition: partition)
        let identityStore = ServicePath(service: "identitystore", partition: partition)
        if partition == .awsCN {
            diagnostics.append(Diagnostic(.warning, code: "kms-policy.china-unverified",
                "AWS does not document the kms:ViaService host suffix or the service principal names for IAM Identity Center in the China partition; the policy allows both sso.*.amazonaws.com and sso.*.amazonaws.com.cn. Review it before use."))
        }

        let adminAccounts = [input.managementAccount] + input.delegatedAdministrators
            .filter { $0 != input.managementAccount }.uniqued().sorted()
        let adminRoots = adminAccounts.map { $0.rootARN(in: partition) }
        let reservedRoles = adminAccounts.flatMap { account in
            input.adminPermissionSets.flatMap { pattern in
                reservedRolePatterns(account: account, permissionSet: pattern, primaryRegion: input.primaryRegion, partition: partition)
            }
        }
        let adminRoles = (reservedRoles + input.adminRoles.map(\.value)).uniqued()

        var statements: [PolicyStatement] = []
        if input.keyAdministrators.isEmpty {
            statements.append(PolicyStatement(
                sid: Sid.rootAdministration, principal: .aws([input.managementAccount.rootARN(in: partition)]), actions: ["kms:*"]))
        } else {
            statements.append(PolicyStatement(
                sid: Sid.keyAdministrators, principal: .aws(input.keyAdministrators.map(\.value).uniqued()), actions: keyAdministratorActions))
            if !input.keyAdministrators.contains(where: { $0.value == input.managementAccount.rootARN(in: partition) }) {
                diagnostics.append(Diagnostic(.warning, code: "kms-policy.no-root-administrator",
                    "kms.keyAdministrators does not include the management account root, so IAM policies in that account grant nothing on this key: the identity that runs idcsync must be one of the key administrators, or PutKeyPolicy and ReplicateKey will be denied.",
                    field: "kms.keyAdministrators"))
            }
        }

        let adminUse = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKeyWithoutPlaintext"]
        var viaIdentityCenter = ConditionSet()
        viaIdentityCenter.add("ArnLike", "aws:PrincipalArn", adminRoles)
        addContext(&viaIdentityCenter, key: instanceContextKey, pinned: input.pinning?.instanceArn.value, contextFirst: true, via: sso)
        statements.append(PolicyStatement(sid: Sid.adminViaIdentityCenter, principal: .aws(adminRoots), actions: adminUse, conditions: viaIdentityCenter.conditions))

        var viaIdentityStore = ConditionSet()
        viaIdentityStore.add("ArnLike", "aws:PrincipalArn", adminRoles)
        addContext(&viaIdentityStore, key: identityStoreContextKey, pinned: input.pinning?.identityStoreArn, contextFirst: true, via: identityStore)
        statements.append(PolicyStatement(sid: Sid.adminViaIdentityStore, principal: .aws(adminRoots), actions: adminUse, conditions: viaIdentityStore.conditions))

        var describe = ConditionSet()
        describe.add("ArnLike", "aws:PrincipalArn", adminRoles)
        statements.append(PolicyStatement(sid: Sid.adminDescribe, principal: .aws(adminRoots), actions: ["kms:DescribeKey"], conditions: describe.conditions))

        let serviceUse = ["kms:Decrypt", "kms:ReEncryptTo", "kms:ReEncryptFrom", "kms:GenerateDataKeyWithoutPlaintext"]
        for (sid, principal, key, pinned) in [
            (Sid.identityCenterService, identityCenterPrincipal, instanceContextKey, input.pinning?.instanceArn.value),
            (Sid.identityStoreService, identityStorePrincipal, identityStoreContextKey, input.pinning?.identityStoreArn),
        ] {
            var conditions = ConditionSet()
            if let pinned {
                conditions.add("StringEquals", key, [pinned])
            } else {
                conditions.add("StringLike", key, ["*"])
            }
            conditions.add("StringEquals", "aws:SourceAccount", [input.managementAccount.value])
            statements.append(PolicyStatement(sid: sid, principal: .service([principal]), actions: serviceUse, conditions: conditions.conditions))
        }
        statements.append(PolicyStatement(
            sid: Sid.servicesDescribe, principal: .service([identityStorePrincipal, identityCenterPrincipal]), actions: ["kms:DescribeKey"]))

        if input.managedApplications {
            let organization = input.organizationId?.value ?? "${aws:ResourceOrgID}"
            for (sid, key, pinned, via) in [
                ("AllowAppAdminsInTheSameOrganizationToUseTheKMSKeyViaIdentityCenter", instanceContextKey, input.pinning?.instanceArn.value, sso),
                ("AllowAppAdminsInTheSameOrganizationToUseTheKMSKeyViaIdentityStore", identityStoreContextKey, input.pinning?.identityStoreArn, identityStore),
            ] {
                var conditions = ConditionSet()
                conditions.add("StringEquals", "aws:PrincipalOrgID", [organization])
                addContext(&conditions, key: key, pinned: pinned, contextFirst: false, via: via)
                statements.append(PolicyStatement(sid: sid, principal: .any, actions: ["kms:Decrypt"], conditions: conditions.conditions))
            }
            for (sid, key, pinned, via) in [
                ("AllowManagedAppsToUseTheKMSKeyViaIdentityCenter", instanceContextKey, input.pinning?.instanceArn.value, sso),
                ("AllowManagedAppsToUseTheKMSKeyViaIdentityStore", identityStoreContextKey, input.pinning?.identityStoreArn, identityStore),
            ] {
                var conditions = ConditionSet()
                addContext(&conditions, key: key, pinned: pinned, contextFirst: false, via: via)
                conditions.add("Bool", "aws:PrincipalIsAWSService", ["true"])
                conditions.add("StringEquals", "aws:SourceOrgID", [organization])
                statements.append(PolicyStatement(sid: sid, principal: .any, actions: ["kms:Decrypt"], conditions: conditions.conditions))
            }
        }

        if input.controlTower {
            let role = "arn:\(partition.arnPrefix):iam::\(input.managementAccount.value):role/AWSControlTowerExecution"
            statements += decryptPair(sidPrefix: "AllowControlTowerAdminRoleToUseTheKMSKey", principals: [role], input: input, sso: sso, identityStore: identityStore)
        }
        if !input.customWorkflowRoles.isEmpty {
            statements += decryptPair(sidPrefix: "AllowCustomWorkflowToUseTheKMSKey", principals: input.customWorkflowRoles.map(\.value).uniqued(),
                                      input: input, sso: sso, identityStore: identityStore)
        }

        return try finish(PolicyDocument(statements: statements), diagnostics: diagnostics, limit: maximumCharacters, what: "key policy")
    }

    /// The IAM policy a delegated administrator account attaches to its IdC administrator roles
    /// ("IAM policy statements required for delegated administrators"). The Region wildcard covers replicas.
    public static func delegatedAdministratorPolicy(key: KeyARN) -> PolicyDocument {
        PolicyDocument(statements: [
            PolicyStatement(sid: "AllowCrossAccountKMSKeyUse",
                            actions: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey"],
                            resources: [key.anyRegionPattern]),
            PolicyStatement(sid: "AllowListKMSKeyAliases", actions: ["kms:ListAliases"]),
        ])
    }

    /// `AWSReservedSSO_` role ARN patterns of a permission set, in both path forms: with the primary
    /// Region segment, and without it (some us-east-1 instances create their roles that way).
    public static func reservedRolePatterns(account: AccountID, permissionSet: String, primaryRegion: Region, partition: Partition) -> [String] {
        let roleName = permissionSet.hasSuffix("*") ? "AWSReservedSSO_\(permissionSet)" : "AWSReservedSSO_\(permissionSet)_*"
        let base = "arn:\(partition.arnPrefix):iam::\(account.value):role/aws-reserved/sso.amazonaws.com"
        return ["\(base)/\(primaryRegion.name)/\(roleName)", "\(base)/\(roleName)"]
    }

    /// Two `kms:Decrypt` statements, via IAM Identity Center and via Identity Store, for named principals.
    private static func decryptPair(sidPrefix: String, principals: [String], input: KeyPolicyInput, sso: ServicePath, identityStore: ServicePath) -> [PolicyStatement] {
        var viaIdentityCenter = ConditionSet()
        addContext(&viaIdentityCenter, key: instanceContextKey, pinned: input.pinning?.instanceArn.value, contextFirst: true, via: sso)
        var viaIdentityStore = ConditionSet()
        addContext(&viaIdentityStore, key: identityStoreContextKey, pinned: input.pinning?.identityStoreArn, contextFirst: false, via: identityStore)
        return [
            PolicyStatement(sid: sidPrefix + "ViaIdentityCenter", principal: .aws(principals), actions: ["kms:Decrypt"], conditions: viaIdentityCenter.conditions),
            PolicyStatement(sid: sidPrefix + "ViaIdentityStore", principal: .aws(principals), actions: ["kms:Decrypt"], conditions: viaIdentityStore.conditions),
        ]
    }

    /// The encryption-context and `kms:ViaService` conditions: `StringLike` with `*`, or, pinned,
    /// `kms:ViaService` under `StringLike` and the exact ARN under `StringEquals`.
    private static func addContext(_ conditions: inout ConditionSet, key: String, pinned: String?, contextFirst: Bool, via: ServicePath) {
        if let pinned {
            conditions.add("StringLike", "kms:ViaService", via.viaService)
            conditions.add("StringEquals", key, [pinned])
        } else if contextFirst {
            conditions.add("StringLike", key, ["*"])
            conditions.add("StringLike", "kms:ViaService", via.viaService)
        } else {
            conditions.add("StringLike", "kms:ViaService", via.viaService)
            conditions.add("StringLike", key, ["*"])
        }
    }

    /// Checks KMS's length limit and character set (tab, LF, CR and U+0020 through U+00FF).
    static func finish(_ document: PolicyDocument, diagnostics: [Diagnostic], limit: Int, what: String) throws(DiagnosticsError) -> GeneratedPolicy {
        let text = document.text
        if let bad = text.unicodeScalars.first(where: { !($0.value == 0x09 || $0.value == 0x0A || $0.value == 0x0D || (0x20...0xFF).contains($0.value)) }) {
            throw DiagnosticsError(diagnostics + [Diagnostic(.error, code: "policy.invalid-character",
                "the generated \(what) contains the character U+\(String(bad.value, radix: 16, uppercase: true)), which KMS does not accept (only tab, line feed, carriage return and U+0020 to U+00FF); remove it from the ARNs and names in the config")])
        }
        let characters = text.unicodeScalars.count
        guard characters <= limit else {
            throw DiagnosticsError(diagnostics + [Diagnostic(.error, code: "policy.too-long",
                "the generated \(what) has \(characters) characters; KMS accepts at most \(limit). Use fewer kms.adminPermissionSets patterns (\"*\" covers all), fewer delegated administrators or custom workflow roles.")])
        }
        return GeneratedPolicy(document: document, text: text, characters: characters, diagnostics: diagnostics)
    }
}

/// The `kms:ViaService` values of a service in a partition. China endpoints end in `.amazonaws.com.cn`,
/// but no AWS page says which value IdC sends there, so both are allowed (and a warning says so).
struct ServicePath {
    var service: String
    var partition: Partition
    var viaService: [String] {
        partition == .awsCN ? ["\(service).*.amazonaws.com", "\(service).*.amazonaws.com.cn"] : ["\(service).*.amazonaws.com"]
    }
}

/// Condition blocks in insertion order; a key added to an existing operator joins that block.
struct ConditionSet {
    private(set) var conditions: [PolicyStatement.Condition] = []

    mutating func add(_ op: String, _ key: String, _ values: [String]) {
        if let index = conditions.firstIndex(where: { $0.op == op }) {
            conditions[index].entries.append((key, values))
        } else {
            conditions.append(PolicyStatement.Condition(op, [(key, values)]))
        }
    }
}

extension Array where Element: Hashable {
    /// The elements without repeats, first occurrence kept.
    public func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
