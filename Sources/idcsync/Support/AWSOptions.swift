import ArgumentParser
import IDCSyncCore

/// The AWS identity and starting Region of the commands that call AWS, like the AWS CLI's
/// `--profile` and `--region` (named apart from `urls --region`, which picks Regions to show).
struct AWSOptions: ParsableArguments {
    @Option(name: .customLong("aws-profile"), help: ArgumentHelp("The AWS profile for credentials.",
        discussion: "Default: keys in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, else AWS_PROFILE, else the config's aws.profile, else default. Given, the profile is used even when those keys are set, as the AWS CLI's --profile is.",
        valueName: "name"))
    var profile: String?

    @Option(name: .customLong("aws-region"), help: ArgumentHelp("The Region to find the instance from (STS, ListInstances).",
        discussion: "Default: the config's aws.region, else AWS_REGION / AWS_DEFAULT_REGION, else the profile's region, else instance.primaryRegion. Region changes always go to the primary Region.",
        valueName: "region"))
    var region: RegionArgument?

    func validate() throws {
        if let profile, profile.trimmingWhitespace().isEmpty { throw ValidationError("--aws-profile must not be empty") }
        if let region, case .failure(let error) = region.parsed { throw ValidationError("--aws-region \(region.text): \(error.message)") }
    }

    /// `--aws-profile` wins over AWS_PROFILE and over keys in the environment, as the AWS CLI's
    /// `--profile` does (botocore skips the environment provider for an explicit profile).
    func apply(to environment: [String: String]) -> [String: String] {
        guard let profile else { return environment }
        var result = environment
        for name in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_CREDENTIAL_EXPIRATION"] {
            result[name] = nil
        }
        result["AWS_PROFILE"] = profile
        return result
    }

    /// `--aws-region` and `--aws-profile` in place of the config's `aws` section.
    func apply(to target: Target) -> Target {
        var result = target
        if let profile { result.aws.profile = profile }
        if let region { result.aws.region = region.region }
        return result
    }
}
