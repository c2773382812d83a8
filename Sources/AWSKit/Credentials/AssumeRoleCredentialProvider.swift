/// Stands where botocore's `AssumeRoleProvider` (and its web-identity and `aws login` providers) stand,
/// so that a profile configured for them fails loudly instead of silently falling through to a
/// weaker source (another profile's keys, the instance role): idcsync does not assume roles yet.
///
/// It is also the first provider to read the shared files, so a broken file or an explicitly
/// selected profile that does not exist stops the chain here.
public struct AssumeRoleCredentialProvider: CredentialProvider {
    public var name: String { "assume role (profile \(context.profileName))" }
    let context: ProfileContext

    init(context: ProfileContext) {
        self.context = context
    }

    public func credentials() async throws(AWSError) -> AWSCredentials? {
        let (_, profile) = try context.load()
        let profileName = context.profileName
        let fix = "use a profile with SSO (sso_session or sso_start_url), credential_process or access keys, or run idcsync with the role's credentials in the environment"
        if let roleArn = profile["role_arn"] {
            let how = profile["web_identity_token_file"] != nil ? "with a web identity token (web_identity_token_file)"
                : profile["source_profile"].map { "from source_profile \($0)" }
                ?? profile["credential_source"].map { "from credential_source \($0)" } ?? ""
            throw AWSError.configuration(
                "AWS profile \"\(profileName)\" assumes the role \(roleArn)\(how.isEmpty ? "" : " \(how)"), and idcsync does not support assuming roles yet; \(fix)")
        }
        if profile["web_identity_token_file"] != nil {
            throw AWSError.configuration(
                "AWS profile \"\(profileName)\" sets web_identity_token_file (assume role with web identity), which idcsync does not support yet; \(fix)")
        }
        if let file = context.environment["AWS_WEB_IDENTITY_TOKEN_FILE"], !file.isEmpty {
            throw AWSError.configuration(
                "AWS_WEB_IDENTITY_TOKEN_FILE is set (assume role with web identity, e.g. EKS IAM roles for service accounts), which idcsync does not support yet; unset it or provide credentials in the environment, a profile or the container credentials endpoint")
        }
        if let session = profile["login_session"] {
            throw AWSError.configuration(
                "AWS profile \"\(profileName)\" uses login_session \(session) (`aws login`), which idcsync does not support yet; \(fix)")
        }
        return nil
    }
}
