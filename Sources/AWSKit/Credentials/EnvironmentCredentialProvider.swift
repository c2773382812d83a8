import HTTPKit

/// `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY`, with `AWS_SESSION_TOKEN` (or the older
/// `AWS_SECURITY_TOKEN`) and `AWS_CREDENTIAL_EXPIRATION`, as botocore's `EnvProvider`. An empty
/// variable counts as unset. One key without the other is an error naming the missing variable.
public struct EnvironmentCredentialProvider: CredentialProvider {
    public let name = "environment"
    let environment: [String: String]

    init(environment: [String: String]) {
        self.environment = environment
    }

    public func credentials() async throws(AWSError) -> AWSCredentials? {
        try load()
    }

    func load() throws(AWSError) -> AWSCredentials? {
        func value(_ variable: String) -> String? {
            guard let text = environment[variable], !text.isEmpty else { return nil }
            return text
        }
        for variable in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"] {
            guard let text = value(variable) else { continue }
            if variable != "AWS_ACCESS_KEY_ID" { Redactor.register(text) }
            try CredentialValue.check(text, named: variable, source: name)
        }
        let accessKey = value("AWS_ACCESS_KEY_ID")
        let secretKey = value("AWS_SECRET_ACCESS_KEY")
        switch (accessKey, secretKey) {
        case (nil, nil):
            return nil
        case (_?, nil):
            throw AWSError.credentials(source: name, reason: "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not; set both, or unset AWS_ACCESS_KEY_ID to use a profile")
        case (nil, _?):
            throw AWSError.credentials(source: name, reason: "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not; set both, or unset AWS_SECRET_ACCESS_KEY to use a profile")
        case (let accessKey?, let secretKey?):
            // botocore looks at AWS_SECURITY_TOKEN first; both names mean the same thing.
            let token = value("AWS_SECURITY_TOKEN") ?? value("AWS_SESSION_TOKEN")
            var expiration: Double?
            if let text = value("AWS_CREDENTIAL_EXPIRATION") {
                guard let seconds = Timestamp.parseISO8601(text) else {
                    throw AWSError.credentials(source: name, reason: "AWS_CREDENTIAL_EXPIRATION is not an ISO 8601 time (e.g. 2026-11-21T10:00:00Z)")
                }
                expiration = seconds
            }
            return AWSCredentials(accessKeyId: accessKey, secretAccessKey: Secret(secretKey), sessionToken: token.map(Secret.init),
                                  expiration: expiration, source: name)
        }
    }
}
