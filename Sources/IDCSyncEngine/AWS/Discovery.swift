import AWSKit
import IDCSyncCore
import Logging

/// What AWS says about the instance: the account, the instance and its Regions, and its key.
public struct AWSWorld: Sendable, Equatable {
    public var account: String
    public var callerArn: String
    public var instance: IdentityCenterInstance
    public var instanceArn: InstanceARN
    public var primaryRegion: Region
    public var regions: [IdentityCenterRegion]
    public var key: KeyARN
    public var primaryKey: KMSKey
    public var delegatedAdministrators: [AccountID]

    /// Regions that count as the instance's for the Okta slots and guides: ACTIVE or ADDING.
    public var enabledRegions: [Region] {
        regions.filter { $0.status.isEnabledOrBecomingSo }.compactMap { try? Region.parse($0.name).get() }
    }

    public func region(_ name: String) -> IdentityCenterRegion? { regions.first { $0.name == name } }

    /// The account that owns the instance (the organization's management account), which the key
    /// policy names. idcsync may run elsewhere (a delegated administrator), so not the caller's.
    public var managementAccount: String { instance.ownerAccountId ?? key.account.value }

    /// The target with everything discovered filled in, for the planners.
    public func effectiveTarget(_ target: Target, regions override: [Region]? = nil) -> Target {
        var result = target
        result.instance.arn = instanceArn
        result.instance.primaryRegion = primaryRegion
        result.instance.accountId = AccountID(value: managementAccount)
        if let store = instance.identityStoreId, case .success(let id) = IdentityStoreID.parse(store) { result.instance.identityStoreId = id }
        result.instance.regions = override ?? enabledRegions
        result.kms.keyArn = key
        result.kms.delegatedAdministrators = .accounts(delegatedAdministrators)
        return result
    }
}

public enum Discovery {
    /// STS, ListInstances, DescribeInstance, ListRegions, DescribeKey, and ListDelegatedAdministrators
    /// when `kms.delegatedAdministrators` is `auto`. Everything the config states is checked against it.
    public static func discover(target: Target, client: AWSClient, homeRegion: Region, configFile: String,
                                logger: Logger) async throws(IDCSyncError) -> AWSWorld {
        let caller: CallerIdentity
        do { caller = try await client.callerIdentity(region: homeRegion.name) } catch {
            throw .aws(error, hint: "check the AWS credentials (AWS_PROFILE or aws.profile)")
        }
        logger.debug("aws account", metadata: ["account": "\(caller.account)", "arn": "\(caller.arn)"])

        let instances: [IdentityCenterInstance]
        do { instances = try await client.listInstances(region: homeRegion.name) } catch { throw .aws(error) }
        let chosen = try select(instances, target: target, account: caller.account, homeRegion: homeRegion, configFile: configFile)
        var instance = chosen.instance
        let arn = chosen.arn, primary = chosen.primary

        let details: IdentityCenterInstance
        do { details = try await client.describeInstance(arn.value, region: primary.name) } catch { throw .aws(error) }
        instance.encryption = details.encryption
        let regions: [IdentityCenterRegion]
        do { regions = try await client.listRegions(instance: arn.value, region: primary.name) } catch { throw .aws(error) }

        guard let key = try customerManagedKey(details) else {
            throw IDCSyncError(.failure, [Diagnostic(.error, code: "aws.aws-owned-key",
                "the instance is encrypted with an AWS owned key; multi-Region replication needs a multi-Region customer managed key in \(primary.name). Create one (CreateKey with MultiRegion), put `idcsync policy kms` on it, then switch the instance to it (aws sso-admin update-instance --encryption-configuration KeyType=CUSTOMER_MANAGED_KEY,KmsKeyArn=...)")])
        }
        if let configuredKey = target.kms.keyArn, configuredKey != key {
            throw IDCSyncError(.configuration, [Diagnostic(.error, code: "aws.key-mismatch",
                "kms.keyArn is \(configuredKey.value), but the instance uses \(key.value)", field: "kms.keyArn")])
        }
        let owner = instance.ownerAccountId ?? key.account.value
        if let configuredAccount = target.instance.accountId, configuredAccount.value != owner {
            throw IDCSyncError(.configuration, [Diagnostic(.error, code: "aws.account-mismatch",
                "instance.accountId is \(configuredAccount.value), but the instance belongs to account \(owner)", field: "instance.accountId")])
        }
        let primaryKey: KMSKey
        do { primaryKey = try await client.describeKey(key.value, region: key.region.name) } catch { throw .aws(error) }
        guard key.isMultiRegion, primaryKey.multiRegion else {
            throw IDCSyncError(.failure, [Diagnostic(.error, code: "aws.single-region-key",
                "the instance's key \(key.value) is a single-Region key and can never be replicated; create a multi-Region key, put `idcsync policy kms` on it and switch the instance to it with sso-admin UpdateInstance")])
        }
        guard primaryKey.manager == .customer else {
            throw IDCSyncError(.failure, [Diagnostic(.error, code: "aws.aws-managed-key", "the instance's key \(key.value) is managed by AWS; it must be a customer managed key")])
        }

        let delegated: [AccountID]
        switch target.kms.delegatedAdministrators {
        case .accounts(let accounts): delegated = accounts
        case .auto:
            do { delegated = try await delegatedAdministrators(client: client, region: primary) } catch {
                throw .aws(error, hint: "idcsync reads the delegated administrators of IAM Identity Center from AWS Organizations because kms.delegatedAdministrators is auto; allow organizations:ListDelegatedAdministrators or list them in the config ([] for none)")
            }
        }
        return AWSWorld(account: caller.account, callerArn: caller.arn, instance: instance, instanceArn: arn, primaryRegion: primary,
                        regions: regions, key: key, primaryKey: primaryKey, delegatedAdministrators: delegated)
    }
}

