import IDCSyncCore

/// The Region idcsync sends requests to when a command does not fix it.
public enum AWSRegionResolver {
    /// The first of: the command-line flag, the idcsync config's value, `AWS_REGION`,
    /// `AWS_DEFAULT_REGION`, and the `region` of the selected profile (`AWS_PROFILE`, else `profile`,
    /// else `default`) in the shared config file (`AWS_CONFIG_FILE` or `~/.aws/config`), or in the
    /// credentials file as botocore also reads it there. Empty values count as unset. `nil` when none
    /// is set; an unreadable or broken file counts as no setting here (the credential chain reports
    /// it).
    public static func region(flag: String?, config: String?, environment: [String: String], home: String, profile: String?) -> String? {
        for candidate in [flag, config, environment["AWS_REGION"], environment["AWS_DEFAULT_REGION"]] {
            if let value = candidate?.trimmingWhitespace(), !value.isEmpty { return value }
        }
        let selection = ProfileSelection.select(environment: environment, profile: profile)
        guard let shared = try? SharedConfig.load(SharedConfigLocations(environment: environment, home: home)),
              let region = shared.fullProfile(selection.name)?["region"]?.trimmingWhitespace(), !region.isEmpty
        else { return nil }
        return region
    }
}
