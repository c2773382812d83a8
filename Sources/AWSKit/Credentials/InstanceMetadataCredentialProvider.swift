import HTTPKit
import IDCSyncCore

/// The EC2 instance role from the instance metadata service, as botocore's
/// `InstanceMetadataProvider` and `InstanceMetadataFetcher`:
///
/// 1. `PUT /latest/api/token` with `X-aws-ec2-metadata-token-ttl-seconds: 21600` (IMDSv2 session);
/// 2. `GET /latest/meta-data/iam/security-credentials/` → the role name;
/// 3. `GET /latest/meta-data/iam/security-credentials/<role>` → `{Code, AccessKeyId,
///    SecretAccessKey, Token, Expiration}`; both GETs carry `X-aws-ec2-metadata-token`.
///
/// Each request has a 1 s timeout and a single attempt (botocore's defaults), so off EC2 this costs
/// at most about a second: no answer to the token request means "not on EC2" (`nil`), and unlike
/// botocore the IMDSv1 retry is skipped then. When the token request is refused (403/404/405/5xx)
/// the GETs go without a token (IMDSv1) unless `AWS_EC2_METADATA_V1_DISABLED` or
/// `ec2_metadata_v1_disabled` forbids it. No role listed → `nil`. A listed role whose credentials
/// cannot be read is an error (botocore moves on silently, which ends in "no credentials").
///
/// `AWS_EC2_METADATA_DISABLED=true` turns the provider off; `AWS_EC2_METADATA_SERVICE_ENDPOINT` (or
/// the profile's `ec2_metadata_service_endpoint`) replaces `http://169.254.169.254`, and
/// `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6` (or `ec2_metadata_service_endpoint_mode`) selects
/// `http://[fd00:ec2::254]`.
public struct InstanceMetadataCredentialProvider: CredentialProvider {
    public let name = "IMDSv2"
    let context: ProfileContext
    let transport: any HTTPTransport
    var timeout: Duration = .seconds(1)

    static let tokenTTL = "21600"
    static let credentialsPath = "latest/meta-data/iam/security-credentials/"

    init(context: ProfileContext, transport: any HTTPTransport) {
        self.context = context
        self.transport = transport
    }

    private func failure(_ reason: String) -> AWSError { .credentials(source: name, reason: reason) }

    /// An environment variable, else the selected profile's setting (never an error: a broken or
    /// missing profile has already stopped the chain before this provider).
    private func setting(_ variable: String, _ key: String, profile: [String: String]) -> (value: String, origin: String)? {
        if let value = context.environment[variable], !value.isEmpty { return (value, variable) }
        if let value = profile[key], !value.isEmpty { return (value, "\(key) in profile \(context.profileName)") }
        return nil
    }

    func baseURL(profile: [String: String]) throws(AWSError) -> String {
        if let found = setting("AWS_EC2_METADATA_SERVICE_ENDPOINT", "ec2_metadata_service_endpoint", profile: profile) {
            let endpoint = found.value, origin = found.origin
            guard let parts = CredentialURL(endpoint), parts.scheme == "http" || parts.scheme == "https" else {
                throw AWSError.configuration("\(origin) (\(endpoint)) is not an http or https URL for the EC2 instance metadata service")
            }
            return endpoint
        }
        if let found = setting("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "ec2_metadata_service_endpoint_mode", profile: profile) {
            let mode = found.value, origin = found.origin
            switch mode.lowercased() {
            case "ipv6": return "http://[fd00:ec2::254]"
            case "ipv4": break
            default: throw AWSError.configuration("\(origin) is \"\(mode)\"; it must be IPv4 or IPv6")
            }
        }
        return "http://169.254.169.254"
    }

    public func credentials() async throws(AWSError) -> AWSCredentials? {
        guard context.environment["AWS_EC2_METADATA_DISABLED"]?.lowercased() != "true" else { return nil }
        let profile = (try? context.load().profile) ?? [:]
        let base = try baseURL(profile: profile)
        func url(_ path: String) -> String { base + (base.hasSuffix("/") ? "" : "/") + path }
        let v1Disabled = setting("AWS_EC2_METADATA_V1_DISABLED", "ec2_metadata_v1_disabled", profile: profile)?.value.lowercased() == "true"

        // 1. The session token.
        let token: String?
        let tokenResponse: HTTPResponse
        do {
            tokenResponse = try await transport.send(HTTPRequest(
                method: "PUT", url: url("latest/api/token"), headers: [("X-aws-ec2-metadata-token-ttl-seconds", Self.tokenTTL)], timeout: timeout))
        } catch {
            return nil // Not on EC2 (or the hop limit hides IMDS): not configured.
        }
        switch tokenResponse.status {
        case 200:
            let text = tokenResponse.bodyText.trimmingWhitespace()
            guard !text.isEmpty else { return nil }
            token = text
        case 400:
            return nil // botocore: a bad request means no usable IMDS.
        default:
            guard !v1Disabled else {
                throw failure("the metadata service refused a session token (status \(tokenResponse.status)) and IMDSv1 is disabled (AWS_EC2_METADATA_V1_DISABLED / ec2_metadata_v1_disabled)")
            }
            token = nil
        }
        let version = token == nil ? "IMDSv1" : "IMDSv2"
        let headers: [(name: String, value: String)] = token.map { [("X-aws-ec2-metadata-token", $0)] } ?? []

        // 2. The role name; none means the instance has no instance profile.
        guard let roleResponse = try? await transport.send(HTTPRequest(method: "GET", url: url(Self.credentialsPath), headers: headers, timeout: timeout)),
              roleResponse.status == 200,
              let role = roleResponse.bodyText.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map({ String($0).trimmingWhitespace() }).first(where: { !$0.isEmpty })
        else { return nil }

        // 3. The role's credentials.
        let roleURL = url(Self.credentialsPath + PercentEncoding.encode(role))
        let response: HTTPResponse
        do {
            response = try await transport.send(HTTPRequest(method: "GET", url: roleURL, headers: headers, timeout: timeout))
        } catch {
            throw failure("the instance role \(role) is listed but its credentials did not arrive: \(error)")
        }
        guard response.status == 200 else {
            throw failure("the metadata service answered status \(response.status) for the credentials of the instance role \(role)")
        }
        guard let document = try? JSONParser.parse(response.body), case .object = document else {
            throw failure("the credentials of the instance role \(role) are not a JSON object")
        }
        if let code = CredentialJSON.string(document["Code"]), code != "Success" {
            let message = CredentialText.firstLine(CredentialJSON.string(document["Message"]) ?? "")
            throw failure("the metadata service has no credentials for the instance role \(role): \(code)\(message.isEmpty ? "" : ": \(message)")")
        }
        guard let accessKey = CredentialJSON.string(document["AccessKeyId"]), !accessKey.isEmpty,
              let secretKey = CredentialJSON.string(document["SecretAccessKey"]), !secretKey.isEmpty,
              let sessionToken = CredentialJSON.string(document["Token"]), !sessionToken.isEmpty,
              let expirationText = CredentialJSON.string(document["Expiration"])
        else {
            throw failure("the credentials of the instance role \(role) lack AccessKeyId, SecretAccessKey, Token or Expiration")
        }
        guard let expiration = Timestamp.parseISO8601(expirationText) else {
            throw failure("the credentials of the instance role \(role) have an Expiration that is not an ISO 8601 time")
        }
        return AWSCredentials(accessKeyId: accessKey, secretAccessKey: Secret(secretKey), sessionToken: Secret(sessionToken),
                              expiration: expiration, source: "\(version) (instance role \(role))")
    }
}
