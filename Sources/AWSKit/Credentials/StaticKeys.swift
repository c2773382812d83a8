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
        return AWSCredentials(accessKeyId: accessKey, secretAccessKey: Secret(secretKey), sessionToken: token.map(Secret.init), source: source)
    }
}