extension Discovery {
    /// The one instance of `instances` the target means (its `instance.arn`, else the only one), checked
    /// against everything the config states about it.
    static func select(_ instances: [IdentityCenterInstance], target: Target, account: String?, homeRegion: Region,
                       configFile: String) throws(IDCSyncError) -> (instance: IdentityCenterInstance, arn: InstanceARN, primary: Region) {
        let configured = target.instance.arn?.value
        let candidates = configured.map { arn in instances.filter { $0.arn == arn } } ?? instances
        let owner = account.map { "account \($0)" } ?? "the AWS account of these credentials"
        guard !candidates.isEmpty else {
            let message = configured.map { "instance.arn \($0) is not among the IAM Identity Center instances of \(owner) (seen from \(homeRegion.name))" }
                ?? "\(owner) has no IAM Identity Center instance visible from \(homeRegion.name); run idcsync in the management account, with aws.region set to an enabled Region of the instance"
            throw IDCSyncError(.failure, [Diagnostic(.error, code: "aws.no-instance", message, field: configured == nil ? nil : "instance.arn")])
        }
        guard candidates.count == 1 else {
            let list = candidates.map { "\($0.arn) (\($0.name ?? "unnamed"), \($0.status?.rawValue ?? "?"))" }.joined(separator: ", ")
            throw IDCSyncError(.configuration, [Diagnostic(.error, code: "aws.several-instances",
                "\(owner) has \(candidates.count) IAM Identity Center instances: \(list); set instance.arn to the one to manage", field: "instance.arn")])
        }
        let instance = candidates[0]
        guard instance.status == nil || instance.status == .active else {
            throw IDCSyncError(.failure, [Diagnostic(.error, code: "aws.instance-not-active",
                "the IAM Identity Center instance \(instance.arn) is \(instance.status?.rawValue ?? "?"), not ACTIVE; wait until it is")])
        }
        let arn: InstanceARN
        switch InstanceARN.parse(instance.arn) {
        case .success(let value): arn = value
        case .failure(let error): throw IDCSyncError(.failure, [Diagnostic(.error, code: "aws.instance-arn", "ListInstances returned \(error.message)")])
        }
        guard let primaryName = instance.primaryRegion ?? target.instance.primaryRegion?.name else {
            throw .config("config.missing", "ListInstances did not say which Region is the primary; set instance.primaryRegion", field: "instance.primaryRegion", file: configFile)
        }
        guard case .success(let primary) = Region.parse(primaryName) else {
            throw IDCSyncError(.failure, [Diagnostic(.error, code: "aws.primary", "ListInstances returned an invalid primary Region \(primaryName)")])
        }
        if let configuredPrimary = target.instance.primaryRegion, configuredPrimary != primary {
            throw IDCSyncError(.configuration, [Diagnostic(.error, code: "aws.primary-mismatch",
                "instance.primaryRegion is \(configuredPrimary.name), but AWS says the primary Region is \(primary.name)", field: "instance.primaryRegion")])
        }
        if let configuredStore = target.instance.identityStoreId?.value, let store = instance.identityStoreId, configuredStore != store {
            throw IDCSyncError(.configuration, [Diagnostic(.error, code: "aws.identity-store-mismatch",
                "instance.identityStoreId is \(configuredStore), but the instance's identity store is \(store)", field: "instance.identityStoreId")])
        }
        return (instance, arn, primary)
    }

