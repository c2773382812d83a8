/// Parsed identifiers. Each `parse` returns the value or a sentence saying what is wrong and what is
/// allowed; the config parser adds the file, line and field to that sentence.

/// An AWS Region name such as `ap-northeast-1`, known to belong to a supported partition.
public struct Region: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let name: String
    public let partition: Partition

    /// sso-admin's `RegionName` pattern, anchored: `([a-z]+-){2,3}\d`.
    public static func parse(_ text: String) -> Result<Region, IdentifierError> {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        let shapeOK = (3...4).contains(parts.count)
            && parts.dropLast().allSatisfy { !$0.isEmpty && $0.allSatisfy { $0 >= "a" && $0 <= "z" } }
            && parts.last!.count == 1 && parts.last!.allSatisfy { $0 >= "0" && $0 <= "9" }
        guard shapeOK else {
            return .failure(IdentifierError(
                "\"\(text)\" is not a Region name; a Region is two or three lowercase words and one digit joined by hyphens (pattern ([a-z]+-){2,3}\\d), e.g. ap-northeast-1"))
        }
        switch Partition.of(regionName: text) {
        case .supported(let partition):
            return .success(Region(name: text, partition: partition))
        case .unsupported(let partition):
            return .failure(IdentifierError(
                "Region \(text) is in partition \(partition), where IAM Identity Center multi-Region replication is not available; idcsync supports \(Partition.allCases.map(\.rawValue).joined(separator: ", "))"))
        case .unknown:
            return .failure(IdentifierError(
                "Region \(text) belongs to no known AWS partition (Regions start with us-, eu-, ap-, sa-, ca-, me-, af-, il-, mx-, cn- or us-gov-)"))
        }
    }

    public init(name: String, partition: Partition) {
        self.name = name
        self.partition = partition
    }

    /// A known Region of the same partition that is one or two edits away, for a "did you mean" warning.
    public var nearMiss: String? {
        guard !partition.knownRegions.contains(name) else { return nil }
        return Suggestions.closest(to: name, in: partition.knownRegions, maxDistance: 2)
    }

    public var description: String { name }
    public static func < (lhs: Region, rhs: Region) -> Bool { lhs.name < rhs.name }
}

/// A 12-digit AWS account id, kept as text so leading zeros survive.
public struct AccountID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let value: String

    public static func parse(_ text: String) -> Result<AccountID, IdentifierError> {
        guard text.count == 12, text.allSatisfy({ $0 >= "0" && $0 <= "9" }) else {
            return .failure(IdentifierError("\"\(text)\" is not an AWS account id; an account id is exactly 12 digits (quote it in YAML if it starts with 0)"))
        }
        return .success(AccountID(value: text))
    }

    public init(value: String) { self.value = value }
    public var description: String { value }
    public static func < (lhs: AccountID, rhs: AccountID) -> Bool { lhs.value < rhs.value }

    public func rootARN(in partition: Partition) -> String { "arn:\(partition.arnPrefix):iam::\(value):root" }
}

/// An IAM Identity Center instance ARN: `arn:aws(-[a-z]{1,5}){0,3}:sso:::instance/(sso)?ins-[a-zA-Z0-9-.]{16}`.
public struct InstanceARN: Sendable, Hashable, CustomStringConvertible {
    public let value: String
    public let partition: Partition
    /// The last path segment, e.g. `ssoins-1234567890abcdef`; the regional portal hosts start with it.
    public let instanceId: String

    public static func parse(_ text: String) -> Result<InstanceARN, IdentifierError> {
        let example = "arn:aws:sso:::instance/ssoins-1234567890abcdef"
        let fields = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 6, fields[0] == "arn", fields[2] == "sso", fields[3].isEmpty, fields[4].isEmpty,
              fields[5].hasPrefix("instance/")
        else {
            return .failure(IdentifierError("\"\(text)\" is not an IAM Identity Center instance ARN; expected the form \(example)"))
        }
        let id = String(fields[5].dropFirst("instance/".count))
        let suffix: Substring
        if id.hasPrefix("ssoins-") {
            suffix = id.dropFirst("ssoins-".count)
        } else if id.hasPrefix("ins-") {
            suffix = id.dropFirst("ins-".count)
        } else {
            return .failure(IdentifierError("\"\(text)\" is not an IAM Identity Center instance ARN; the instance id must start with ssoins- (e.g. \(example))"))
        }
        guard suffix.count == 16, suffix.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }) else {
            return .failure(IdentifierError("\"\(text)\" is not an IAM Identity Center instance ARN; the instance id is ssoins- followed by 16 letters or digits (e.g. \(example))"))
        }
        switch parsePartition(fields[1], in: text) {
        case .success(let partition):
            return .success(InstanceARN(value: text, partition: partition, instanceId: id))
        case .failure(let error):
            return .failure(error)
        }
    }
    public var description: String { value }
}

