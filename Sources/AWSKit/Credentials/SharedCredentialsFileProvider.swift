/// The `[NAME]` section of the shared credentials file (`AWS_SHARED_CREDENTIALS_FILE` or
/// `~/.aws/credentials`), as botocore's `SharedCredentialProvider`.
public struct SharedCredentialsFileProvider: CredentialProvider {
    public var name: String { "profile \(context.profileName) (\(context.locations.display(context.locations.credentialsPath)))" }
    let context: ProfileContext

    init(context: ProfileContext) {
        self.context = context
    }

    public func credentials() async throws(AWSError) -> AWSCredentials? {
        let (config, _) = try context.load()
        guard let section = config.credentialsProfiles[context.profileName] else { return nil }
        return try StaticKeys.credentials(in: section, source: name, file: context.locations.display(context.locations.credentialsPath))
    }
}
