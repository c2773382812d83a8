import Foundation
import HTTPKit
import IDCSyncCore
import Logging

/// Sends AWS API calls: endpoint resolution, credentials (resolved once, renewed before they
/// expire), SigV4, the JSON 1.1 and Query protocols, retries with jittered backoff on throttling,
/// 5xx and lost connections, and typed errors. Every call names an `AWSOperation`, the table the
/// runner IAM policy is generated from, so a call outside that policy cannot be written.
public actor AWSClient {
    public struct Configuration: Sendable {
        public var environment: [String: String]
        public var timeout: Duration
        /// 5 attempts, backoff from 300 ms up to 10 s.
        public var retry: RetryPolicy

        public init(environment: [String: String], timeout: Duration = .seconds(30),
                    retry: RetryPolicy = RetryPolicy(maximumAttempts: 5, base: .milliseconds(300), cap: .seconds(10))) {
            self.environment = environment
            self.timeout = timeout
            self.retry = retry
        }
    }

    private let configuration: Configuration
    private let credentialSource: @Sendable () async throws(AWSError) -> AWSCredentials
    private let transport: any HTTPTransport
    private let time: any TimeSource
    private let logger: Logger
    private var cachedCredentials: AWSCredentials?

    /// Requests sent per operation (retries included), for reports and tests.
    public private(set) var requestCounts: [AWSOperation: Int] = [:]
    public var requestsSent: Int { requestCounts.values.reduce(0, +) }

    public init(configuration: Configuration, credentials: @escaping @Sendable () async throws(AWSError) -> AWSCredentials,
                transport: any HTTPTransport = AsyncHTTPTransport(), time: any TimeSource = SystemTime(),
                logger: Logger = Logger(label: "idcsync.aws")) {
        self.configuration = configuration
        self.credentialSource = credentials
        self.transport = transport
        self.time = time
        self.logger = logger
    }

    /// The credentials in use (resolved on first use, renewed within 5 minutes of expiry).
    public func credentials() async throws(AWSError) -> AWSCredentials {
        if let cached = cachedCredentials, cached.expiration.map({ $0 > time.now() + 300 }) ?? true { return cached }
        let fresh = try await credentialSource()
        cachedCredentials = fresh
        logger.debug("aws credentials", metadata: ["source": "\(fresh.source)"])
        return fresh
    }

    // MARK: Protocols

    /// A JSON 1.1 call; returns the response document.
    public func json(_ operation: AWSOperation, service: AWSService, region: String, body: JSONValue) async throws(AWSError) -> JSONValue {
        guard case .json(let prefix) = service.wireProtocol else { throw .configuration("\(service.id) does not speak JSON 1.1") }
        let response = try await send(operation, service: service, region: region, headers: [
            ("Content-Type", "application/x-amz-json-1.1"),
            ("X-Amz-Target", "\(prefix).\(Self.operationName(operation))"),
        ], body: Array(JSONWriter.compact(body).utf8))
        if response.body.isEmpty { return .object([:]) }
        do { return try JSONParser.parse(response.body) } catch {
            throw .invalidResponse("the body is not JSON (\(error))", operation: operation.rawValue)
        }
    }

    /// A Query-protocol call (form parameters in, XML out), or its EC2 variant: the same request and
    /// response handling; the list numbering differs (see `QueryParameters`) and EC2 error documents
    /// (`<Response><Errors><Error>`, `<RequestID>`) are read by the same `<Code>`/`<Message>` lookup.
    public func query(_ operation: AWSOperation, service: AWSService, region: String, parameters: QueryParameters) async throws(AWSError) -> XMLResponse {
        guard parameters.style == QueryParameters.Style(service.wireProtocol) else {
            throw .configuration("\(operation.rawValue): parameters flattened for \(parameters.style), but \(service.id) speaks \(service.wireProtocol)")
        }
        return try await query(operation, service: service, region: region, parameters: parameters.pairs)
    }

    /// A Query or EC2 call with parameters already flattened.
    public func query(_ operation: AWSOperation, service: AWSService, region: String, parameters: [(String, String)]) async throws(AWSError) -> XMLResponse {
        let version: String
        switch service.wireProtocol {
        case .query(let v), .ec2(let v): version = v
        case .json: throw .configuration("\(service.id) does not speak the Query protocol")
        }
        let form = ([("Action", Self.operationName(operation)), ("Version", version)] + parameters)
            .map { "\(PercentEncoding.encode($0.0))=\(PercentEncoding.encode($0.1))" }.joined(separator: "&")
        let response = try await send(operation, service: service, region: region,
                                      headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")], body: Array(form.utf8))
        return XMLResponse(response.body)
    }

    // MARK: Sending

    private func send(_ operation: AWSOperation, service: AWSService, region: String, headers: [(String, String)],
                      body: [UInt8]) async throws(AWSError) -> HTTPResponse {
        let endpoint = try AWSEndpoint.url(for: service, region: region, environment: configuration.environment)
        let signingRegion = AWSEndpoint.signingRegion(for: service, region: region)
        return try await configuration.retry.run(time: time, cancelled: .cancelled("\(operation.rawValue) in \(region)")) { attempt async throws(AWSError) -> RetryStep<HTTPResponse, AWSError> in
            let credentials = try await self.credentials()
            let unsigned = HTTPRequest(method: "POST", url: endpoint + "/", headers: headers + [("User-Agent", "idcsync")],
                                       body: body, timeout: configuration.timeout)
            let signer = SigV4Signer(credentials: credentials, region: signingRegion, service: service.signingName)
            let request = signer.sign(unsigned, date: time.now())
            requestCounts[operation, default: 0] += 1
            let response: HTTPResponse
            do throws(TransportError) {
                response = try await transport.send(request)
            } catch {
                logger.debug("aws request failed", metadata: ["operation": "\(operation.rawValue)", "region": "\(region)", "error": "\(error)"])
                return .failed(.transport(error, attempts: attempt.number, operation: operation.rawValue, region: region), error.isTransient ? .retry : .stop)
            }
            let requestId = response.header("x-amzn-RequestId") ?? response.header("x-amz-request-id")
            logger.debug("aws request", metadata: [
                "operation": "\(operation.rawValue)", "region": "\(region)", "status": "\(response.status)", "requestId": "\(requestId ?? "-")",
            ])
            if (200..<300).contains(response.status) { return .done(response) }
            let error = Self.error(from: response, service: service, operation: operation, region: region)
            guard Self.isRetryable(status: response.status, code: error.code) else { return .failed(error, .stop) }
            logger.debug("aws request retryable", metadata: ["operation": "\(operation.rawValue)", "code": "\(error.code ?? "-")"])
            return .failed(error, .retry)
        }
    }

    // MARK: Errors

    static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
        "RequestThrottled", "RequestLimitExceeded", "SlowDown", "EC2ThrottledException", "PriorRequestNotComplete",
        "TransactionInProgressException", "ProvisionedThroughputExceededException", "BandwidthLimitExceeded",
    ]
    static let transientCodes: Set<String> = ["RequestTimeout", "RequestTimeoutException", "InternalError", "InternalFailure",
                                               "InternalServerException", "ServiceUnavailable", "KMSInternalException", "DependencyTimeoutException"]

    static func isRetryable(status: Int, code: String?) -> Bool {
        if status >= 500 || status == 429 { return true }
        guard let code else { return false }
        return throttlingCodes.contains(code) || transientCodes.contains(code)
    }

    /// The error code from the JSON `__type` (namespace prefix stripped) or `x-amzn-ErrorType` header,
    /// or from an XML `<Code>`; the message from `message` / `Message` / `<Message>`.
    static func error(from response: HTTPResponse, service: AWSService, operation: AWSOperation, region: String) -> AWSError {
        var code: String?
        var message = ""
        var requestId = response.header("x-amzn-RequestId") ?? response.header("x-amz-request-id")
        if let header = response.header("x-amzn-ErrorType") {
            code = errorCode(header)
        }
        if let json = try? JSONParser.parse(response.body) {
            if let type = json["__type"]?.stringValue { code = errorCode(type) }
            if let code2 = json["code"]?.stringValue, code == nil { code = errorCode(code2) }
            message = json["message"]?.stringValue ?? json["Message"]?.stringValue ?? ""
            if let reason = json["Reason"]?.stringValue ?? json["reason"]?.stringValue { message += " (Reason: \(reason))" }
        } else if !response.body.isEmpty {
            let xml = XMLResponse(response.body)
            code = xml.value("Code") ?? code
            message = xml.value("Message") ?? ""
            requestId = requestId ?? xml.value("RequestId") ?? xml.value("RequestID")
        }
        let fallback = response.status >= 500 ? "InternalFailure" : (response.status == 429 ? "TooManyRequestsException" : "HTTP\(response.status)")
        return .service(status: response.status, code: code ?? fallback, message: message, operation: operation.rawValue,
                        region: region, requestId: requestId)
    }

    /// The bare error code from a `__type`, `code` or `x-amzn-ErrorType` value, as botocore and the Smithy
    /// protocol tests read it: `aws.protocoltests.json#FooError:http://internal.amazon.com/...` → `FooError`
    /// (drop everything from the first `:`, then everything up to the last `#`).
    static func errorCode(_ raw: String) -> String {
        let beforeColon = raw.prefix { $0 != ":" }
        return String(beforeColon.split(separator: "#", omittingEmptySubsequences: false).last ?? beforeColon)
    }

    // MARK: Helpers

    /// `sso-admin:AddRegion` → `AddRegion`.
    static func operationName(_ operation: AWSOperation) -> String {
        String(operation.rawValue.split(separator: ":").last ?? "")
    }
}