/// A KMS key ARN: `arn:PARTITION:kms:REGION:ACCOUNT:key/(mrk-<32 hex>|<uuid>)`.
public struct KeyARN: Sendable, Hashable, CustomStringConvertible {
    public let value: String
    public let partition: Partition
    public let region: Region
    public let account: AccountID
    public let keyId: String

    /// Multi-Region key ids start with `mrk-`; a single-Region key can never become multi-Region.
    public var isMultiRegion: Bool { keyId.hasPrefix("mrk-") }

    /// The same key id in any Region: matches the primary key and all its replicas.
    public var anyRegionPattern: String { "arn:\(partition.arnPrefix):kms:*:\(account.value):key/\(keyId)" }

    /// A key ARN as a user types it: every part checked, the key id included.
    public static func parse(_ text: String) -> Result<KeyARN, IdentifierError> {
        parse(text, strictKeyId: true)
    }

    /// A key ARN as AWS returns it (DescribeInstance): only the parts idcsync needs are checked
    /// (partition, Region, account); a key id of a shape AWS has not documented is used as given.
    public static func parseReturned(_ text: String) -> Result<KeyARN, IdentifierError> {
        parse(text, strictKeyId: false)
    }

    private static func parse(_ text: String, strictKeyId: Bool) -> Result<KeyARN, IdentifierError> {
        let example = "arn:aws:kms:ap-northeast-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab"
        let fields = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 6, fields[0] == "arn", fields[2] == "kms", fields[5].hasPrefix("key/") else {
            return .failure(IdentifierError("\"\(text)\" is not a KMS key ARN; expected the form \(example) (an alias ARN is not accepted)"))
        }
        let partition: Partition
        switch parsePartition(fields[1], in: text) {
        case .success(let value): partition = value
        case .failure(let error): return .failure(error)
        }
        let region: Region
        switch Region.parse(fields[3]) {
        case .success(let value): region = value
        case .failure(let error): return .failure(IdentifierError("in key ARN \"\(text)\": \(error.message)"))
        }
        guard region.partition == partition else {
            return .failure(IdentifierError("key ARN \"\(text)\" names partition \(partition.rawValue) but Region \(region.name) is in \(region.partition.rawValue)"))
        }
        let account: AccountID
        switch AccountID.parse(fields[4]) {
        case .success(let value): account = value
        case .failure(let error): return .failure(IdentifierError("in key ARN \"\(text)\": \(error.message)"))
        }
        let keyId = String(fields[5].dropFirst("key/".count))
        guard isMultiRegionKeyId(keyId) || isUUID(keyId) || (!strictKeyId && !keyId.isEmpty && !keyId.contains(where: { $0 == "/" || $0.isWhitespace })) else {
            return .failure(IdentifierError("\"\(text)\" is not a KMS key ARN; the key id must be mrk- followed by 32 hex digits, or a UUID (e.g. \(example))"))
        }
        return .success(KeyARN(value: text, partition: partition, region: region, account: account, keyId: keyId))
    }
    public var description: String { value }
}

/// An identity store id such as `d-1234567890` (sso-admin also allows a UUID form).
public struct IdentityStoreID: Sendable, Hashable, CustomStringConvertible {
    public let value: String

