/// An HTTP request as plain values. Header names keep their case; lookups ignore it.
public struct HTTPRequest: Sendable, Equatable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]?
    /// The whole exchange must finish within this time.
    public var timeout: Duration

    public init(method: String, url: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil,
                timeout: Duration = .seconds(30)) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    public static func == (lhs: HTTPRequest, rhs: HTTPRequest) -> Bool {
        lhs.method == rhs.method && lhs.url == rhs.url && lhs.body == rhs.body && lhs.timeout == rhs.timeout
            && lhs.headers.elementsEqual(rhs.headers) { $0.name == $1.name && $0.value == $1.value }
    }
}

public struct HTTPResponse: Sendable {
    public var status: Int
    /// Every header line, in order; a name may repeat (e.g. several `Link` headers).
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of a header.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// Every value of a header, in order.
    public func headers(_ name: String) -> [String] {
        headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// Why a request got no HTTP response.
public enum TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No complete response within the request's timeout.
    case timeout
    /// No complete response (connect, headers and the whole body) within this deadline.
    case deadlineExceeded(Duration)
    /// The connection was reset or closed before a response arrived.
    case connectionReset(String)
    /// The connection could not be opened (refused, DNS, TLS).
    case connectFailed(String)
    case other(String)

    public var description: String {
        switch self {
        case .timeout: "the request timed out"
        case .deadlineExceeded(let limit): "the exchange did not finish within its \(Self.seconds(limit)) deadline (connecting, the headers and the whole body)"
        case .connectionReset(let detail): "the connection was reset (\(detail))"
        case .connectFailed(let detail): "could not connect (\(detail))"
        case .other(let detail): detail
        }
    }

    /// "2 s", "0.5 s".
    static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        if attoseconds == 0 { return "\(seconds) s" }
        return "\(Double(seconds) + Double(attoseconds) / 1e18) s"
    }

    /// Whether sending the request again may succeed.
    public var isTransient: Bool {
        switch self {
        case .timeout, .deadlineExceeded, .connectionReset: true
        case .connectFailed, .other: false
        }
    }
}

/// Sends requests. The real one is `AsyncHTTPTransport`; tests use scripted ones.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse
}