    /// The customer managed key DescribeInstance names, or `nil` when the instance uses an AWS owned key.
    static func customerManagedKey(_ details: IdentityCenterInstance) throws(IDCSyncError) -> KeyARN? {
        guard let encryption = details.encryption, encryption.keyType == .customerManagedKey, let keyText = encryption.kmsKeyArn else {
            return nil
        }
        switch KeyARN.parseReturned(keyText) {
        case .success(let value): return value
        case .failure(let error): throw IDCSyncError(.failure, [Diagnostic(.error, code: "aws.key-arn", "DescribeInstance returned \(error.message)")])
        }
    }

    /// `kms.delegatedAdministrators: auto`, resolved: the accounts Organizations lists for IAM Identity Center.
    static func delegatedAdministrators(client: AWSClient, region: Region) async throws(AWSError) -> [AccountID] {
        try await client.delegatedAdministrators(region: region.name).compactMap { try? AccountID.parse($0).get() }
    }

    /// The instance's enabled Regions (ACTIVE or ADDING) for the Okta commands: ListInstances and
    /// ListRegions only. The target comes back with the instance, its primary and Regions filled in.
    public static func regions(target: Target, client: AWSClient, homeRegion: Region, configFile: String) async throws(IDCSyncError) -> Target {
        let instances: [IdentityCenterInstance]
        do { instances = try await client.listInstances(region: homeRegion.name) } catch {
            throw .aws(error, hint: "the Okta commands ask AWS for the instance's Regions; for offline use list them in instance.regions")
        }
        let candidates = target.instance.arn.map { arn in instances.filter { $0.arn == arn.value } } ?? instances
        guard candidates.count == 1, case .success(let arn) = InstanceARN.parse(candidates[0].arn) else {
            throw IDCSyncError(.configuration, [Diagnostic(.error, code: "aws.instance",
                candidates.isEmpty ? "no IAM Identity Center instance found from \(homeRegion.name); set instance.arn, aws.region, or list instance.regions for offline use"
                                   : "\(candidates.count) IAM Identity Center instances; set instance.arn", field: "instance.arn")])
        }
        guard let primaryName = candidates[0].primaryRegion ?? target.instance.primaryRegion?.name,
              case .success(let primary) = Region.parse(primaryName) else {
            throw .config("config.missing", "AWS did not say which Region is the primary; set instance.primaryRegion", field: "instance.primaryRegion", file: configFile)
        }
        let listed: [IdentityCenterRegion]
        do { listed = try await client.listRegions(instance: arn.value, region: primary.name) } catch { throw .aws(error) }
        var result = target
        result.instance.arn = arn
        result.instance.primaryRegion = primary
        result.instance.regions = listed.filter { $0.status.isEnabledOrBecomingSo }.compactMap { try? Region.parse($0.name).get() }
        return result
    }
}