    public static func parse(_ text: String) -> Result<IdentityStoreID, IdentifierError> {
        let isShort = text.hasPrefix("d-") && text.count == 12 && text.dropFirst(2).allSatisfy(\.isHexDigitLower)
        guard isShort || isUUID(text) else {
            return .failure(IdentifierError("\"\(text)\" is not an identity store id; expected d- followed by 10 lowercase hex digits (e.g. d-1234567890)"))
        }
        return .success(IdentityStoreID(value: text))
    }

    public func arn(partition: Partition, account: AccountID) -> String {
        "arn:\(partition.arnPrefix):identitystore::\(account.value):identitystore/\(value)"
    }
    public var description: String { value }
}

/// An IAM principal ARN for a key policy `Principal` (a role, user or account root of one partition).
public struct PrincipalARN: Sendable, Hashable, CustomStringConvertible {
    public let value: String
    public let partition: Partition
    public let account: AccountID

    public static func parse(_ text: String) -> Result<PrincipalARN, IdentifierError> {
        let example = "arn:aws:iam::111122223333:role/KeyAdmin"
        let fields = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 6, fields[0] == "arn", fields[2] == "iam", fields[3].isEmpty,
              fields[5] == "root" || fields[5].hasPrefix("role/") || fields[5].hasPrefix("user/")
        else {
            return .failure(IdentifierError("\"\(text)\" is not an IAM role, user or account-root ARN; expected e.g. \(example)"))
        }
        guard !fields[5].contains("*") else {
            return .failure(IdentifierError("\"\(text)\" contains a wildcard; a key policy Principal must name an existing role, user or account root"))
        }
        return parsePartitionAndAccount(fields, in: text).map { PrincipalARN(value: text, partition: $0.0, account: $0.1) }
    }
    public var description: String { value }
}

/// An AWS Organizations id such as `o-a1b2c3d4e5`.
public struct OrganizationID: Sendable, Hashable, CustomStringConvertible {
    public let value: String
    public static func parse(_ text: String) -> Result<OrganizationID, IdentifierError> {
        let body = text.dropFirst(2)
        guard text.hasPrefix("o-"), (10...32).contains(body.count),
              body.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber) })
        else {
            return .failure(IdentifierError("\"\(text)\" is not an AWS Organizations id; expected o- followed by 10 to 32 lowercase letters or digits (e.g. o-a1b2c3d4e5)"))
        }
        return .success(OrganizationID(value: text))
    }
    public var description: String { value }
}

public struct IdentifierError: Error, Sendable, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
}

private func parsePartition(_ field: String, in arn: String) -> Result<Partition, IdentifierError> {
    switch Partition.of(arnPartition: field) {
    case .supported(let partition): .success(partition)
    case .unsupported(let name):
        .failure(IdentifierError("\"\(arn)\" is in partition \(name), where IAM Identity Center multi-Region replication is not available; idcsync supports aws, aws-cn, aws-us-gov"))
    case .unknown:
        .failure(IdentifierError("\"\(arn)\" has an unknown partition \"\(field)\"; expected aws, aws-cn or aws-us-gov"))
    }
}

/// The partition (field 2) and account (field 5) of a split IAM ARN.
private func parsePartitionAndAccount(_ fields: [String], in arn: String) -> Result<(Partition, AccountID), IdentifierError> {
    parsePartition(fields[1], in: arn).flatMap { partition in
        AccountID.parse(fields[4])
            .map { (partition, $0) }
            .mapError { IdentifierError("in ARN \"\(arn)\": \($0.message)") }
    }
}

private func isMultiRegionKeyId(_ id: String) -> Bool {
    id.hasPrefix("mrk-") && id.count == 36 && id.dropFirst(4).allSatisfy(\.isHexDigitLower)
}

func isUUID(_ text: String) -> Bool {
    let groups = text.split(separator: "-", omittingEmptySubsequences: false)
    return groups.map(\.count) == [8, 4, 4, 4, 12] && groups.allSatisfy { $0.allSatisfy(\.isHexDigitLower) }
}

extension Character {
    var isHexDigitLower: Bool { ("0"..."9").contains(self) || ("a"..."f").contains(self) }
}

/// An IAM role ARN, possibly with `*` or `?` wildcards in its path or name, that administers IAM
/// Identity Center besides the `AWSReservedSSO_` roles (matched with `ArnLike aws:PrincipalArn`).
public struct AdminRole: Sendable, Hashable, CustomStringConvertible {
    public let value: String
    public let partition: Partition
    public let account: AccountID

