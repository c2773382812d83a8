/// The steps of one endpoint probe, in order.
public enum ProbePhase: String, Sendable {
    case dns, connect, tls, http
}

/// What one probe of an `https://` URL found: the time of each phase that completed, the response
/// head's status and `Location`, or the failure that ended it.
public struct ProbeOutcome: Sendable, Equatable {
    public enum Failure: Sendable, Equatable {
        /// No such host, a resolver error, or a host not listed in IDCSYNC_TEST_CONNECT_TO; the resolver's words.
        case dns(String)
        /// Refused, unreachable...: errno in words and the last address tried.
        case connect(String)
        /// The handshake failed, or the certificate is not valid for the host, untrusted or expired.
        case tls(String)
        /// Not an HTTP response, the connection closed before a response head, or the URL is not an
        /// `https://` URL with a host name (nothing was sent then).
        case http(String)
        /// The probe's deadline struck during this phase.
        case timeout(ProbePhase)
    }

    public var url: String
    /// The URL's host, lower-cased (empty when the URL could not be parsed).
    public var host: String
    /// The resolved addresses as text, in the order they were tried.
    public var addresses: [String]
    public var connectedAddress: String?
    public var dns: Duration?
    public var connect: Duration?
    public var tls: Duration?
    /// Request sent to response head received (both requests when a GET followed the HEAD).
    public var http: Duration?
    public var total: Duration
    /// "HEAD", or "GET" when the HEAD was answered 405 or 501.
    public var method: String?
    public var status: Int?
    /// The `Location` header of the last response, as sent (never followed).
    public var location: String?
    public var failure: Failure?

    public init(url: String, host: String, addresses: [String] = [], connectedAddress: String? = nil, dns: Duration? = nil,
                connect: Duration? = nil, tls: Duration? = nil, http: Duration? = nil, total: Duration = .zero,
                method: String? = nil, status: Int? = nil, location: String? = nil, failure: Failure? = nil) {
        self.url = url
        self.host = host
        self.addresses = addresses
        self.connectedAddress = connectedAddress
        self.dns = dns
        self.connect = connect
        self.tls = tls
        self.http = http
        self.total = total
        self.method = method
        self.status = status
        self.location = location
        self.failure = failure
    }
}

public protocol EndpointProbing: Sendable {
    /// Never throws; never takes longer than `timeout` (plus scheduling slack): at the deadline the
    /// connection is closed and the outcome is `.timeout` of the phase in progress.
    func probe(_ url: String, timeout: Duration) async -> ProbeOutcome
}

/// The certificates a probe trusts.
public enum TrustRoots: Sendable, Hashable {
    /// The system's trust store.
    case system
    /// A PEM bundle that replaces the system roots (as AWS_CA_BUNDLE does for the AWS CLI). It is
    /// read once per process, by the first prober given it.
    case file(String)
}
