import IDCSyncCore

/// What `idcsync policy kms` produces: the key policy for every Region's copy of the key, and the IAM
/// policy the delegated administrator accounts need in their own accounts.
public struct KeyPolicyReport: Sendable, Equatable {
    public var keyPolicy: GeneratedPolicy
    public var pinned: Bool
    public var keyArn: KeyARN?
    public var delegatedAdministrators: [AccountID]
    public var delegatedAdministratorPolicy: PolicyDocument?
    public var diagnostics: [Diagnostic]
}

public struct RunnerPolicyReport: Sendable, Equatable {
    public var role: RunnerRole
    public var policy: GeneratedPolicy
    public var diagnostics: [Diagnostic]
}

public enum PolicyGeneration {
    public static func keyPolicy(target: Target, pinned pinnedFlag: Bool, configFile: String) throws(IDCSyncError) -> KeyPolicyReport {
        let instance = target.instance
        let kms = target.kms
        var diagnostics: [Diagnostic] = []
        guard let primary = instance.primaryRegion, let partition = target.partition else {
            throw .config("config.missing", "instance.primaryRegion is not set; the administrator role paths in the key policy contain the primary Region",
                          field: "instance.primaryRegion", file: configFile)
        }
        guard let management = target.managementAccount else {
            throw .config("config.missing", "the management account is unknown; set kms.keyArn (the key is in the management account) or instance.accountId",
                          field: "kms.keyArn", file: configFile)
        }

        let delegated: [AccountID]
        switch kms.delegatedAdministrators {
        case .accounts(let accounts):
            delegated = accounts.filter { $0 != management }
        case .auto:
            // ConfigCompletion and Discovery resolve `auto` before a policy is generated.
            throw .config("config.missing", "kms.delegatedAdministrators is auto and was not read from AWS Organizations; list the accounts, or [] for none",
                          field: "kms.delegatedAdministrators", file: configFile)
        }

        let pinned = pinnedFlag || kms.pinned
        var pinning: KeyPolicyInput.Pinning?
        if pinned {
            var missing: [String] = []
            if instance.arn == nil { missing.append("instance.arn") }
            if instance.identityStoreId == nil { missing.append("instance.identityStoreId") }
            guard let arn = instance.arn, let store = instance.identityStoreId else {
                throw .config("config.missing", "the pinned policy names the exact instance and identity store; set \(missing.joined(separator: " and "))",
                              field: missing.first, file: configFile)
            }
            pinning = .init(instanceArn: arn, identityStoreArn: store.arn(partition: partition, account: management))
        }

        let input = KeyPolicyInput(
            partition: partition, managementAccount: management, primaryRegion: primary, delegatedAdministrators: delegated,
            adminPermissionSets: kms.adminPermissionSets, adminRoles: kms.adminRoles, keyAdministrators: kms.keyAdministrators,
            pinning: pinning, managedApplications: kms.managedApplications, organizationId: kms.organizationId,
            controlTower: kms.controlTower, customWorkflowRoles: kms.customWorkflowRoles)
        let policy: GeneratedPolicy
        do {
            policy = try KeyPolicy.generate(input)
        } catch {
            throw IDCSyncError(.configuration, diagnostics + error.diagnostics)
        }
        diagnostics += policy.diagnostics

        var delegatedPolicy: PolicyDocument?
        if !delegated.isEmpty {
            if let key = kms.keyArn {
                delegatedPolicy = KeyPolicy.delegatedAdministratorPolicy(key: key)
            } else {
                diagnostics.append(Diagnostic(.warning, code: "kms-policy.delegated-needs-key",
                    "set kms.keyArn to also get the IAM policy that delegated administrator accounts need (it names the key)", field: "kms.keyArn"))
            }
        }
        return KeyPolicyReport(keyPolicy: policy, pinned: pinned, keyArn: kms.keyArn, delegatedAdministrators: delegated,
                               delegatedAdministratorPolicy: delegatedPolicy, diagnostics: diagnostics)
    }

    /// The partition of every ARN in the runner policy: the instance's, else the VPN's Region's.
    public static func runnerPartition(config: Config, target: Target) -> Partition? {
        target.partition ?? config.vpn?.region?.partition
    }

    public static func runnerPolicy(config: Config, target: Target, role: RunnerRole) throws(IDCSyncError) -> RunnerPolicyReport {
        let vpn = config.vpn
        let vpnCertificate = vpn?.serverCertificateArn
        let vpnAccount = vpnCertificate.flatMap { arn -> AccountID? in
            let fields = arn.split(separator: ":", omittingEmptySubsequences: false)
            return fields.count == 6 ? try? AccountID.parse(String(fields[4])).get() : nil
        }
        guard let partition = runnerPartition(config: config, target: target) else {
            throw .config("config.missing", "the partition is unknown; set instance.arn or instance.primaryRegion", field: "instance.primaryRegion", file: config.source)
        }
        let input = RunnerPolicyInput(
            partition: partition, role: role, instanceArn: target.instance.arn, key: target.kms.keyArn,
            managementAccount: target.managementAccount, vpnRegion: vpn?.region ?? target.instance.primaryRegion,
            vpnAccount: vpnAccount ?? target.managementAccount, vpcId: vpn?.vpcId, samlProviderName: vpn?.samlProviderName,
            serverCertificateArn: vpnCertificate)
        let policy = RunnerPolicy.generate(input)
        return RunnerPolicyReport(role: role, policy: policy, diagnostics: policy.diagnostics)
    }
}
