import HTTPKit
import IDCSyncCore
import SystemKit

/// IAM Identity Center (SSO) role credentials, as botocore's `SSOProvider` and `SSOCredentialFetcher`:
///
/// - the profile is an SSO profile when it sets `sso_role_name` or `sso_account_id`; it then needs
///   both, plus `sso_start_url` and `sso_region`, either itself (legacy) or from the
///   `[sso-session NAME]` its `sso_session` names (values set in both must agree);
/// - the access token is the one `aws sso login` cached in `~/.aws/sso/cache/<sha1 hex>.json`, the
///   SHA-1 of the sso-session name (or of the start URL for legacy profiles), with `accessToken` and
///   `expiresAt`; a missing or expired token is an error that says to run `aws sso login`;
/// - `GET https://portal.sso.{sso_region}.amazonaws.com/federation/credentials?account_id=&role_name=`
///   with the token in `x-amz-sso_bearer_token` answers `roleCredentials` (`expiration` in ms).
///
/// idcsync does not refresh the token with the cached refresh token (botocore does within 15 minutes
/// of expiry): `aws sso login` does that.
public struct SSOCredentialProvider: CredentialProvider {
    public var name: String { "SSO (profile \(context.profileName))" }
    let context: ProfileContext
    let transport: any HTTPTransport
    let time: any TimeSource
    /// The role-credentials call on a transient failure (throttling, 5xx, timeouts): 3 attempts,
    /// backoff from 500 ms up to 4 s.
    var retry = RetryPolicy(maximumAttempts: 3, base: .milliseconds(500), cap: .seconds(4))

    init(context: ProfileContext, transport: any HTTPTransport, time: any TimeSource) {
        self.context = context
        self.transport = transport
        self.time = time
    }

    struct Settings: Equatable {
        var startURL: String
        var region: String
        var accountId: String
        var roleName: String
        var sessionName: String?
    }

    public func credentials() async throws(AWSError) -> AWSCredentials? {
        let (config, profile) = try context.load()
        guard let settings = try settings(profile: profile, config: config) else { return nil }
        let token = try cachedToken(settings)
        return try await roleCredentials(settings, token: token)
    }

    private var login: String { "run `aws sso login --profile \(context.profileName)`" }

    private func failure(_ reason: String) -> AWSError { .credentials(source: name, reason: reason) }

    /// The profile's SSO settings with its sso-session resolved, or `nil` when it is not an SSO profile.
    func settings(profile: [String: String], config: SharedConfig) throws(AWSError) -> Settings? {
        guard profile["sso_role_name"] != nil || profile["sso_account_id"] != nil else { return nil }
        let configFile = context.locations.display(context.locations.configPath)
        var resolved = profile
        var required = ["sso_role_name", "sso_account_id", "sso_start_url", "sso_region"]
        if let sessionName = profile["sso_session"] {
            guard let session = config.ssoSessions[sessionName] else {
                throw failure("the profile sets sso_session = \(sessionName), but \(configFile) has no [sso-session \(sessionName)] section")
            }
            for (key, value) in session.sorted(by: { $0.key < $1.key }) {
                if let own = resolved[key], own != value {
                    throw failure("\(key) is \"\(own)\" in the profile but \"\(value)\" in [sso-session \(sessionName)]; they must agree")
                }
                resolved[key] = value
            }
            required.append("sso_session")
        }
        let missing = required.filter { (resolved[$0] ?? "").isEmpty }
        guard missing.isEmpty else {
            throw failure("the profile is configured for SSO but lacks \(missing.joined(separator: ", ")) in \(configFile)")
        }
        return Settings(startURL: resolved["sso_start_url"]!, region: resolved["sso_region"]!, accountId: resolved["sso_account_id"]!,
                        roleName: resolved["sso_role_name"]!, sessionName: profile["sso_session"])
    }

    /// The cache file `aws sso login` writes for this session or start URL.
    func tokenCachePath(_ settings: Settings) -> String {
        context.locations.ssoCacheDirectory + "/" + CredentialText.sha1Hex(settings.sessionName ?? settings.startURL) + ".json"
    }

