/// What an access-portal host name says: whose portal it is and in which Region.
///
/// Source: the AWS CLI's start URL resolver, aws/aws-cli `awscli/customizations/sso/resolve.py` at commit
/// 9a393b7 (2026-07-20, "Add GovCloud issuer domain ... to SSO resolver allowlist"), `_REGION_PATTERNS`,
/// `_AWS_OWNED_SUFFIXES` and `_AWS_OWNED_EXACT`. AWS's own documentation names only the `aws` forms; the
/// aws-cn and aws-eusc forms are known from that resolver and its tests, not from AWS docs.
public enum PortalHostForm: String, Sendable, CaseIterable {
    /// `{ssoins}.{region}.portal.amazonaws.com` (aws; GovCloud Regions use the same suffix)
    case awsIPv4 = "aws-ipv4"
    /// `{ssoins}.portal.{region}.app.aws`
    case awsDualStack = "aws-dualstack"
    /// `{ssoins}.{region}.portal.amazonaws.com.cn`
    case chinaIPv4 = "aws-cn-ipv4"
    /// `{ssoins}.portal.{region}.app.amazonwebservices.com.cn`
    case chinaDualStack = "aws-cn-dualstack"
    /// `{ssoins}.{region}.portal.amazonaws.eu`
    case euscIPv4 = "aws-eusc-ipv4"
    /// `{ssoins}.portal.{region}.api.amazonwebservices.eu`
    case euscDualStack = "aws-eusc-dualstack"

    /// The partition's name as AWS spells it (aws-eusc is not a partition idcsync manages instances in).
    public var partitionName: String {
        switch self {
        case .awsIPv4, .awsDualStack: "aws"
        case .chinaIPv4, .chinaDualStack: "aws-cn"
        case .euscIPv4, .euscDualStack: "aws-eusc"
        }
    }

    var isDualStack: Bool { [.awsDualStack, .chinaDualStack, .euscDualStack].contains(self) }

    /// The suffix after the Region label (IPv4 forms) or after `portal.{region}` (dual-stack forms).
    var suffix: String {
        switch self {
        case .awsIPv4: ".portal.amazonaws.com"
        case .awsDualStack: ".app.aws"
        case .chinaIPv4: ".portal.amazonaws.com.cn"
        case .chinaDualStack: ".app.amazonwebservices.com.cn"
        case .euscIPv4: ".portal.amazonaws.eu"
        case .euscDualStack: ".api.amazonwebservices.eu"
        }
    }

    /// The URL template of this form (the Regional portals have no `/start`).
    public var template: String {
        isDualStack ? "https://{instanceId}.portal.{region}\(suffix)" : "https://{instanceId}.{region}\(suffix)"
    }
}

public enum PortalHost: Sendable, Equatable {
    /// A Regional access portal: instance id (`ssoins-...`) and the Region label as the host spells it.
    case regional(instanceId: String, region: String, form: PortalHostForm)
    /// Another host AWS owns for sign-in (the classic `awsapps` portal, `identitycenter.amazonaws.com`...).
    case otherAWS(String)
    /// Not an AWS-owned host: a vanity domain, or anything else.
    case notAWS(String)

    /// Suffixes and exact hosts the AWS CLI treats as AWS-owned (`_AWS_OWNED_SUFFIXES`, `_AWS_OWNED_EXACT`).
    static let awsOwnedSuffixes = [
        ".app.aws", ".portal.amazonaws.com", ".portal.amazonaws.com.cn", ".app.amazonwebservices.com.cn",
        ".portal.amazonaws.eu", ".api.amazonwebservices.eu", ".awsapps.com", ".awsapps.cn",
    ]
    static let awsOwnedExact = [
        "identitycenter.amazonaws.com", "identitycenter.amazonaws.com.cn", "identitycenter.amazonaws.eu",
        "identitycenter.us-gov.amazonaws.com",
    ]

    /// Whether the AWS CLI would take this host as AWS's own (and not follow a redirect from it).
    public static func isAWSOwned(_ host: String) -> Bool {
        let host = normalize(host)
        return awsOwnedExact.contains(host) || awsOwnedSuffixes.contains { host == String($0.dropFirst()) || host.hasSuffix($0) }
    }

    /// Classifies a host name (case and a trailing dot do not matter).
    public static func classify(_ host: String) -> PortalHost {
        let host = normalize(host)
        let labels = host.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        // Longest suffixes first, so `.portal.amazonaws.com.cn` is not read as `.portal.amazonaws.com`.
        for form in PortalHostForm.allCases.sorted(by: { $0.suffix.count > $1.suffix.count }) where host.hasSuffix(form.suffix) {
            let head = labels.dropLast(form.suffix.split(separator: ".").count)
            if form.isDualStack {
                // {ssoins}.portal.{region}
                if head.count == 3, head[head.startIndex + 1] == "portal", isLabel(head.first!), isRegionLabel(head.last!) {
                    return .regional(instanceId: head.first!, region: head.last!, form: form)
                }
            } else if head.count == 2, isLabel(head.first!), isRegionLabel(head.last!) {
                // {ssoins}.{region}
                return .regional(instanceId: head.first!, region: head.last!, form: form)
            }
        }
        return isAWSOwned(host) ? .otherAWS(host) : .notAWS(host)
    }

    private static func normalize(_ host: String) -> String {
        var host = host.lowercased()
        if host.hasSuffix(".") { host.removeLast() }
        return host
    }

    private static func isLabel(_ text: String) -> Bool {
        !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }

    /// The resolver's `[a-z0-9-]+`.
    private static func isRegionLabel(_ text: String) -> Bool {
        !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
    }
}
