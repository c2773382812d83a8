import HTTPKit
import IDCSyncCore

/// `StatusProber` over the network probe of HTTPKit, configured from the environment:
/// `AWS_CA_BUNDLE` (the certificate authorities to trust instead of the system's, as for the AWS CLI)
/// and the test hook `IDCSYNC_TEST_CONNECT_TO` (curl's --connect-to: HOST:PORT:ADDRESS:PORT, comma
/// separated; only the hosts listed resolve, and real DNS is never asked). Tests use it to send AWS
/// host names to local servers; nothing else should set it.
public struct NetworkStatusProber: StatusProber {
    static let connectToVariable = ConnectToOverrides.environmentVariable

    let prober: any EndpointProbing

    public init(environment: [String: String], userAgent: String) throws(IDCSyncError) {
        var overrides: ConnectToOverrides?
        if let text = environment[Self.connectToVariable], !text.isEmpty {
            switch ConnectToOverrides.parse(text) {
            case .success(let parsed): overrides = parsed
            case .failure(let error):
                throw .config("environment.connect-to", error.description)
            }
        }
        var roots = TrustRoots.system
        if let bundle = environment["AWS_CA_BUNDLE"], !bundle.isEmpty { roots = .file(bundle) }
        prober = NIOEndpointProber(connectTo: overrides, trustRoots: roots, userAgent: userAgent)
    }

    init(prober: any EndpointProbing) { self.prober = prober }

    public func observe(_ url: String, timeout: Duration) async -> ProbeObservation {
        Self.observation(await prober.probe(url, timeout: timeout), timeout: timeout)
    }

    static func observation(_ outcome: ProbeOutcome, timeout: Duration) -> ProbeObservation {
        var phases: [String: Double] = [:]
        for (name, duration) in [("dns", outcome.dns), ("connect", outcome.connect), ("tls", outcome.tls), ("http", outcome.http)] {
            if let duration { phases[name] = StatusPlanner.milliseconds(duration) }
        }
        var failure: ProbeObservation.Failure?
        var reason: String?
        switch outcome.failure {
        case nil: break
        case .dns(let words): failure = .dns; reason = words
        case .connect(let words): failure = .connect; reason = words
        case .tls(let words): failure = .tls; reason = words
        case .http(let words): failure = .http; reason = words
        case .timeout(let phase):
            failure = .timeout
            reason = "no answer in \(StatusPlanner.seconds(timeout)) (during \(phase.rawValue))"
        }
        return ProbeObservation(failure: failure, reason: reason, method: outcome.method, status: outcome.status, location: outcome.location,
                                latency: outcome.total, phases: phases, addresses: outcome.addresses)
    }
}
