import Foundation
import HTTPKit
import IDCSyncCore
import Logging

/// How the client authenticates.
public enum OktaCredentials: Sendable {
    /// `Authorization: SSWS <token>` (an API token).
    case apiToken(Secret)
    /// An OAuth 2.0 service app: client_credentials with a private_key_jwt assertion, and DPoP when
    /// the token endpoint asks for it.
    case serviceApp(clientId: String, key: JWTSigningKey, keyId: String?)
}

/// What the run needs to do: read only, or read and write (it decides the scopes requested).
public enum OktaAccess: Sendable {
    case read, readWrite

    var scopes: String {
        switch self {
        case .read: "okta.apps.read"
        case .readWrite: "okta.apps.read okta.apps.manage"
        }
    }
}

public struct OktaClientConfiguration: Sendable {
    /// `https://example.okta.com` (http only for loopback hosts, checked by the config).
    public var orgURL: String
    public var credentials: OktaCredentials
    public var access: OktaAccess
    /// The limit for each request, connect to last byte.
    public var timeout: Duration
    /// Per request: attempts for server errors, timeouts and resets (4, backoff from 500 ms up to
    /// 8 s) and waits for a rate-limit reset (10, each bounded by `maximumRateLimitWait`).
    public var retry: RetryPolicy
    /// The longest wait for a rate-limit reset before giving up: a longer one is refused
    /// (`rateLimited`), never cut short.
    public var maximumRateLimitWait: Duration {
        get { retry.maximumServerDelay }
        set { retry.maximumServerDelay = newValue }
    }

    public init(orgURL: String, credentials: OktaCredentials, access: OktaAccess, timeout: Duration = .seconds(30),
                maximumRateLimitWait: Duration = .seconds(120),
                retry: RetryPolicy = RetryPolicy(maximumAttempts: 4, base: .milliseconds(500), cap: .seconds(8), maximumWaits: 10)) {
        self.orgURL = orgURL
        self.credentials = credentials
        self.access = access
        self.timeout = timeout
        self.retry = retry
        self.maximumRateLimitWait = maximumRateLimitWait
    }
}

