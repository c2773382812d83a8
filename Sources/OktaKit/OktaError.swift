import HTTPKit
import IDCSyncCore

/// Everything that can go wrong talking to Okta, with what Okta said and how to find the request in
/// Okta's System Log (`X-Okta-Request-Id`).
public enum OktaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An Okta API error: `{"errorCode","errorSummary","errorCauses":[...]}`.
    case api(status: Int, code: String?, summary: String, causes: [String], request: RequestInfo)
    /// An OAuth 2.0 error from the token endpoint: `{"error","error_description"}`.
    case oauth(status: Int, error: String, description: String?, request: RequestInfo)
    /// A 401/403 whose reason is only in `WWW-Authenticate` (DPoP and scope errors).
    case authenticate(status: Int, challenge: String, request: RequestInfo)
    /// Okta's rate limit asks for a longer wait than allowed.
    case rateLimited(waitSeconds: Int, maximumSeconds: Int, request: RequestInfo)
    /// No response after the allowed retries.
    case transport(TransportError, attempts: Int, request: RequestInfo)
    /// A response idcsync cannot use (not JSON, not the expected shape).
    case invalidResponse(String, request: RequestInfo)
    /// Credentials or settings idcsync cannot use, found before any request.
    case configuration(String)
    /// The task was cancelled while waiting to retry or for a rate-limit reset.
    case cancelled(request: RequestInfo)

    public struct RequestInfo: Sendable, Equatable, CustomStringConvertible {
        public var method: String
        public var path: String
        public var requestId: String?
        public init(method: String, path: String, requestId: String? = nil) {
            self.method = method
            self.path = path
            self.requestId = requestId
        }
        public var description: String {
            "\(method) \(path)" + (requestId.map { " (X-Okta-Request-Id \($0))" } ?? "")
        }
    }

    /// What went wrong, with everything the server said redacted and on one line: an answer that
    /// echoes the token, or holds line breaks and terminal escapes, is shown harmless.
    public var description: String { Redactor.singleLine(text) }

    private var text: String {
        switch self {
        case .api(let status, let code, let summary, let causes, let request):
            var text = "\(request): Okta answered \(status)\(code.map { " \($0)" } ?? ""): \(Self.sentence(summary))"
            if !causes.isEmpty { text += " (" + causes.joined(separator: "; ") + ")" }
            return text + Self.hint(status: status, code: code)
        case .oauth(let status, let error, let description, let request):
            return "\(request): Okta's token endpoint answered \(status) \(error)\(description.map { ": \(Self.sentence($0))" } ?? "")" + Self.oauthHint(error)
        case .authenticate(let status, let challenge, let request):
            return "\(request): Okta refused the request with \(status): \(challenge)" + (challenge.contains("insufficient_scope")
                ? "; grant the service app the okta.apps.read and okta.apps.manage scopes" : "")
        case .rateLimited(let wait, let maximum, let request):
            return "\(request): Okta's rate limit resets in \(wait) s, longer than okta.rateLimitMaxWaitSeconds (\(maximum) s); run again later"
        case .transport(let error, let attempts, let request):
            return "\(request): no response from Okta after \(attempts) attempt\(attempts == 1 ? "" : "s"): \(error)"
        case .invalidResponse(let detail, let request):
            return "\(request): unexpected response from Okta: \(detail)"
        case .configuration(let detail):
            return detail
        case .cancelled(let request):
            return "\(request): cancelled while waiting to send it"
        }
    }

    /// Okta's sentences end with a period; the hints that follow use a semicolon.
    private static func sentence(_ text: String) -> String {
        text.hasSuffix(".") ? String(text.dropLast()) : text
    }

    /// The `errorCode` of an API error.
    public var code: String? {
        if case .api(_, let code, _, _, _) = self { return code }
        return nil
    }

    public var status: Int? {
        switch self {
        case .api(let status, _, _, _, _), .oauth(let status, _, _, _), .authenticate(let status, _, _): status
        default: nil
        }
    }

    private static func hint(status: Int, code: String?) -> String {
        switch code {
        case "E0000011": "; check the API token (OKTA_API_TOKEN or OKTA_CLIENT_TOKEN) or the service app credentials"
        case "E0000006": "; the token's admin role or scopes do not allow this"
        case "E0000007": "; check okta.appId and okta.orgUrl"
        default: ""
        }
    }

    private static func oauthHint(_ error: String) -> String {
        switch error {
        case "invalid_client": "; check okta.auth.clientId, the key (privateKeyFile or OKTA_CLIENT_PRIVATEKEY) and okta.auth.keyId"
        case "invalid_scope": "; grant the service app the okta.apps.read and okta.apps.manage scopes"
        case "invalid_dpop_proof": "; the service app requires DPoP and rejected the proof"
        default: ""
        }
    }
}
