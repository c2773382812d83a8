/// Access keys written into the shared config file (`AWS_CONFIG_FILE` or `~/.aws/config`), in
/// `[profile NAME]` or `[default]`, as botocore's `ConfigProvider`.
public struct ConfigFileCredentialProvider: CredentialProvider {
    public var name: String { "profile \(context.profileName) (\(context.locations.display(context.locations.configPath)))" }
    let context: ProfileContext

    init(context: ProfileContext) {
        self.context = context
    }

    public func credentials() async throws(AWSError) -> AWSCredentials? {
        let (config, _) = try context.load()
        guard let section = config.configProfiles[context.profileName] else { return nil }
        return try StaticKeys.credentials(in: section, source: name, file: context.locations.display(context.locations.configPath))
    }
}
