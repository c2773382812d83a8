import HTTPKit

/// `aws_access_key_id` + `aws_secret_access_key` (+ `aws_session_token`, or the older
/// `aws_security_token`) of a profile section, as botocore's `SharedCredentialProvider` and
/// `ConfigProvider` read them: a section without `aws_access_key_id` has no keys; one with it must
/// also have the secret key.
enum StaticKeys {
    static func credentials(in section: [String: String], source: String, file: String) throws(AWSError) -> AWSCredentials? {
        guard let accessKey = section["aws_access_key_id"] else { return nil }
        guard !accessKey.isEmpty else {
            throw AWSError.credentials(source: source, reason: "aws_access_key_id is empty in \(file)")
        }
        guard let secretKey = section["aws_secret_access_key"], !secretKey.isEmpty else {
            throw AWSError.credentials(source: source, reason: "aws_access_key_id is set but aws_secret_access_key is \(section["aws_secret_access_key"] == nil ? "missing" : "empty") in \(file)")
        }
        let token = [section["aws_security_token"], section["aws_session_token"]].compactMap { $0 }.first { !$0.isEmpty }
        for key in ["aws_access_key_id", "aws_secret_access_key", "aws_security_token", "aws_session_token"] {
            guard let text = section[key] else { continue }
            try CredentialValue.check(text, named: "\(key) in \(file)", source: source)
        }
        return AWSCredentials(accessKeyId: accessKey, secretAccessKey: Secret(secretKey), sessionToken: token.map(Secret.init), source: source)
    }
}

/// Credentials go into HTTP headers and signatures: a control character (a line break above all)
/// would inject a header or break the request, so it is refused, naming where the value came from
/// and never showing it.
public enum CredentialValue {
    public static func check(_ value: String, named name: String, source: String) throws(AWSError) {
        guard let control = Redactor.describeControlCharacter(in: value) else { return }
        throw AWSError.credentials(source: source, reason: "\(name) contains \(control), which a credential never has (the value is not shown); set it to the value alone, on one line")
    }

    /// The credentials any source returned (credential_process output, SSO, container, instance
    /// metadata), checked before they are used.
    public static func check(_ credentials: AWSCredentials) throws(AWSError) {
        try check(credentials.accessKeyId, named: "the access key id", source: credentials.source)
        try check(credentials.secretAccessKey.reveal(), named: "the secret access key", source: credentials.source)
        if let token = credentials.sessionToken { try check(token.reveal(), named: "the session token", source: credentials.source) }
    }
}
