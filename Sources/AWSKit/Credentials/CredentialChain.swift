import HTTPKit

/// The AWS credential chain in botocore's order, limited to the sources idcsync supports:
///
/// 1. environment (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`);
/// 2. for the selected profile (`AWS_PROFILE`, else the idcsync config's `aws.profile`, else
///    `default`): assume role (refused with a clear error: not supported yet), SSO, the shared
///    credentials file, `credential_process`, keys in the shared config file;
/// 3. container credentials (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` / `_FULL_URI`);
/// 4. the EC2 instance metadata service (IMDSv2).
///
/// The first source with credentials wins. A source that is configured but broken stops the chain
/// with an error naming it and why; a source that is not configured passes. botocore skips the
/// environment when a profile is passed in code, not when it comes from `AWS_PROFILE`; here the
/// environment always comes first, so keys exported in CI win over the config's `aws.profile`.
public struct CredentialChain: Sendable {
    public let providers: [any CredentialProvider]

    /// - Parameters:
    ///   - environment: the process environment (or a test's).
    ///   - profile: the idcsync config file's `aws.profile`; `AWS_PROFILE` wins when set.
    ///   - home: the home folder, for `~/.aws`.
    ///   - transport: for the SSO, container and instance metadata calls.
    ///   - time: for token expiry checks and retry pauses.
    public init(environment: [String: String], profile: String?, home: String, transport: any HTTPTransport, time: any TimeSource) {
        let context = ProfileContext(environment: environment, profile: profile, home: home)
        providers = [
            EnvironmentCredentialProvider(environment: environment),
            AssumeRoleCredentialProvider(context: context),
            SSOCredentialProvider(context: context, transport: transport, time: time),
            SharedCredentialsFileProvider(context: context),
            ProcessCredentialProvider(context: context, time: time),
            ConfigFileCredentialProvider(context: context),
            ContainerCredentialProvider(environment: environment, transport: transport, time: time),
            InstanceMetadataCredentialProvider(context: context, transport: transport),
        ]
    }

    /// A chain of the given providers (tests, or a command that wants one source only).
    public init(providers: [any CredentialProvider]) {
        self.providers = providers
    }

    /// The credentials of the first source that has them.
    public func resolve() async throws(AWSError) -> AWSCredentials {
        for provider in providers {
            if let credentials = try await provider.credentials() {
                try CredentialValue.check(credentials)
                return credentials
            }
        }
        throw AWSError.noCredentials(tried: providers.map(\.name))
    }
}
