import HTTPKit

/// AWS credentials and where they came from (for messages; the secret parts never print).
public struct AWSCredentials: Sendable, Equatable {
    public var accessKeyId: String
    public var secretAccessKey: Secret
    public var sessionToken: Secret?
    /// Seconds since 1970 when temporary credentials expire; `nil` for long-lived keys.
    public var expiration: Double?
    /// The provider that supplied them, e.g. "environment", "profile prod (~/.aws/credentials)", "IMDSv2".
    public var source: String

    public init(accessKeyId: String, secretAccessKey: Secret, sessionToken: Secret? = nil, expiration: Double? = nil, source: String) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
        self.source = source
    }
}

/// One source of the credential chain.
public protocol CredentialProvider: Sendable {
    /// A name for messages ("environment", "IMDSv2", ...).
    var name: String { get }
    /// The credentials, `nil` when this source is not configured (the chain moves on), or an error
    /// when it is configured but broken (the chain stops and says why).
    func credentials() async throws(AWSError) -> AWSCredentials?
}