    func cachedToken(_ settings: Settings) throws(AWSError) -> Secret {
        let path = tokenCachePath(settings)
        let shown = context.locations.display(path)
        let subject = settings.sessionName.map { "sso-session \($0)" } ?? "start URL \(settings.startURL)"
        let text: String
        switch TextFile.contents(of: path) {
        case .success(let contents): text = contents
        case .failure(.notFound):
            throw failure("no cached SSO token for \(subject) (\(shown) does not exist); \(login)")
        case .failure(let error):
            throw failure("cannot read the cached SSO token \(shown): \(error); \(login)")
        }
        guard let document = try? JSONParser.parse(text),
              let accessToken = CredentialJSON.string(document["accessToken"]), !accessToken.isEmpty,
              let expiresText = CredentialJSON.string(document["expiresAt"])
        else {
            throw failure("the cached SSO token \(shown) is not valid (it needs accessToken and expiresAt); \(login)")
        }
        guard let expiresAt = Timestamp.parseISO8601(expiresText) else {
            throw failure("the cached SSO token \(shown) has an expiresAt that is not an ISO 8601 time; \(login)")
        }
        guard expiresAt > time.now() else {
            throw failure("the cached SSO token for \(subject) expired at \(Timestamp.iso8601(expiresAt)); \(login)")
        }
        return Secret(accessToken)
    }

    /// `https://portal.sso.{region}.amazonaws.com` (`.com.cn` in China), or the endpoint set by
    /// `AWS_ENDPOINT_URL_SSO` / `AWS_ENDPOINT_URL` (unless `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`).
    func endpoint(region: String) -> String {
        let environment = context.environment
        if environment["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"]?.lowercased() != "true" {
            for variable in ["AWS_ENDPOINT_URL_SSO", "AWS_ENDPOINT_URL"] {
                if var url = environment[variable], !url.isEmpty {
                    while url.hasSuffix("/") { url.removeLast() }
                    return url
                }
            }
        }
        return "https://portal.sso.\(region).\(region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com")"
    }

    func roleCredentials(_ settings: Settings, token: Secret) async throws(AWSError) -> AWSCredentials {
        let url = endpoint(region: settings.region) + "/federation/credentials?account_id=" + PercentEncoding.encode(settings.accountId)
            + "&role_name=" + PercentEncoding.encode(settings.roleName)
        let request = HTTPRequest(method: "GET", url: url, headers: [("x-amz-sso_bearer_token", token.reveal())], timeout: .seconds(15))
        let target = "role \(settings.roleName) in account \(settings.accountId)"
        return try await retry.run(time: time, cancelled: .cancelled("the SSO portal call for \(target)")) { _ async throws(AWSError) -> RetryStep<AWSCredentials, AWSError> in
            let response: HTTPResponse
            do throws(TransportError) {
                response = try await transport.send(request)
            } catch {
                return .failed(failure("no answer from the SSO portal \(CredentialURL(url)?.host ?? url) for \(target): \(error)"), error.isTransient ? .retry : .stop)
            }
            do throws(AWSError) { return .done(try credentials(from: response, target: target)) } catch {
                return .failed(error, response.status == 429 || response.status >= 500 ? .retry : .stop)
            }
        }
    }

    private func credentials(from response: HTTPResponse, target: String) throws(AWSError) -> AWSCredentials {
        let document = try? JSONParser.parse(response.body)
        guard response.status == 200 else {
            var code = response.header("x-amzn-ErrorType").map { String($0.prefix { $0 != ":" }) }
                ?? CredentialJSON.string(document?["__type"]) ?? ""
            if let hash = code.lastIndex(of: "#") { code = String(code[code.index(after: hash)...]) }
            let message = CredentialJSON.string(document?["message"]) ?? CredentialJSON.string(document?["Message"]) ?? ""
            let detail = [code, CredentialText.firstLine(message)].filter { !$0.isEmpty }.joined(separator: ": ")
            let said = detail.isEmpty ? "status \(response.status)" : "status \(response.status) (\(detail))"
            switch response.status {
            case 401:
                throw failure("the SSO portal rejected the cached token with \(said): it has expired or was revoked; \(login)")
            case 403:
                throw failure("the SSO portal refused \(target) with \(said); check sso_account_id and sso_role_name, and that your user is assigned to that permission set")
            case 404:
                throw failure("the SSO portal does not know \(target) (\(said)); check sso_account_id and sso_role_name")
            default:
                throw failure("the SSO portal answered \(said) for \(target)")
            }
        }
        guard let roleCredentials = document?["roleCredentials"],
              let accessKey = CredentialJSON.string(roleCredentials["accessKeyId"]), !accessKey.isEmpty,
              let secretKey = CredentialJSON.string(roleCredentials["secretAccessKey"]), !secretKey.isEmpty,
              let sessionToken = CredentialJSON.string(roleCredentials["sessionToken"]), !sessionToken.isEmpty
        else {
            throw failure("the SSO portal's answer for \(target) has no roleCredentials with accessKeyId, secretAccessKey and sessionToken")
        }
        let expiration = CredentialJSON.number(roleCredentials["expiration"]).map { $0 / 1000 }
        return AWSCredentials(accessKeyId: accessKey, secretAccessKey: Secret(secretKey), sessionToken: Secret(sessionToken),
                              expiration: expiration, source: name)
    }
}
