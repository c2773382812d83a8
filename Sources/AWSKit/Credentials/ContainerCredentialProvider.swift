import HTTPKit
import IDCSyncCore
import SystemKit

/// Container credentials (ECS task roles, EKS Pod Identity, local emulators), as botocore's
/// `ContainerProvider` and `ContainerMetadataFetcher`:
///
/// - `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` → `http://169.254.170.2` + the URI; otherwise
///   `AWS_CONTAINER_CREDENTIALS_FULL_URI`, which must be `https`, or `http` to a loopback address or
///   one of the container hosts (169.254.170.2, 169.254.170.23, fd00:ec2::23, localhost);
/// - `Authorization:` the contents of `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (read at each call,
///   trailing line break dropped), else `AWS_CONTAINER_AUTHORIZATION_TOKEN`;
/// - the answer is `{AccessKeyId, SecretAccessKey, Token, Expiration}`.
///
/// Not set → not configured. Set but failing (bad URI, unreadable token file, no answer, bad
/// answer) → an error: whoever set the variables expects these credentials.
public struct ContainerCredentialProvider: CredentialProvider {
    public let name = "container credentials"
    let environment: [String: String]
    let transport: any HTTPTransport
    let time: any TimeSource
    /// As botocore: 2 s per attempt, 3 attempts, up to 1 s apart (botocore waits 1 s; here jittered).
    var timeout: Duration = .seconds(2)
    var retry = RetryPolicy(maximumAttempts: 3, base: .seconds(1), cap: .seconds(1))

    static let ecsHost = "169.254.170.2"
    static let allowedHosts = ["169.254.170.2", "169.254.170.23", "fd00:ec2::23", "localhost"]

    init(environment: [String: String], transport: any HTTPTransport, time: any TimeSource) {
        self.environment = environment
        self.transport = transport
        self.time = time
    }

    private func value(_ variable: String) -> String? {
        guard let text = environment[variable], !text.isEmpty else { return nil }
        return text
    }

    private func failure(_ reason: String) -> AWSError { .credentials(source: name, reason: reason) }

    /// The URL to ask, or `nil` when neither variable is set.
    func url() throws(AWSError) -> String? {
        if let relative = value("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
            return "http://\(Self.ecsHost)\(relative.hasPrefix("/") ? "" : "/")\(relative)"
        }
        guard let full = value("AWS_CONTAINER_CREDENTIALS_FULL_URI") else { return nil }
        guard let parts = CredentialURL(full), parts.scheme == "http" || parts.scheme == "https" else {
            throw failure("AWS_CONTAINER_CREDENTIALS_FULL_URI (\(full)) is not an http or https URL")
        }
        guard parts.scheme == "https" || parts.isLoopbackAddress || Self.allowedHosts.contains(where: parts.hostMatches) else {
            throw failure("AWS_CONTAINER_CREDENTIALS_FULL_URI (\(full)) uses plain http to \(parts.host); only https, a loopback address or one of \(Self.allowedHosts.joined(separator: ", ")) is allowed")
        }
        return full
    }

    /// The `Authorization` header value, or `nil`.
    func authorization() throws(AWSError) -> Secret? {
        var token: String
        if let path = value("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") {
            switch TextFile.contents(of: path, limit: 64 * 1024) {
            case .success(let text): token = text
            case .failure(let error):
                throw failure("cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(path): \(error)")
            }
            // Token files written by hand or by `echo` end with a line break; the header cannot.
            while token.last == "\n" || token.last == "\r" || token.last == "\r\n" { token.removeLast() }
            guard !token.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else {
                throw failure("the token in AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(path) has a line break inside, which a header cannot carry")
            }
        } else if let text = value("AWS_CONTAINER_AUTHORIZATION_TOKEN") {
            token = text
            guard !token.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else {
                throw failure("AWS_CONTAINER_AUTHORIZATION_TOKEN has a line break, which a header cannot carry")
            }
        } else {
            return nil
        }
        return Secret(token)
    }

    public func credentials() async throws(AWSError) -> AWSCredentials? {
        guard let url = try url() else { return nil }
        var headers: [(name: String, value: String)] = [("Accept", "application/json")]
        if let token = try authorization() { headers.append(("Authorization", token.reveal())) }
        let request = HTTPRequest(method: "GET", url: url, headers: headers, timeout: timeout)
        return try await retry.run(time: time, cancelled: .cancelled("the container credentials call to \(url)")) { attempt async throws(AWSError) -> RetryStep<AWSCredentials, AWSError> in
            let response: HTTPResponse
            do throws(TransportError) {
                response = try await transport.send(request)
            } catch {
                return .failed(failure("no answer from \(url) after \(attempt.number) attempt\(attempt.number == 1 ? "" : "s"): \(error)"), .retry)
            }
            // botocore retries every failure; a 4xx answer will not change, so only 5xx is retried here.
            do throws(AWSError) { return .done(try credentials(from: response, url: url)) } catch {
                return .failed(error, response.status >= 500 ? .retry : .stop)
            }
        }
    }

    private func credentials(from response: HTTPResponse, url: String) throws(AWSError) -> AWSCredentials {
        guard response.status == 200 else {
            let body = CredentialText.firstLine(response.bodyText)
            throw failure("\(url) answered status \(response.status)\(body.isEmpty ? "" : ": \(body)")")
        }
        guard let document = try? JSONParser.parse(response.body), case .object = document else {
            throw failure("the answer of \(url) is not a JSON object")
        }
        guard let accessKey = CredentialJSON.string(document["AccessKeyId"]), !accessKey.isEmpty else {
            throw failure("the answer of \(url) has no AccessKeyId")
        }
        guard let secretKey = CredentialJSON.string(document["SecretAccessKey"]), !secretKey.isEmpty else {
            throw failure("the answer of \(url) has no SecretAccessKey")
        }
        let token = CredentialJSON.string(document["Token"]).flatMap { $0.isEmpty ? nil : $0 }
        var expiration: Double?
        if let text = CredentialJSON.string(document["Expiration"]) {
            guard let seconds = Timestamp.parseISO8601(text) else {
                throw failure("the answer of \(url) has an Expiration that is not an ISO 8601 time")
            }
            expiration = seconds
        }
        return AWSCredentials(accessKeyId: accessKey, secretAccessKey: Secret(secretKey), sessionToken: token.map(Secret.init),
                              expiration: expiration, source: "\(name) (\(url))")
    }
}
