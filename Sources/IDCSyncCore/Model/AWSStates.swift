/// A value AWS returns from a set that may grow: the known cases, or `other` holding the text as AWS
/// sent it. Parsing never fails on a value this release does not know; `rawValue` (and `description`)
/// give the text back unchanged for messages and JSON.
public protocol AWSStateValue: Hashable, Sendable, CustomStringConvertible {
    /// Every known case (not `other`).
    static var known: [Self] { get }
    static func other(_ text: String) -> Self
    var rawValue: String { get }
}

extension AWSStateValue {
    /// The known case whose text is `text`, else `other(text)`.
    public init(parsing text: String) {
        self = Self.known.first { $0.rawValue == text } ?? .other(text)
    }

    public var description: String { rawValue }

    /// False for `other`: a value this release does not know.
    public var isKnown: Bool { Self.known.contains(self) }
}

/// IAM Identity Center's status of one Region of an instance (ListRegions, DescribeRegion, AddRegion,
/// RemoveRegion). ADDING ends in ACTIVE; REMOVING ends with the Region gone.
public enum IdentityCenterRegionStatus: AWSStateValue {
    case active, adding, removing
    case other(String)

    public static let known: [Self] = [.active, .adding, .removing]

    public var rawValue: String {
        switch self {
        case .active: "ACTIVE"
        case .adding: "ADDING"
        case .removing: "REMOVING"
        case .other(let text): text
        }
    }

    /// ACTIVE, or ADDING on the way to ACTIVE: the Region counts as the instance's (Okta slots, guides).
    public var isEnabledOrBecomingSo: Bool {
        switch self {
        case .active, .adding: true
        case .removing, .other: false
        }
    }

    /// An addition or removal is under way.
    public var isChanging: Bool {
        switch self {
        case .adding, .removing: true
        case .active, .other: false
        }
    }
}

/// A KMS key's `KeyState` (DescribeKey, ReplicateKey). A new replica is Creating for seconds, then Enabled.
public enum KMSKeyState: AWSStateValue {
    case creating, enabled, disabled, pendingDeletion, pendingImport, pendingReplicaDeletion, unavailable, updating
    case other(String)

    public static let known: [Self] = [.creating, .enabled, .disabled, .pendingDeletion, .pendingImport, .pendingReplicaDeletion,
                                       .unavailable, .updating]

    public var rawValue: String {
        switch self {
        case .creating: "Creating"
        case .enabled: "Enabled"
        case .disabled: "Disabled"
        case .pendingDeletion: "PendingDeletion"
        case .pendingImport: "PendingImport"
        case .pendingReplicaDeletion: "PendingReplicaDeletion"
        case .unavailable: "Unavailable"
        case .updating: "Updating"
        case .other(let text): text
        }
    }

    /// Enabled, or Creating on the way to Enabled: a replica in any other state needs a person.
    public var isUsableOrBecomingSo: Bool {
        switch self {
        case .enabled, .creating: true
        case .disabled, .pendingDeletion, .pendingImport, .pendingReplicaDeletion, .unavailable, .updating, .other: false
        }
    }
}

/// An ACM certificate's `Status`. Client VPN needs ISSUED.
public enum CertificateStatus: AWSStateValue {
    case pendingValidation, issued, inactive, expired, validationTimedOut, revoked, failed
    case other(String)

    public static let known: [Self] = [.pendingValidation, .issued, .inactive, .expired, .validationTimedOut, .revoked, .failed]

    public var rawValue: String {
        switch self {
        case .pendingValidation: "PENDING_VALIDATION"
        case .issued: "ISSUED"
        case .inactive: "INACTIVE"
        case .expired: "EXPIRED"
        case .validationTimedOut: "VALIDATION_TIMED_OUT"
        case .revoked: "REVOKED"
        case .failed: "FAILED"
        case .other(let text): text
        }
    }
}

/// An ACM certificate's key algorithm, in the spelling of ListCertificates' `keyTypes` filter
/// (RSA_2048). Client VPN takes RSA_2048 and RSA_1024.
public enum CertificateKeyAlgorithm: AWSStateValue {
    case rsa1024, rsa2048, rsa3072, rsa4096, ecPrime256v1, ecSecp384r1, ecSecp521r1
    case other(String)

    public static let known: [Self] = [.rsa1024, .rsa2048, .rsa3072, .rsa4096, .ecPrime256v1, .ecSecp384r1, .ecSecp521r1]

    /// DescribeCertificate and ListCertificates write RSA-2048 where the filter's enum says RSA_2048:
    /// both spellings parse to the same case.
    public init(responseText text: String) {
        self.init(parsing: text.replacingOccurrences(of: "-", with: "_"))
    }

    public var rawValue: String {
        switch self {
        case .rsa1024: "RSA_1024"
        case .rsa2048: "RSA_2048"
        case .rsa3072: "RSA_3072"
        case .rsa4096: "RSA_4096"
        case .ecPrime256v1: "EC_prime256v1"
        case .ecSecp384r1: "EC_secp384r1"
        case .ecSecp521r1: "EC_secp521r1"
        case .other(let text): text
        }
    }

    /// What Client VPN accepts for its server certificate.
    public var isAcceptedByClientVPN: Bool {
        switch self {
        case .rsa1024, .rsa2048: true
        case .rsa3072, .rsa4096, .ecPrime256v1, .ecSecp384r1, .ecSecp521r1, .other: false
        }
    }
}
