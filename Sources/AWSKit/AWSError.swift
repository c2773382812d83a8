import HTTPKit

/// Everything that can go wrong talking to AWS, with what AWS said and the request id to quote.
public enum AWSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An error response: the code from `__type` (prefix stripped), `x-amzn-ErrorType` or XML `<Code>`.
    case service(status: Int, code: String, message: String, operation: String, region: String?, requestId: String?)
    /// No response after the allowed retries.
    case transport(TransportError, attempts: Int, operation: String, region: String?)
    /// A response idcsync cannot read.
    case invalidResponse(String, operation: String)
    /// A credential source that is configured but does not work (the message names it and why).
    case credentials(source: String, reason: String)
    /// No credential source in the chain had credentials.
    case noCredentials(tried: [String])
    /// A setting idcsync cannot use (Region, endpoint, profile), found before any request.
    case configuration(String)
    /// The task was cancelled while waiting to retry (the text says which call).
    case cancelled(String)

    public var description: String {
        switch self {
        case .service(let status, let code, let message, let operation, let region, let requestId):
            var text = "\(operation)\(region.map { " in \($0)" } ?? ""): AWS answered \(status) \(code)"
            if !message.isEmpty { text += ": \(message)" }
            if let requestId { text += " (request id \(requestId))" }
            return text
        case .transport(let error, let attempts, let operation, let region):
            return "\(operation)\(region.map { " in \($0)" } ?? ""): no response after \(attempts) attempt\(attempts == 1 ? "" : "s"): \(error)"
        case .invalidResponse(let detail, let operation):
            return "\(operation): unexpected response from AWS: \(detail)"
        case .credentials(let source, let reason):
            return "AWS credentials from \(source) do not work: \(reason)"
        case .noCredentials(let tried):
            return "no AWS credentials found (tried \(tried.joined(separator: ", "))); set AWS_PROFILE or aws.profile, or run where the environment, a profile, SSO, a container or the instance provides them"
        case .configuration(let detail):
            return detail
        case .cancelled(let call):
            return "\(call): cancelled while waiting to retry"
        }
    }

    /// The error code of a service error (`ConflictException`, `AccessDeniedException`, ...).
    public var code: String? {
        if case .service(_, let code, _, _, _, _) = self { return code }
        return nil
    }
}