    public static func parse(_ text: String) -> Result<AdminRole, IdentifierError> {
        let fields = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 6, fields[0] == "arn", fields[2] == "iam", fields[3].isEmpty, fields[5].hasPrefix("role/"),
              fields[5].count > "role/".count
        else {
            return .failure(IdentifierError("\"\(text)\" is not an IAM role ARN; expected e.g. arn:aws:iam::111122223333:role/idcsync-runner (wildcards * and ? are allowed in the role name)"))
        }
        return parsePartitionAndAccount(fields, in: text).map { AdminRole(value: text, partition: $0.0, account: $0.1) }
    }
    public var description: String { value }
}

/// The base URL of an Okta org: https, or http on a loopback host (for local testing only).
public enum OktaOrgURL {
    public static func parse(_ text: String) -> Result<String, IdentifierError> {
        let example = "https://example.okta.com"
        // Neither check quotes the text: a line break would split the message, a password would print.
        if let control = text.unicodeScalars.first(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
            let what = control == "\n" || control == "\r" ? "a line break" : "a control character"
            return .failure(IdentifierError("the Okta org URL contains \(what) (control characters are not allowed in a URL); give the org's base URL alone on one line, e.g. \(example)"))
        }
        if let scheme = text.firstRange(of: "://"), text[scheme.upperBound...].prefix(while: { !"/?#".contains($0) }).contains("@") {
            return .failure(IdentifierError("the Okta org URL has a user name or password before \"@\" (not shown here); give only the org's base URL, e.g. \(example): credentials never go in the URL or the config file. If this URL was shared or committed, change that password"))
        }
        let scheme: String
        if text.hasPrefix("https://") { scheme = "https" } else if text.hasPrefix("http://") { scheme = "http" } else {
            return .failure(IdentifierError("\"\(text)\" is not an Okta org URL; expected the org's https base URL, e.g. \(example)"))
        }
        let rest = text.dropFirst(scheme.count + 3)
        let authority = rest.prefix { !"/?#".contains($0) }
        let tail = rest.dropFirst(authority.count)
        guard !authority.isEmpty, !authority.contains("@") else {
            return .failure(IdentifierError("\"\(text)\" is not an Okta org URL; expected a host such as \(example) (no user name or password)"))
        }
        guard tail.isEmpty || tail == "/" else {
            return .failure(IdentifierError("\"\(text)\" has a path, query or fragment; give only the org's base URL, e.g. \(example)"))
        }
        let host: Substring
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                return .failure(IdentifierError("\"\(text)\" has an unterminated IPv6 address"))
            }
            host = authority[...close]
            let port = authority[authority.index(after: close)...]
            guard port.isEmpty || (port.hasPrefix(":") && isPort(port.dropFirst())) else {
                return .failure(IdentifierError("\"\(text)\" has an invalid port"))
            }
        } else {
            let parts = authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            host = parts[0]
            guard parts.count == 1 || isPort(parts[1]) else {
                return .failure(IdentifierError("\"\(text)\" has an invalid port; a port is a number from 1 to 65535"))
            }
            guard !host.isEmpty, host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }) else {
                return .failure(IdentifierError("\"\(text)\" has an invalid host name"))
            }
        }
        let lowered = host.lowercased()
        if lowered.split(separator: ".").first?.hasSuffix("-admin") == true {
            let fixed = text.replacing("-admin.", with: ".")
            return .failure(IdentifierError("\"\(text)\" is the Admin Console host; give the org URL without -admin, e.g. \(fixed)"))
        }
        if scheme == "http" && !isLoopback(lowered) {
            return .failure(IdentifierError("\"\(text)\" uses http; Okta org URLs must use https (http is allowed only for loopback hosts such as 127.0.0.1 or localhost, for local testing)"))
        }
        return .success(tail == "/" ? String(text.dropLast()) : text)
    }

    public static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "[::1]" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    private static func isPort(_ text: Substring) -> Bool {
        guard let port = Int(text) else { return false }
        return (1...65535).contains(port)
    }
}
