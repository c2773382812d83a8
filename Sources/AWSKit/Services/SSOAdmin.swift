import IDCSyncCore

/// An IAM Identity Center instance as ListInstances / DescribeInstance return it.
public struct IdentityCenterInstance: Sendable, Equatable {
    public var arn: String
    public var identityStoreId: String?
    public var ownerAccountId: String?
    public var name: String?
    public var status: IdentityCenterInstanceStatus?
    /// Only ListInstances returns it (since 2026-06-30).
    public var primaryRegion: String?
    public var regions: [String]
    /// Only DescribeInstance returns it.
    public var encryption: Encryption?

    public struct Encryption: Sendable, Equatable {
        public var keyType: IdentityCenterKeyType
        public var kmsKeyArn: String?
        public var status: IdentityCenterEncryptionStatus?
        public var statusReason: String?
    }
}

/// An instance's `Status` (ListInstances, DescribeInstance).
public enum IdentityCenterInstanceStatus: AWSStateValue {
    case active, createInProgress, deleteInProgress
    case other(String)

    public static let known: [Self] = [.active, .createInProgress, .deleteInProgress]

    public var rawValue: String {
        switch self {
        case .active: "ACTIVE"
        case .createInProgress: "CREATE_IN_PROGRESS"
        case .deleteInProgress: "DELETE_IN_PROGRESS"
        case .other(let text): text
        }
    }
}

/// `EncryptionConfigurationDetails.KeyType` of DescribeInstance: multi-Region replication needs a customer managed key.
public enum IdentityCenterKeyType: AWSStateValue {
    case awsOwnedKMSKey, customerManagedKey
    case other(String)

    public static let known: [Self] = [.awsOwnedKMSKey, .customerManagedKey]

    public var rawValue: String {
        switch self {
        case .awsOwnedKMSKey: "AWS_OWNED_KMS_KEY"
        case .customerManagedKey: "CUSTOMER_MANAGED_KEY"
        case .other(let text): text
        }
    }
}

/// `EncryptionConfigurationDetails.EncryptionStatus` of DescribeInstance.
public enum IdentityCenterEncryptionStatus: AWSStateValue {
    case updating, enabled, updateFailed
    case other(String)

    public static let known: [Self] = [.updating, .enabled, .updateFailed]

    public var rawValue: String {
        switch self {
        case .updating: "UPDATING"
        case .enabled: "ENABLED"
        case .updateFailed: "UPDATE_FAILED"
        case .other(let text): text
        }
    }
}

public struct IdentityCenterRegion: Sendable, Equatable {
    public var name: String
    public var status: IdentityCenterRegionStatus
    public var addedDate: Double?
    public var isPrimary: Bool
}

extension AWSClient {
    public func listInstances(region: String) async throws(AWSError) -> [IdentityCenterInstance] {
        var instances: [IdentityCenterInstance] = []
        var token: String?
        repeat {
            var body: JSONObject = ["MaxResults": .int(100)]
            if let token { body["NextToken"] = .string(token) }
            let response = try await json(.listInstances, service: .ssoAdmin, region: region, body: .object(body))
            for item in response["Instances"]?.arrayValue ?? [] { instances.append(Self.instance(item)) }
            token = response["NextToken"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        } while token != nil
        return instances
    }

    public func describeInstance(_ arn: String, region: String) async throws(AWSError) -> IdentityCenterInstance {
        let response = try await json(.describeInstance, service: .ssoAdmin, region: region, body: .object(["InstanceArn": .string(arn)]))
        return Self.instance(response)
    }

    public func listRegions(instance arn: String, region: String) async throws(AWSError) -> [IdentityCenterRegion] {
        var regions: [IdentityCenterRegion] = []
        var token: String?
        repeat {
            var body: JSONObject = ["InstanceArn": .string(arn), "MaxResults": .int(100)]
            if let token { body["NextToken"] = .string(token) }
            let response = try await json(.listRegions, service: .ssoAdmin, region: region, body: .object(body))
            for item in response["Regions"]?.arrayValue ?? [] { regions.append(Self.region(item)) }
            token = response["NextToken"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        } while token != nil
        return regions
    }

    public func describeRegion(instance arn: String, name: String, region: String) async throws(AWSError) -> IdentityCenterRegion {
        Self.region(try await json(.describeRegion, service: .ssoAdmin, region: region,
                                   body: .object(["InstanceArn": .string(arn), "RegionName": .string(name)])))
    }

    /// AddRegion, sent to the primary Region. Returns the status (ADDING).
    public func addRegion(instance arn: String, name: String, primaryRegion: String) async throws(AWSError) -> IdentityCenterRegionStatus {
        let response = try await json(.addRegion, service: .ssoAdmin, region: primaryRegion,
                                      body: .object(["InstanceArn": .string(arn), "RegionName": .string(name)]))
        return response["Status"]?.stringValue.map(IdentityCenterRegionStatus.init(parsing:)) ?? .adding
    }

    /// RemoveRegion, sent to the primary Region. Returns the status (REMOVING).
    public func removeRegion(instance arn: String, name: String, primaryRegion: String) async throws(AWSError) -> IdentityCenterRegionStatus {
        let response = try await json(.removeRegion, service: .ssoAdmin, region: primaryRegion,
                                      body: .object(["InstanceArn": .string(arn), "RegionName": .string(name)]))
        return response["Status"]?.stringValue.map(IdentityCenterRegionStatus.init(parsing:)) ?? .removing
    }

    static func instance(_ item: JSONValue) -> IdentityCenterInstance {
        let encryption = item["EncryptionConfigurationDetails"].flatMap { details -> IdentityCenterInstance.Encryption? in
            guard let type = details["KeyType"]?.stringValue else { return nil }
            return .init(keyType: IdentityCenterKeyType(parsing: type), kmsKeyArn: details["KmsKeyArn"]?.stringValue,
                         status: details["EncryptionStatus"]?.stringValue.map(IdentityCenterEncryptionStatus.init(parsing:)),
                         statusReason: details["EncryptionStatusReason"]?.stringValue)
        }
        let regions = (item["Regions"]?.arrayValue ?? []).compactMap { element in
            element.stringValue ?? element["RegionName"]?.stringValue
        }
        return IdentityCenterInstance(
            arn: item["InstanceArn"]?.stringValue ?? "", identityStoreId: item["IdentityStoreId"]?.stringValue,
            ownerAccountId: item["OwnerAccountId"]?.stringValue, name: item["Name"]?.stringValue, status: item["Status"]?.stringValue.map(IdentityCenterInstanceStatus.init(parsing:)),
            primaryRegion: item["PrimaryRegion"]?.stringValue, regions: regions, encryption: encryption)
    }

    static func region(_ item: JSONValue) -> IdentityCenterRegion {
        IdentityCenterRegion(name: item["RegionName"]?.stringValue ?? "", status: IdentityCenterRegionStatus(parsing: item["Status"]?.stringValue ?? "UNKNOWN"),
                             addedDate: item["AddedDate"].flatMap(number), isPrimary: item["IsPrimaryRegion"] == .bool(true))
    }
}

func number(_ value: JSONValue) -> Double? {
    if case .number(let text) = value { return Double(text) }
    return nil
}