/// The Okta management API, for the few calls idcsync makes. Handles authentication (SSWS, or OAuth
/// with private_key_jwt and DPoP), rate limits (each bucket's budget shared with every other client
/// of the same org in the process through `OktaRateLimits`, waiting for the reset instead of
/// collecting 429s, and waiting out a 429 until `X-Rate-Limit-Reset`), retries with backoff, and
/// Okta's error formats.
public actor OktaClient {
    private let configuration: OktaClientConfiguration
    private let transport: any HTTPTransport
    private let time: any TimeSource
    private let logger: Logger
    private let dpopKey = DPoPKey()

    private var accessToken: (token: Secret, type: String, expires: Double)?
    private var tokenNonce: String?
    private var resourceNonce: String?
    private let rateLimits: OktaRateLimits
    private var governors: [String: OktaRateGovernor] = [:]

    /// The org's base URL, as configured (backups record it).
    public nonisolated var orgURL: String { configuration.orgURL }

    /// Requests sent (retries included), for reports and tests.
    public private(set) var requestsSent = 0

    /// `rateLimits`: where the client finds the governors of its org's buckets; the process-wide
    /// registry by default, so that clients of the same org never overrun a bucket together.
    public init(configuration: OktaClientConfiguration, transport: any HTTPTransport = AsyncHTTPTransport(),
                time: any TimeSource = SystemTime(), logger: Logger = Logger(label: "idcsync.okta"),
                rateLimits: OktaRateLimits = .shared) {
        self.configuration = configuration
        self.transport = transport
        self.time = time
        self.logger = logger
        self.rateLimits = rateLimits
    }

    /// The shared governor of one of this org's buckets (see `bucket(method:path:)`).
    public func governor(bucket: String) -> OktaRateGovernor {
        if let governor = governors[bucket] { return governor }
        let governor = rateLimits.governor(orgURL: configuration.orgURL, bucket: bucket, time: time)
        governors[bucket] = governor
        return governor
    }

    // MARK: Apps API

    public func app(id: String) async throws(OktaError) -> OktaApp {
        let response = try await send("GET", path: "/api/v1/apps/\(Self.pathComponent(id))")
        return try Self.app(from: response.body, request: .init(method: "GET", path: "/api/v1/apps/\(id)", requestId: response.header("X-Okta-Request-Id")))
    }

    /// Every app matching an Okta `filter` expression (never `q`, which is a loose prefix search),
    /// following `Link: rel="next"` pagination.
    public func apps(filter: String, limit: Int = 200) async throws(OktaError) -> [OktaApp] {
        var apps: [OktaApp] = []
        var next: String? = "/api/v1/apps?filter=\(Self.queryValue(filter))&limit=\(limit)"
        var pages = 0
        while let path = next {
            pages += 1
            guard pages <= 100 else { throw .invalidResponse("more than 100 pages of apps", request: .init(method: "GET", path: "/api/v1/apps")) }
            let response = try await send("GET", path: path)
            let request = OktaError.RequestInfo(method: "GET", path: "/api/v1/apps", requestId: response.header("X-Okta-Request-Id"))
            guard case .array(let elements) = try Self.json(response.body, request: request) else {
                throw .invalidResponse("the app list is not a JSON array", request: request)
            }
            for element in elements {
                do { apps.append(try OktaApp(json: element)) } catch { throw .invalidResponse(error.message, request: request) }
            }
            if let link = LinkHeader.target(rel: "next", in: response.headers("Link")) {
                guard let path = relativePath(link) else {
                    throw .invalidResponse("the next page link \(link) points outside \(configuration.orgURL); idcsync does not follow it", request: request)
                }
                next = path
            } else {
                next = nil
            }
        }
        return apps
    }

    /// `PUT /api/v1/apps/{id}`: a full replace with the app as given.
    public func replace(_ app: OktaApp) async throws(OktaError) -> OktaApp {
        let path = "/api/v1/apps/\(Self.pathComponent(app.id))"
        let response = try await send("PUT", path: path, body: Array(JSONWriter.compact(app.json).utf8))
        return try Self.app(from: response.body, request: .init(method: "PUT", path: path, requestId: response.header("X-Okta-Request-Id")))
    }

    // MARK: Requests

    /// Sends one API call with authentication, pacing and retries, and returns a 2xx response or
    /// throws the typed error. Only GETs are retried after a 5xx or a lost connection; any method is
    /// retried after a 429, which Okta answers before doing anything.
    func send(_ method: String, path: String, body: [UInt8]? = nil, accept: String = "application/json") async throws(OktaError) -> HTTPResponse {
        let url = configuration.orgURL + path
        let governor = governor(bucket: Self.bucket(method: method, path: path))
        let idempotent = method == "GET"
        var retryFor: String?
        let info = OktaError.RequestInfo(method: method, path: Self.loggable(path))
        return try await configuration.retry.run(time: time, cancelled: .cancelled(request: info)) { attempt async throws(OktaError) -> RetryStep<HTTPResponse, OktaError> in
            try await governor.acquire(maximumWait: configuration.maximumRateLimitWait, request: info)
            var headers: [(name: String, value: String)] = [("Accept", accept), ("User-Agent", "idcsync")]
            if body != nil { headers.append(("Content-Type", "application/json")) }
            do throws(OktaError) {
                headers += try await authorization(method: method, url: url)
            } catch {
                await governor.release()
                throw error
            }
            if let retryFor {
                headers.append(("X-Okta-Retry-For", retryFor))
                headers.append(("X-Okta-Retry-Count", String(attempt.waits)))
            }
            let request = HTTPRequest(method: method, url: url, headers: headers, body: body, timeout: configuration.timeout)
            let response: HTTPResponse
            do throws(TransportError) {
                requestsSent += 1
                response = try await transport.send(request)
            } catch {
                await governor.release()
                logger.debug("okta request failed", metadata: ["method": "\(method)", "path": "\(Self.loggable(path))", "error": "\(error)"])
                return .failed(.transport(error, attempts: attempt.number, request: info), error.isTransient && idempotent ? .retry : .stop)
            }
            let requestId = response.header("X-Okta-Request-Id")
            let learned = await governor.complete(observation(response), rateLimited: response.status == 429)
            logger.debug("okta request", metadata: [
                "method": "\(method)", "path": "\(Self.loggable(path))", "status": "\(response.status)",
                "requestId": "\(requestId ?? "-")", "remaining": "\(response.header("X-Rate-Limit-Remaining") ?? "-")",
            ])
            let identified = OktaError.RequestInfo(method: method, path: Self.loggable(path), requestId: requestId)
            if (200..<300).contains(response.status) { return .done(response) }
            let error = Self.error(from: response, request: identified)
            switch response.status {
            case 429 where attempt.waits < configuration.retry.maximumWaits:
                // A 429 is not a failed attempt; it has its own bound.
                retryFor = retryFor ?? requestId
                if learned {
                    // The governor now knows the bucket is empty: it waits for the reset, once for every client of the org.
                    logger.info("Okta rate limit reached; waiting for the reset", metadata: ["path": "\(Self.loggable(path))"])
                    return .failed(error, .wait(.zero))
                }
                let wait = rateLimitWait(response)
                guard wait <= configuration.maximumRateLimitWait else {
                    throw .rateLimited(waitSeconds: wait.wholeSecondsRoundedUp, maximumSeconds: configuration.maximumRateLimitWait.wholeSecondsRoundedUp, request: identified)
                }
                logger.info("Okta rate limit reached; waiting for the reset", metadata: ["seconds": "\(wait.components.seconds)", "path": "\(Self.loggable(path))"])
                return .failed(error, .wait(wait))
            case 401 where Self.challenge(response)?.contains("use_dpop_nonce") == true:
                // The resource server wants a DPoP nonce: take it and send the request once more.
                resourceNonce = response.header("DPoP-Nonce")
                return .failed(error, .resend)
            case 500..<600 where idempotent:
                logger.debug("okta server error", metadata: ["status": "\(response.status)", "requestId": "\(requestId ?? "-")"])
                return .failed(error, .retry)
            default:
                return .failed(error, .stop)
            }
        }
    }

    /// The response's rate-limit headers, when it has all three as numbers (read by `HeaderValue`:
    /// bounded, finite; a header that is not a number counts as missing).
    private func observation(_ response: HTTPResponse) -> RateLimitObservation? {
        guard let limit = HeaderValue.count(response.header("X-Rate-Limit-Limit")),
              let remaining = HeaderValue.count(response.header("X-Rate-Limit-Remaining")),
              let reset = HeaderValue.epochSeconds(response.header("X-Rate-Limit-Reset"))
        else { return nil }
        return RateLimitObservation(limit: limit, remaining: remaining, serverReset: reset, localReset: localTime(ofServerTime: reset, response))
    }

    /// How long a 429 asks to wait: `X-Rate-Limit-Reset` minus the response's `Date`, plus one second
    /// (as Okta's SDKs do), measured on the server's clock so local clock skew does not matter; else
    /// `Retry-After`; else the backoff. Saturates: a reset centuries away is a long wait, not a trap.
    private func rateLimitWait(_ response: HTTPResponse) -> Duration {
        let serverNow = serverTime(response)
        if let reset = HeaderValue.epochSeconds(response.header("X-Rate-Limit-Reset")) {
            return .saturating(seconds: reset - serverNow + 1)
        }
        if let seconds = HeaderValue.retryAfterSeconds(response.header("Retry-After"), now: serverNow) {
            return .saturating(seconds: seconds)
        }
        return configuration.retry.backoff(retry: 1)
    }

    /// The response's `Date`, else the local clock.
    private func serverTime(_ response: HTTPResponse) -> Double {
        let now = time.now()
        return response.header("Date").flatMap { Timestamp.parseHTTPDate($0, now: now) } ?? now
    }

    private func localTime(ofServerTime serverTime: Double, _ response: HTTPResponse) -> Double {
        time.now() + (serverTime - self.serverTime(response))
    }

    // MARK: Authentication

    private func authorization(method: String, url: String) async throws(OktaError) -> [(name: String, value: String)] {
        switch configuration.credentials {
        case .apiToken(let token):
            return [("Authorization", "SSWS \(token.reveal())")]
        case .serviceApp:
            let token = try await currentAccessToken()
            guard token.type.lowercased() == "dpop" else { return [("Authorization", "Bearer \(token.token.reveal())")] }
            let proof = try dpopKey.proof(method: method, url: url, nonce: resourceNonce, accessToken: token.token, now: time.now())
            return [("Authorization", "DPoP \(token.token.reveal())"), ("DPoP", proof)]
        }
    }

    /// The cached access token, or a new one from the token endpoint. Reused until a minute before
    /// it expires (tokens live an hour).
    private func currentAccessToken() async throws(OktaError) -> (token: Secret, type: String) {
        if let cached = accessToken, cached.expires > time.now() + 60 { return (cached.token, cached.type) }
        guard case .serviceApp(let clientId, let key, let keyId) = configuration.credentials else {
            throw .configuration("no service app credentials")
        }
        let tokenURL = configuration.orgURL + "/oauth2/v1/token"
        let path = "/oauth2/v1/token"
        let governor = governor(bucket: "token")
        let info = OktaError.RequestInfo(method: "POST", path: path)
        return try await configuration.retry.run(time: time, cancelled: .cancelled(request: info)) { attempt async throws(OktaError) -> RetryStep<(token: Secret, type: String), OktaError> in
            try await governor.acquire(maximumWait: configuration.maximumRateLimitWait, request: info)
            let now = time.now()
            var header: JSONObject = ["typ": "JWT"]
            if let keyId { header["kid"] = .string(keyId) }
            let assertion: String
            let proof: String
            do throws(OktaError) {
                assertion = try key.sign(header: header, claims: [
                    "iss": .string(clientId), "sub": .string(clientId), "aud": .string(tokenURL),
                    "iat": .int(Int(now)), "exp": .int(Int(now) + 300), "jti": .string(UUID().uuidString),
                ])
                proof = try dpopKey.proof(method: "POST", url: tokenURL, nonce: tokenNonce, accessToken: nil, now: now)
            } catch {
                await governor.release()
                throw error
            }
            let form = [
                ("grant_type", "client_credentials"),
                ("scope", configuration.access.scopes),
                ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
                ("client_assertion", assertion),
            ].map { "\($0.0)=\(Self.formValue($0.1))" }.joined(separator: "&")
            let request = HTTPRequest(method: "POST", url: tokenURL, headers: [
                ("Accept", "application/json"), ("Content-Type", "application/x-www-form-urlencoded"),
                ("User-Agent", "idcsync"), ("DPoP", proof),
            ], body: Array(form.utf8), timeout: configuration.timeout)
            let response: HTTPResponse
            do throws(TransportError) {
                requestsSent += 1
                response = try await transport.send(request)
            } catch {
                await governor.release()
                return .failed(.transport(error, attempts: attempt.number, request: info), error.isTransient ? .retry : .stop)
            }
            let learned = await governor.complete(observation(response), rateLimited: response.status == 429)
            let identified = OktaError.RequestInfo(method: "POST", path: path, requestId: response.header("X-Okta-Request-Id"))
            logger.debug("okta token request", metadata: ["status": "\(response.status)", "requestId": "\(identified.requestId ?? "-")"])
            if response.status == 200 {
                let json = try Self.json(response.body, request: identified)
                guard let token = json["access_token"]?.stringValue, let type = json["token_type"]?.stringValue else {
                    throw .invalidResponse("the token response has no access_token or token_type", request: identified)
                }
                // Whatever the server says, at most a day: an infinite lifetime would never expire.
                let lifetime = json["expires_in"].flatMap { value -> Double? in
                    if case .number(let text) = value, let seconds = Double(text), seconds.isFinite { return min(max(seconds, 0), 86_400) }
                    return nil
                } ?? 3600
                accessToken = (Secret(token), type, time.now() + lifetime)
                return .done((Secret(token), type))
            }
            let oauthError = (try? Self.json(response.body, request: identified))?["error"]?.stringValue
            let failure = Self.error(from: response, request: identified)
            if response.status == 400, oauthError == "use_dpop_nonce", let nonce = response.header("DPoP-Nonce") {
                // The DPoP handshake: the first proof has no nonce; Okta answers with one to use.
                tokenNonce = nonce
                return .failed(failure, .resend)
            }
            if response.status == 429 && attempt.waits < configuration.retry.maximumWaits {
                if learned { return .failed(failure, .wait(.zero)) }  // the governor waits for the reset
                let wait = rateLimitWait(response)
                guard wait <= configuration.maximumRateLimitWait else {
                    throw .rateLimited(waitSeconds: wait.wholeSecondsRoundedUp, maximumSeconds: configuration.maximumRateLimitWait.wholeSecondsRoundedUp, request: identified)
                }
                return .failed(failure, .wait(wait))
            }
            return .failed(failure, (500..<600).contains(response.status) ? .retry : .stop)
        }
    }

    // MARK: Helpers

    static func error(from response: HTTPResponse, request: OktaError.RequestInfo) -> OktaError {
        if (300..<400).contains(response.status) { return .invalidResponse(redirect(response), request: request) }
        let json = try? JSONParser.parse(response.body)
        if let json, let code = json["errorCode"]?.stringValue {
            let causes = (json["errorCauses"]?.arrayValue ?? []).compactMap { $0["errorSummary"]?.stringValue }
            return .api(status: response.status, code: code, summary: json["errorSummary"]?.stringValue ?? "(no summary)", causes: causes, request: request)
        }
        if let json, let error = json["error"]?.stringValue {
            return .oauth(status: response.status, error: error, description: json["error_description"]?.stringValue, request: request)
        }
        if let challenge = challenge(response) {
            return .authenticate(status: response.status, challenge: challenge, request: request)
        }
        // Redacted before it is cut, so a cut cannot leave part of an echoed token.
        let snippet = String(Redactor.redact(response.bodyText).prefix(200))
        return .api(status: response.status, code: nil, summary: snippet.isEmpty ? "(empty body)" : snippet, causes: [], request: request)
    }

    /// What a 3xx means for the run. The transport never follows redirects: the credential would
    /// go to wherever the server points.
    static func redirect(_ response: HTTPResponse) -> String {
        let location = response.header("Location").map { " to " + printable($0, limit: 200) } ?? " (no Location header)"
        return "Okta answered \(response.status), a redirect\(location), which idcsync does not follow (the credential would go with it); "
            + "check okta.orgUrl: it must be the org's own https base URL (e.g. https://example.okta.com), "
            + "not the admin console URL (https://example-admin.okta.com) or a custom domain that redirects"
    }

    /// Server text for a message: control characters shown as `\u{..}`, at most `limit` characters.
    static func printable(_ text: String, limit: Int) -> String {
        var result = ""
        for scalar in text.unicodeScalars.prefix(limit) {
            if scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format {
                result += "\\u{" + String(scalar.value, radix: 16) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return text.unicodeScalars.count > limit ? result + "…" : result
    }

    static func challenge(_ response: HTTPResponse) -> String? {
        response.header("WWW-Authenticate")
    }

    static func json(_ body: [UInt8], request: OktaError.RequestInfo) throws(OktaError) -> JSONValue {
        do { return try JSONParser.parse(body) } catch { throw .invalidResponse("the body is not JSON (\(error))", request: request) }
    }

    static func app(from body: [UInt8], request: OktaError.RequestInfo) throws(OktaError) -> OktaApp {
        let json = try json(body, request: request)
        do { return try OktaApp(json: json) } catch { throw .invalidResponse(error.message, request: request) }
    }

    /// Rate-limit bucket of a request, by endpoint family as Okta publishes them (domain-facts
    /// section 2): `app` is one app (`GET`/`PUT /api/v1/apps/{id}`, 500/min), `apps` the list
    /// (`/api/v1/apps`), `apps*` an app's sub-resources (keys, SAML metadata: Okta's catch-all
    /// `/api/v1/apps*`), `token` the OAuth endpoints; any other path is its own bucket. Families
    /// Okta counts apart stay apart, so one bucket's `remaining` and reset never stand in for
    /// another's; should Okta count two of them together after all, the 429 is still waited out.
    static func bucket(method: String, path: String) -> String {
        let plain = path.prefix { $0 != "?" }
        if plain == "/api/v1/apps" { return "apps" }
        if plain.hasPrefix("/api/v1/apps/") { return plain.dropFirst("/api/v1/apps/".count).contains("/") ? "apps*" : "app" }
        if plain.hasPrefix("/oauth2/") { return "token" }
        return String(plain)
    }

    /// The path without its query, for logs and messages.
    static func loggable(_ path: String) -> String { String(path.prefix { $0 != "?" }) }

    /// A `Link` target made relative to the org (the client never follows links to another host).
    private func relativePath(_ link: String) -> String? {
        guard link.hasPrefix(configuration.orgURL + "/") else { return link.hasPrefix("/") ? link : nil }
        return String(link.dropFirst(configuration.orgURL.count))
    }

    static func pathComponent(_ text: String) -> String { queryValue(text) }

    /// RFC 3986 percent-encoding: only ASCII letters, digits and `-._~` stay as they are.
    static func queryValue(_ text: String) -> String { PercentEncoding.encode(text) }

    static func formValue(_ text: String) -> String { queryValue(text) }
}
