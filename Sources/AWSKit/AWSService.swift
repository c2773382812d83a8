import IDCSyncCore

/// How to reach and sign for one AWS service.
public struct AWSService: Sendable, Equatable {
    public enum WireProtocol: Sendable, Equatable {
        /// `X-Amz-Target: <prefix>.<Operation>`, `application/x-amz-json-1.1`.
        case json(targetPrefix: String)
        /// `Action=<Operation>&Version=<version>`, form-encoded, XML responses.
        case query(version: String)
        /// The EC2 variant of Query (botocore `ec2`): lists as `Name.N` (no `.member.`), responses
        /// without the `<XxxResult>` wrapper, errors as `<Response><Errors><Error>`.
        case ec2(version: String)
    }

    /// The SDK service id (`sso-admin`, `kms`): names the operation and `AWS_ENDPOINT_URL_<ID>`.
    public var id: String
    /// The SigV4 signing name (`sso` for sso-admin).
    public var signingName: String
    /// The host prefix of the default endpoint.
    public var hostPrefix: String
    public var wireProtocol: WireProtocol
    /// Global services have one endpoint per partition, signed for a fixed Region.
    public var globalRegion: (@Sendable (Partition) -> String)?
    /// The host of a global service whose endpoint is not `<hostPrefix>.<globalRegion>.<suffix>`
    /// (IAM: `iam.amazonaws.com`).
    public var globalHost: (@Sendable (Partition) -> String)? = nil

    public static func == (lhs: AWSService, rhs: AWSService) -> Bool { lhs.id == rhs.id }

    /// The suffix of `AWS_ENDPOINT_URL_<SERVICE>`: the service id upper-cased, `-` and spaces as `_`.
    public var endpointVariableSuffix: String {
        id.uppercased().replacingOccurrences(of: "-", with: "_").replacingOccurrences(of: " ", with: "_")
    }

    public static let sts = AWSService(id: "sts", signingName: "sts", hostPrefix: "sts", wireProtocol: .query(version: "2011-06-15"))
    public static let ssoAdmin = AWSService(id: "sso-admin", signingName: "sso", hostPrefix: "sso", wireProtocol: .json(targetPrefix: "SWBExternalService"))
    public static let kms = AWSService(id: "kms", signingName: "kms", hostPrefix: "kms", wireProtocol: .json(targetPrefix: "TrentService"))
    public static let organizations = AWSService(
        id: "organizations", signingName: "organizations", hostPrefix: "organizations",
        wireProtocol: .json(targetPrefix: "AWSOrganizationsV20161128"),
        globalRegion: { partition in
            switch partition {
            case .aws: "us-east-1"
            case .awsCN: "cn-northwest-1"
            case .awsUSGov: "us-gov-west-1"
            }
        })
    public static let ec2 = AWSService(id: "ec2", signingName: "ec2", hostPrefix: "ec2", wireProtocol: .ec2(version: "2016-11-15"))
    public static let acm = AWSService(id: "acm", signingName: "acm", hostPrefix: "acm", wireProtocol: .json(targetPrefix: "CertificateManager"))
    /// IAM is global: one endpoint per partition, signed for its Region (botocore endpoint rules).
    public static let iam = AWSService(
        id: "iam", signingName: "iam", hostPrefix: "iam", wireProtocol: .query(version: "2010-05-08"),
        globalRegion: { partition in
            switch partition {
            case .aws: "us-east-1"
            case .awsCN: "cn-north-1"
            case .awsUSGov: "us-gov-west-1"
            }
        },
        globalHost: { partition in
            switch partition {
            case .aws: "iam.amazonaws.com"
            case .awsCN: "iam.cn-north-1.amazonaws.com.cn"
            case .awsUSGov: "iam.us-gov.amazonaws.com"
            }
        })
}

/// Where requests for a service go: `AWS_ENDPOINT_URL_<SERVICE>`, else `AWS_ENDPOINT_URL`, else the
/// service's default endpoint in the partition (as the AWS SDKs and CLI resolve them).
public enum AWSEndpoint {
    public static func url(for service: AWSService, region: String, environment: [String: String]) throws(AWSError) -> String {
        let ignore = environment["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"]?.lowercased() == "true"
        if !ignore {
            for variable in ["AWS_ENDPOINT_URL_\(service.endpointVariableSuffix)", "AWS_ENDPOINT_URL"] {
                guard let value = environment[variable], !value.isEmpty else { continue }
                guard value.hasPrefix("https://") || value.hasPrefix("http://") else {
                    throw .configuration("\(variable) is \"\(value)\"; it must be an http(s) URL")
                }
                return value.hasSuffix("/") ? String(value.dropLast()) : value
            }
        }
        let partition = Partition.of(regionName: region)
        guard case .supported(let known) = partition else {
            throw .configuration("\(region) is not a Region of a partition idcsync supports")
        }
        if let host = service.globalHost?(known) { return "https://\(host)" }
        let suffix = known == .awsCN ? "amazonaws.com.cn" : "amazonaws.com"
        // A global service has one endpoint per partition, in its fixed Region (organizations.us-east-1...).
        let hostRegion = service.globalRegion?(known) ?? region
        return "https://\(service.hostPrefix).\(hostRegion).\(suffix)"
    }

    /// The Region a request is signed for: the fixed Region of a global service, else the given one.
    public static func signingRegion(for service: AWSService, region: String) -> String {
        guard let global = service.globalRegion, case .supported(let partition) = Partition.of(regionName: region) else { return region }
        return global(partition)
    }
}
