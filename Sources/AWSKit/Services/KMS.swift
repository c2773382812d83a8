import IDCSyncCore

/// A key's `KeyManager`: idcsync works only with customer managed keys.
public enum KMSKeyManager: AWSStateValue {
    case aws, customer
    case other(String)

    public static let known: [Self] = [.aws, .customer]

    public var rawValue: String {
        switch self {
        case .aws: "AWS"
        case .customer: "CUSTOMER"
        case .other(let text): text
        }
    }
}

/// `MultiRegionConfiguration.MultiRegionKeyType`: the primary key or one of its replicas.
public enum KMSMultiRegionKeyType: AWSStateValue {
    case primary, replica
    case other(String)

    public static let known: [Self] = [.primary, .replica]

    public var rawValue: String {
        switch self {
        case .primary: "PRIMARY"
        case .replica: "REPLICA"
        case .other(let text): text
        }
    }
}

/// What DescribeKey says about a key in one Region.
public struct KMSKey: Sendable, Equatable {
    public var arn: String
    public var keyId: String
    public var state: KMSKeyState
    public var manager: KMSKeyManager
    public var keySpec: String?
    public var usage: String?
    public var multiRegion: Bool
    public var multiRegionType: KMSMultiRegionKeyType?
    public var primary: (arn: String, region: String)?
    public var replicas: [(arn: String, region: String)]

    public static func == (lhs: KMSKey, rhs: KMSKey) -> Bool {
        lhs.arn == rhs.arn && lhs.state == rhs.state && lhs.multiRegionType == rhs.multiRegionType
            && lhs.replicas.map(\.region) == rhs.replicas.map(\.region)
    }
}

extension AWSClient {
    public func describeKey(_ keyId: String, region: String) async throws(AWSError) -> KMSKey {
        let response = try await json(.describeKey, service: .kms, region: region, body: .object(["KeyId": .string(keyId)]))
        guard let metadata = response["KeyMetadata"] else {
            throw .invalidResponse("DescribeKey returned no KeyMetadata", operation: AWSOperation.describeKey.rawValue)
        }
        return Self.key(metadata)
    }

    public func keyPolicy(_ keyId: String, region: String) async throws(AWSError) -> String {
        let response = try await json(.getKeyPolicy, service: .kms, region: region,
                                      body: .object(["KeyId": .string(keyId), "PolicyName": "default"]))
        return response["Policy"]?.stringValue ?? ""
    }

    public func putKeyPolicy(_ keyId: String, policy: String, region: String) async throws(AWSError) {
        _ = try await json(.putKeyPolicy, service: .kms, region: region,
                           body: .object(["KeyId": .string(keyId), "PolicyName": "default", "Policy": .string(policy)]))
    }

    /// ReplicateKey, sent to the primary key's Region; the replica gets `policy` (KMS would otherwise
    /// attach its default policy, not the primary's).
    public func replicateKey(_ primaryArn: String, to replicaRegion: String, policy: String, description: String,
                             primaryRegion: String) async throws(AWSError) -> KMSKey {
        let response = try await json(.replicateKey, service: .kms, region: primaryRegion, body: .object([
            "KeyId": .string(primaryArn), "ReplicaRegion": .string(replicaRegion), "Policy": .string(policy),
            "Description": .string(description),
        ]))
        guard let metadata = response["ReplicaKeyMetadata"] else {
            throw .invalidResponse("ReplicateKey returned no ReplicaKeyMetadata", operation: AWSOperation.replicateKey.rawValue)
        }
        return Self.key(metadata)
    }

    /// The alias names (`alias/...`) of a key in one Region.
    public func aliases(of keyId: String, region: String) async throws(AWSError) -> [String] {
        var names: [String] = []
        var marker: String?
        repeat {
            var body: JSONObject = ["KeyId": .string(keyId), "Limit": .int(100)]
            if let marker { body["Marker"] = .string(marker) }
            let response = try await json(.listAliases, service: .kms, region: region, body: .object(body))
            names += (response["Aliases"]?.arrayValue ?? []).compactMap { $0["AliasName"]?.stringValue }
            marker = response["Truncated"] == .bool(true) ? response["NextMarker"]?.stringValue : nil
        } while marker != nil
        return names
    }

    static func key(_ metadata: JSONValue) -> KMSKey {
        let configuration = metadata["MultiRegionConfiguration"]
        func pair(_ value: JSONValue?) -> (arn: String, region: String)? {
            guard let arn = value?["Arn"]?.stringValue, let region = value?["Region"]?.stringValue else { return nil }
            return (arn, region)
        }
        return KMSKey(
            arn: metadata["Arn"]?.stringValue ?? "", keyId: metadata["KeyId"]?.stringValue ?? "",
            state: KMSKeyState(parsing: metadata["KeyState"]?.stringValue ?? "Unknown"),
            manager: metadata["KeyManager"]?.stringValue.map(KMSKeyManager.init(parsing:)) ?? .customer,
            keySpec: metadata["KeySpec"]?.stringValue, usage: metadata["KeyUsage"]?.stringValue,
            multiRegion: metadata["MultiRegion"] == .bool(true), multiRegionType: configuration?["MultiRegionKeyType"]?.stringValue.map(KMSMultiRegionKeyType.init(parsing:)),
            primary: pair(configuration?["PrimaryKey"]), replicas: (configuration?["ReplicaKeys"]?.arrayValue ?? []).compactMap(pair))
    }
}
