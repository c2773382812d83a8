import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOPosix

/// `HTTPTransport` over async-http-client. Redirects are never followed (a credential must not be
/// replayed to another host) and response bodies are capped.
public struct AsyncHTTPTransport: HTTPTransport {
    /// One client for the process; it lives until exit, so it needs no shutdown.
    private static let client = HTTPClient(
        eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
        configuration: HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10)),
            decompression: .disabled))

    public var maximumBodyBytes: Int

    public init(maximumBodyBytes: Int = 32 * 1024 * 1024) {
        self.maximumBodyBytes = maximumBodyBytes
    }

    public func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for header in request.headers { outgoing.headers.add(name: header.name, value: header.value) }
        if let body = request.body { outgoing.body = .bytes(ByteBuffer(bytes: body)) }
        let timeout = TimeAmount.nanoseconds(Int64(request.timeout.components.seconds) * 1_000_000_000
                                                 + request.timeout.components.attoseconds / 1_000_000_000)
        do {
            let response = try await Self.client.execute(outgoing, timeout: timeout)
            var body = try await response.body.collect(upTo: maximumBodyBytes)
            let bytes = body.readBytes(length: body.readableBytes) ?? []
            return HTTPResponse(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: bytes)
        } catch {
            throw Self.classify(error)
        }
    }

    static func classify(_ error: any Error) -> TransportError {
        if let clientError = error as? HTTPClientError {
            switch clientError {
            case .deadlineExceeded, .readTimeout, .writeTimeout: return .timeout
            case .connectTimeout: return .connectFailed("connect timeout")
            case .remoteConnectionClosed: return .connectionReset("the server closed the connection")
            default: return .other("\(clientError)")
            }
        }
        if let ioError = error as? IOError {
            if [ECONNRESET, EPIPE, ECONNABORTED].contains(ioError.errnoCode) { return .connectionReset("\(ioError)") }
            if [ECONNREFUSED, EHOSTUNREACH, ENETUNREACH].contains(ioError.errnoCode) { return .connectFailed("\(ioError)") }
            return .other("\(ioError)")
        }
        if error is NIOConnectionError { return .connectFailed("\(error)") }
        if let channelError = error as? ChannelError {
            switch channelError {
            case .eof, .ioOnClosedChannel, .alreadyClosed, .outputClosed, .inputClosed: return .connectionReset("\(channelError)")
            case .connectTimeout: return .connectFailed("connect timeout")
            default: return .other("\(channelError)")
            }
        }
        return .other("\(error)")
    }
}
