/// An AWS partition: a group of Regions with its own ARN prefix and DNS suffix.
///
/// Only the three partitions where IAM Identity Center multi-Region replication exists are modelled.
/// The Region patterns and Region lists come from botocore's `data/partitions.json`.
public enum Partition: String, Sendable, CaseIterable, Comparable {
    case aws = "aws"
    case awsCN = "aws-cn"
    case awsUSGov = "aws-us-gov"

    /// The string that follows `arn:` in every ARN of the partition.
    public var arnPrefix: String { rawValue }

    public var displayName: String {
        switch self {
        case .aws: "AWS commercial"
        case .awsCN: "AWS China"
        case .awsUSGov: "AWS GovCloud (US)"
        }
    }

    /// Regions known when this release was built. A Region outside this list is still accepted
    /// (AWS adds Regions), but a near miss gets a "did you mean" warning.
    public var knownRegions: [String] {
        switch self {
        case .aws:
            [
                "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
                "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3",
                "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ca-central-1",
                "ca-west-1", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2",
                "eu-west-1", "eu-west-2", "eu-west-3", "il-central-1", "me-central-1", "me-south-1",
                "mx-central-1", "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
            ]
        case .awsCN: ["cn-north-1", "cn-northwest-1"]
        case .awsUSGov: ["us-gov-east-1", "us-gov-west-1"]
        }
    }

    /// The partition a Region name belongs to, using botocore's `regionRegex` for each partition.
    public static func of(regionName name: String) -> PartitionLookup {
        let parts = name.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 3, parts.last.map(isDigits) == true else { return .unknown }
        let middle = parts.dropFirst().dropLast()
        guard middle.allSatisfy({ !$0.isEmpty && $0.allSatisfy(isWordCharacter) }) else { return .unknown }
        switch (parts[0], parts.count) {
        case ("cn", 3): return .supported(.awsCN)
        case ("us", 4) where parts[1] == "gov": return .supported(.awsUSGov)
        case (let prefix, 4) where unsupportedPartitions["\(prefix)-\(parts[1])"] != nil:
            return .unsupported(unsupportedPartitions["\(prefix)-\(parts[1])"]!)
        case (let prefix, 3) where ["us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx"].contains(prefix):
            return .supported(.aws)
        default: return .unknown
        }
    }

    /// The partition named by the second field of an ARN (`arn:PARTITION:...`).
    public static func of(arnPartition name: String) -> PartitionLookup {
        if let partition = Partition(rawValue: name) { return .supported(partition) }
        return name.hasPrefix("aws-") ? .unsupported(name) : .unknown
    }

    public static func < (lhs: Partition, rhs: Partition) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

public enum PartitionLookup: Sendable, Equatable {
    case supported(Partition)
    /// A real AWS partition where IAM Identity Center replication is not available.
    case unsupported(String)
    case unknown
}

/// Region name prefixes of partitions without IAM Identity Center replication (botocore `regionRegex`).
private let unsupportedPartitions: [String: String] = [
    "us-iso": "aws-iso", "us-isob": "aws-iso-b", "us-isof": "aws-iso-f", "eu-isoe": "aws-iso-e", "eusc-de": "aws-eusc",
]

private func isDigits(_ text: String) -> Bool { !text.isEmpty && text.allSatisfy { $0.isASCII && $0.isNumber } }
private func isWordCharacter(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c.isNumber || c == "_") }

/// IAM Identity Center's default limit of Regions per instance, primary included (adjustable in
/// Service Quotas, so it is checked before adding, and exceeding it in the config is only a warning).
public enum RegionQuota {
    public static let `default` = 6
}
