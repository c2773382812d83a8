import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOPosix

/// `HTTPTransport` over async-http-client. Redirects are never followed (a credential must not be
/// replayed to another host) and response bodies are capped.
///
/// Time: each request has one total deadline, `HTTPRequest.timeout`, covering the connection, the
/// request, the response head and the whole body. The async/await `execute` ends its deadline when
/// the head arrives, so the body was unbounded (a server sending a byte a second kept a run going
/// for ever); the delegate-based `execute` used here keeps the deadline until the last byte, and it
/// is enforced on the event loop, so a busy Swift concurrency pool cannot make a complete answer
/// look late.
///
/// A refused connection fails at once: the client's pool would otherwise retry the connect with
/// backoff until the connect timeout (10 s against a closed loopback port, reported as one attempt).
/// Retrying is the API clients' decision, with their own bounds.
public struct AsyncHTTPTransport: HTTPTransport {
    /// One client for the process; it lives until exit, so it needs no shutdown.
    private static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10)),
            decompression: .disabled)
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
    }()

    public var maximumBodyBytes: Int

    public init(maximumBodyBytes: Int = 32 * 1024 * 1024) {
        self.maximumBodyBytes = maximumBodyBytes
    }

    public func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
        let limit = request.timeout
        let classify = { (error: any Error) in
            Self.classify(error, limit: limit, maximumBodyBytes: maximumBodyBytes, authority: Self.authority(request.url))
        }
        let outgoing: HTTPClient.Request
        do {
            outgoing = try HTTPClient.Request(url: request.url, method: HTTPMethod(rawValue: request.method),
                                              headers: HTTPHeaders(request.headers.map { ($0.name, $0.value) }),
                                              body: request.body.map { .bytes($0) })
        } catch {
            throw classify(error)
        }
        let delegate = ResponseAccumulator(request: outgoing, maxBodySize: maximumBodyBytes)
        let task = Self.client.execute(request: outgoing, delegate: delegate, deadline: .now() + Self.timeAmount(limit))
        do {
            let response = try await withTaskCancellationHandler {
                try await task.futureResult.get()
            } onCancel: {
                task.cancel()
            }
            var body = response.body ?? ByteBuffer()
            let bytes = body.readBytes(length: body.readableBytes) ?? []
            return HTTPResponse(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: bytes)
        } catch {
            throw classify(error)
        }
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// `host:port` of a URL, for messages.
    static func authority(_ url: String) -> String {
        let parts = url.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
        // "https:", "", "host:port", rest
        let host = parts.count >= 3 && parts[0].hasSuffix(":") && parts[1].isEmpty ? parts[2] : Substring(url)
        return String(host.prefix { $0 != "?" && $0 != "#" })
    }

    static func classify(_ error: any Error, limit: Duration = .seconds(30), maximumBodyBytes: Int = 32 * 1024 * 1024,
                         authority: String = "the server") -> TransportError {
        if error is ResponseAccumulator.ResponseTooBigError || error is NIOTooManyBytesError {
            return .other("the response was larger than \(byteCount(maximumBodyBytes)), the most idcsync reads, and was not read")
        }
        if let clientError = error as? HTTPClientError {
            switch clientError {
            case .deadlineExceeded, .readTimeout, .writeTimeout: return .deadlineExceeded(limit)
            case .connectTimeout: return .connectFailed("no connection within 10 s")
            case .remoteConnectionClosed: return .connectionReset("the server closed the connection")
            default: return .other("\(clientError)")
            }
        }
        if let ioError = error as? IOError {
            if [ECONNRESET, EPIPE, ECONNABORTED].contains(ioError.errnoCode) { return .connectionReset("\(ioError)") }
            if [ECONNREFUSED, EHOSTUNREACH, ENETUNREACH].contains(ioError.errnoCode) { return .connectFailed("\(describe(ioError)) (\(authority))") }
            return .other("\(ioError)")
        }
        if let connectionError = error as? NIOConnectionError { return .connectFailed(describe(connectionError)) }
        if let channelError = error as? ChannelError {
            switch channelError {
            case .eof, .ioOnClosedChannel, .alreadyClosed, .outputClosed, .inputClosed: return .connectionReset("\(channelError)")
            case .connectTimeout: return .connectFailed("no connection within 10 s")
            default: return .other("\(channelError)")
            }
        }
        return .other("\(error)")
    }

    /// "connection refused by 127.0.0.1:8443" (each address tried), or the DNS failure.
    static func describe(_ error: NIOConnectionError) -> String {
        if error.connectionErrors.isEmpty, let dnsError = error.dnsAError ?? error.dnsAAAAError {
            return "cannot resolve \(error.host): \(dnsError)"
        }
        let failures = error.connectionErrors.map { failure in
            let reason = (failure.error as? IOError).map(describe) ?? "\(failure.error)"
            return "\(reason) (\(address(failure.target)))"
        }
        return failures.isEmpty ? "cannot connect to \(error.host):\(error.port)" : failures.joined(separator: "; ")
    }

    static func describe(_ error: IOError) -> String {
        switch error.errnoCode {
        case ECONNREFUSED: "connection refused"
        case EHOSTUNREACH: "host unreachable"
        case ENETUNREACH: "network unreachable"
        default: "\(error)"
        }
    }

    private static func address(_ target: SocketAddress) -> String {
        guard let ip = target.ipAddress, let port = target.port else { return "\(target)" }
        return ip.contains(":") ? "[\(ip)]:\(port)" : "\(ip):\(port)"
    }

    /// "32 MiB", "512 KiB", "100 bytes".
    static func byteCount(_ count: Int) -> String {
        if count >= 1024 * 1024 && count % (1024 * 1024) == 0 { return "\(count / (1024 * 1024)) MiB" }
        if count >= 1024 && count % 1024 == 0 { return "\(count / 1024) KiB" }
        return "\(count) bytes"
    }
}
