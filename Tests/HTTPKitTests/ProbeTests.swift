@testable import HTTPKit
import IDCSyncTestSupport
import Testing

private let portal = "ssoins-1234567890abcdef.us-east-1.portal.amazonaws.com"
private let acs = "us-east-1.signin.aws"
private let userAgent = "idcsync-probe-test/1"

/// A prober that reaches only the fake: the hosts go to its listeners through ConnectToOverrides.
private func prober(_ fake: PortalFake, _ entries: [String]) throws -> NIOEndpointProber {
    let overrides = try ConnectToOverrides.parse(entries.joined(separator: ",")).get()
    return NIOEndpointProber(connectTo: overrides, trustRoots: .file(fake.caFile), userAgent: userAgent)
}

/// Probes and measures the wall time of the call. The caller's side runs on the probes' own
/// executor: the whole test run keeps the Swift concurrency pool busy with blocking work (other
/// suites wait for processes), which would otherwise delay the caller's resumption, not the probe.
func timed(_ prober: some EndpointProbing, _ url: String, timeout: Duration) async -> (ProbeOutcome, Duration) {
    await onProbeExecutor {
        let start = ContinuousClock.now
        let outcome = await prober.probe(url, timeout: timeout)
        return (outcome, ContinuousClock.now - start)
    }
}

func onProbeExecutor<T: Sendable>(_ body: @Sendable () async -> T) async -> T {
    if #available(macOS 15, *) {
        await withTaskExecutorPreference(ProbeExecutor.shared, operation: body)
    } else {
        await body()
    }
}

// A prober that waited for a hanging listener would not hang the run: the fake closes an idle
// connection after 120 s, which ends the probe with a failure other than the timeout the tests expect.
@Suite("Endpoint prober against the portal fake")
struct EndpointProberTests {
    @Test func anUpPortalAnswersTheHeadWithEveryPhaseMeasuredAndTheRightHostAndSNI() async throws {
        let fake = try await PortalFake(hostNames: [portal])
        let (outcome, elapsed) = try await timed(prober(fake, [fake.connectTo(portal, "main")]), "https://\(portal)/start/?a=1#frag", timeout: .seconds(5))
        #expect(outcome.failure == nil)
        #expect(outcome.status == 200)
        #expect(outcome.method == "HEAD")
        #expect(outcome.location == nil)
        #expect(outcome.host == portal)
        #expect(outcome.addresses == ["127.0.0.1"])
        #expect(outcome.connectedAddress == "127.0.0.1")
        #expect(outcome.dns != nil && outcome.connect != nil && outcome.tls != nil && outcome.http != nil)
        #expect(outcome.total <= elapsed)
        let requests = try await fake.requests()
        #expect(requests == [PortalFake.Request(listener: "main", method: "HEAD", path: "/start/?a=1", host: portal, sni: portal,
                                                userAgent: userAgent, connection: "close")])
    }

    @Test func a503IsReportedAsTheStatusNotAFailure() async throws {
        let fake = try await PortalFake(hostNames: [acs])
        try await fake.setBehaviour("main", .status(503))
        let outcome = try await prober(fake, [fake.connectTo(acs, "main")]).probe("https://\(acs)/platform/saml/acs/x", timeout: .seconds(5))
        #expect(outcome.failure == nil)
        #expect(outcome.status == 503)
        #expect(outcome.method == "HEAD")
    }

    @Test func aRedirectIsRecordedAndNotFollowed() async throws {
        let fake = try await PortalFake(hostNames: ["start.example.com", portal])
        let target = "https://\(portal)/start/"
        try await fake.setBehaviour("main", .redirect(target, status: 307))
        let outcome = try await prober(fake, [fake.connectTo("start.example.com", "main"), fake.connectTo(portal, "main")])
            .probe("https://start.example.com", timeout: .seconds(5))
        #expect(outcome.failure == nil)
        #expect(outcome.status == 307)
        #expect(outcome.location == target)
        #expect(try await fake.requests().map { "\($0.method) \($0.host ?? "") \($0.path)" } == ["HEAD start.example.com /"])
    }

    @Test func aHeadAnswered405IsFollowedByAGetWhoseAnswerCounts() async throws {
        let fake = try await PortalFake(hostNames: ["start.example.com"])
        try await fake.setBehaviour("main", .head405Then(status: 302, location: "https://\(portal)/start/"))
        let outcome = try await prober(fake, [fake.connectTo("start.example.com", "main", port: 8443)])
            .probe("https://start.example.com:8443/go", timeout: .seconds(5))
        #expect(outcome.failure == nil)
        #expect(outcome.method == "GET")
        #expect(outcome.status == 302)
        #expect(outcome.location == "https://\(portal)/start/")
        #expect(outcome.http != nil)
        #expect(try await fake.requests().map { "\($0.method) \($0.host ?? "") \($0.path)" }
            == ["HEAD start.example.com:8443 /go", "GET start.example.com:8443 /go"])
    }

    @Test func aHeadAnswered501IsAlsoFollowedByAGet() async throws {
        let fake = try await PortalFake(hostNames: [portal])
        try await fake.setBehaviour("main", .head405Then(status: 200, headStatus: 501))
        let outcome = try await prober(fake, [fake.connectTo(portal, "main")]).probe("https://\(portal)/start", timeout: .seconds(5))
        #expect(outcome.method == "GET")
        #expect(outcome.status == 200)
    }

    @Test func aRefusedConnectionFailsAtOnceNamingTheAddress() async throws {
        let fake = try await PortalFake(hostNames: [portal])
        // "At once": with a 60 s deadline, waiting for anything would end as a timeout, not a refusal.
        let outcome = try await prober(fake, [fake.connectToRefused(portal)]).probe("https://\(portal)/start", timeout: .seconds(60))
        #expect(outcome.failure == .connect("connection refused (127.0.0.1 port \(fake.refusedPort))"))
        #expect(outcome.dns != nil)
        #expect(outcome.connect == nil)
    }

    @Test func aHostNotInTheOverridesIsADNSFailureAndRealDNSIsNotUsed() async throws {
        let fake = try await PortalFake(hostNames: [portal])
        let outcome = try await prober(fake, [fake.connectTo(portal, "main")]).probe("https://\(acs)/x", timeout: .seconds(5))
        #expect(outcome.failure == .dns("\(acs):443 is not in IDCSYNC_TEST_CONNECT_TO (test hook set: real DNS is not used)"))
        #expect(outcome.addresses.isEmpty)
        let other = try await prober(fake, [fake.connectTo(portal, "main")]).probe("https://\(portal):444/x", timeout: .seconds(5))
        #expect(other.failure == .dns("\(portal):444 is not in IDCSYNC_TEST_CONNECT_TO (test hook set: real DNS is not used)"))
        #expect(try await fake.connections().isEmpty)
    }

    @Test func aServerThatNeverAnswersTheClientHelloIsATLSTimeoutWithinTheDeadline() async throws {
        let fake = try await PortalFake(hostNames: [portal])
        try await fake.setBehaviour("main", .hangTLS)
        let (outcome, elapsed) = try await timed(prober(fake, [fake.connectTo(portal, "main")]), "https://\(portal)/start", timeout: .seconds(1))
        #expect(outcome.failure == .timeout(.tls))
        #expect(outcome.connect != nil)
        #expect(outcome.tls == nil)
        #expect(elapsed >= .seconds(1))
    }

    @Test func aServerThatNeverAnswersTheRequestIsAnHTTPTimeoutWithinTheDeadline() async throws {
        let fake = try await PortalFake(hostNames: [portal])
        try await fake.setBehaviour("main", .hangHTTP)
        let (outcome, elapsed) = try await timed(prober(fake, [fake.connectTo(portal, "main")]), "https://\(portal)/start", timeout: .seconds(1))
        #expect(outcome.failure == .timeout(.http))
        #expect(outcome.tls != nil)
        #expect(outcome.status == nil)
        #expect(elapsed >= .seconds(1))
    }

    @Test func aSlowAnswerWithinTheDeadlineCountsAndItsTimeIsMeasured() async throws {
        let fake = try await PortalFake(hostNames: [portal])
        try await fake.setBehaviour("main", .slow(ms: 300, status: 200))
        let outcome = try await prober(fake, [fake.connectTo(portal, "main")]).probe("https://\(portal)/start", timeout: .seconds(5))
        #expect(outcome.status == 200)
        #expect(try #require(outcome.http) >= .milliseconds(300), "\(outcome)")
        try await fake.setBehaviour("main", .slow(ms: 3000, status: 200))
        let late = try await prober(fake, [fake.connectTo(portal, "main")]).probe("https://\(portal)/start", timeout: .milliseconds(500))
        #expect(late.failure == .timeout(.http))
    }

    @Test func anAnswerThatIsNotHTTPIsAnHTTPFailure() async throws {
        let fake = try await PortalFake(hostNames: [portal])
        try await fake.setBehaviour("main", .notHTTP)
        let outcome = try await prober(fake, [fake.connectTo(portal, "main")]).probe("https://\(portal)/start", timeout: .seconds(5))
        guard case .http(let message)? = outcome.failure else {
            Issue.record("expected an HTTP failure, got \(outcome)")
            return
        }
        #expect(message.hasPrefix("not an HTTP response ("), "\(message)")
        #expect(outcome.tls != nil)
    }

    @Test func aConnectionClosedBeforeTheAnswerIsAnHTTPFailure() async throws {
        let fake = try await PortalFake(hostNames: [portal])
        try await fake.setBehaviour("main", .closeBeforeHead)
        let outcome = try await prober(fake, [fake.connectTo(portal, "main")]).probe("https://\(portal)/start", timeout: .seconds(5))
        #expect(outcome.failure == .http("connection closed before a response head"))
        #expect(try await fake.requests().map(\.method) == ["HEAD"])
    }

    @Test func aCertificateForAnotherHostIsATLSFailureNamingTheHost() async throws {
        let fake = try await PortalFake(hostNames: [portal])
        try await fake.setBehaviour("main", .wrongCert)
        let outcome = try await prober(fake, [fake.connectTo(portal, "main")]).probe("https://\(portal)/start", timeout: .seconds(5))
        #expect(outcome.failure == .tls("certificate is not valid for \(portal)"))
        #expect(try await fake.requests().isEmpty)
    }

    @Test func aCertificateFromAnotherCAIsNotTrusted() async throws {
        let fake = try await PortalFake(hostNames: [portal])
        try await fake.setBehaviour("main", .untrustedCert)
        let outcome = try await prober(fake, [fake.connectTo(portal, "main")]).probe("https://\(portal)/start", timeout: .seconds(5))
        #expect(outcome.failure == .tls("certificate not trusted (unknown CA)"))
        #expect(try await fake.requests().isEmpty)
    }

    @Test func anExpiredCertificateIsSaidToBeExpired() async throws {
        let fake = try await PortalFake(hostNames: [portal])
        try await fake.setBehaviour("main", .expiredCert)
        let outcome = try await prober(fake, [fake.connectTo(portal, "main")]).probe("https://\(portal)/start", timeout: .seconds(5))
        #expect(outcome.failure == .tls("certificate expired"), "\(outcome)")
        #expect(try await fake.requests().isEmpty)
    }

    @Test func theSystemTrustStoreDoesNotTrustTheTestCA() async throws {
        let fake = try await PortalFake(hostNames: [portal])
        let overrides = try ConnectToOverrides.parse(fake.connectTo(portal, "main")).get()
        let outcome = await NIOEndpointProber(connectTo: overrides, userAgent: userAgent).probe("https://\(portal)/start", timeout: .seconds(5))
        #expect(outcome.failure == .tls("certificate not trusted (unknown CA)"))
    }

    @Test func aMissingCABundleIsATLSFailureNamingTheFile() async throws {
        let fake = try await PortalFake(hostNames: [portal])
        let overrides = try ConnectToOverrides.parse(fake.connectTo(portal, "main")).get()
        let prober = NIOEndpointProber(connectTo: overrides, trustRoots: .file("/nonexistent/ca.pem"), userAgent: userAgent)
        let outcome = await prober.probe("https://\(portal)/start", timeout: .seconds(5))
        #expect(outcome.failure == .tls("cannot load the CA bundle /nonexistent/ca.pem: no such file"))
        #expect(try await fake.requests().isEmpty)
    }

    @Test func twentyProbesRunInParallelAndHalfOfThemHangingCostsOneDeadline() async throws {
        let hosts = (0..<20).map { "ssoins-\($0).eu-west-1.portal.amazonaws.com" }
        let fake = try await PortalFake(hostNames: hosts, listeners: ["up", "hang-tls", "hang-http"])
        try await fake.setBehaviour("hang-tls", .hangTLS)
        try await fake.setBehaviour("hang-http", .hangHTTP)
        let entries = hosts.enumerated().map { index, host in fake.connectTo(host, index % 2 == 0 ? "up" : (index % 4 == 1 ? "hang-tls" : "hang-http")) }
        let prober = try prober(fake, entries)
        let (outcomes, elapsed) = await onProbeExecutor {
            let start = ContinuousClock.now
            let outcomes = await withTaskGroup(of: (Int, ProbeOutcome).self) { group in
                for (index, host) in hosts.enumerated() {
                    group.addTask { (index, await prober.probe("https://\(host)/start", timeout: .seconds(1))) }
                }
                var results: [Int: ProbeOutcome] = [:]
                for await (index, outcome) in group { results[index] = outcome }
                return results
            }
            return (outcomes, ContinuousClock.now - start)
        }
        // Ten hanging probes one after another would take 10 s; in parallel they take about one deadline.
        // The margin is for a loaded machine; scripts/bench-status measures the real figure.
        #expect(elapsed < .seconds(5), "took \(elapsed)")
        for index in hosts.indices {
            let outcome = try #require(outcomes[index])
            switch index % 4 {
            case 0, 2: #expect(outcome.status == 200, "\(hosts[index]): \(outcome)")
            case 1: #expect(outcome.failure == .timeout(.tls), "\(hosts[index]): \(outcome)")
            default: #expect(outcome.failure == .timeout(.http), "\(hosts[index]): \(outcome)")
            }
        }
    }

    @Test func withoutOverridesTheSystemResolverIsUsedAndTheAddressesAreTriedInOrder() async throws {
        // localhost resolves from the hosts file (::1 and/or 127.0.0.1); the fake listens on 127.0.0.1 only.
        let fake = try await PortalFake(hostNames: ["localhost"])
        let prober = NIOEndpointProber(trustRoots: .file(fake.caFile), userAgent: userAgent)
        let outcome = await prober.probe("https://localhost:\(fake.port("main"))/", timeout: .seconds(5))
        #expect(outcome.failure == nil, "\(outcome)")
        #expect(outcome.status == 200)
        #expect(outcome.addresses.contains("127.0.0.1"))
        #expect(outcome.connectedAddress == "127.0.0.1")
    }
}

@Suite("Endpoint prober: URLs and IDCSYNC_TEST_CONNECT_TO")
struct EndpointProberInputTests {
    @Test(arguments: [
        ("http://\(portal)/start", "not an https URL: \"http://\(portal)/start\" (only https:// URLs are probed)"),
        ("\(portal)/start", "not an https URL: \"\(portal)/start\" (only https:// URLs are probed)"),
        ("https:///start", "URL \"https:///start\" has no host"),
        ("https://user@\(portal)/", "URL \"https://user@\(portal)/\" has user information; a probe URL has a host name only"),
        ("https://\(portal):0/", "URL \"https://\(portal):0/\" has an invalid port \"0\" (1-65535)"),
        ("https://\(portal):x/", "URL \"https://\(portal):x/\" has an invalid port \"x\" (1-65535)"),
        ("https://127.0.0.1/", "URL \"https://127.0.0.1/\" has an IP address as host; probes need a host name (the certificate is checked against it)"),
        ("https://[::1]/", "URL \"https://[::1]/\" has an IP address as host; probes need a host name (the certificate is checked against it)"),
        ("https://a b/", "URL \"https://a b/\" has an invalid host name \"a b\""),
    ])
    func aURLThatIsNotAnHTTPSURLWithAHostNameIsAnHTTPFailureAndNothingIsSent(url: String, message: String) async throws {
        let prober = NIOEndpointProber(connectTo: try ConnectToOverrides.parse("x.example.com:443:127.0.0.1:1").get(), userAgent: userAgent)
        let outcome = await prober.probe(url, timeout: .seconds(1))
        #expect(outcome.failure == .http(message))
        #expect(outcome.dns == nil)
    }

    @Test func goodEntriesParseWithHostsLowerCasedAndIPv6InBrackets() throws {
        let overrides = try ConnectToOverrides.parse("Portal.Example.com:443:127.0.0.1:50443, acs.example.com:8443:[::1]:9").get()
        #expect(overrides.entries == [
            .init(host: "portal.example.com", port: 443, address: "127.0.0.1", addressPort: 50443),
            .init(host: "acs.example.com", port: 8443, address: "::1", addressPort: 9),
        ])
        #expect(overrides.target(host: "PORTAL.example.com", port: 443)?.addressPort == 50443)
        #expect(overrides.target(host: "portal.example.com", port: 444) == nil)
        #expect(ConnectToOverrides.fromEnvironment([:]) == nil)
        #expect(ConnectToOverrides.fromEnvironment(["IDCSYNC_TEST_CONNECT_TO": ""]) == nil)
        #expect(try ConnectToOverrides.fromEnvironment(["IDCSYNC_TEST_CONNECT_TO": "a.b:1:127.0.0.1:2"])?.get().entries.count == 1)
    }

    @Test(arguments: [
        ("portal.example.com:443:127.0.0.1", "portal.example.com:443:127.0.0.1"),
        ("portal.example.com:443:localhost:50443", "portal.example.com:443:localhost:50443"),
        ("portal.example.com:https:127.0.0.1:50443", "portal.example.com:https:127.0.0.1:50443"),
        ("portal.example.com:443:127.0.0.1:70000", "portal.example.com:443:127.0.0.1:70000"),
        ("portal.example.com:443:::1:50443", "portal.example.com:443:::1:50443"),
        (":443:127.0.0.1:50443", ":443:127.0.0.1:50443"),
        ("a.example.com:443:127.0.0.1:1,", ""),
        ("a.example.com:443:127.0.0.1:1,b.example.com:443:256.0.0.1:1", "b.example.com:443:256.0.0.1:1"),
    ])
    func aBadEntryIsNamedWithTheExpectedForm(text: String, entry: String) {
        let expected = "IDCSYNC_TEST_CONNECT_TO: entry \"\(entry)\" is not HOST:PORT:ADDRESS:PORT "
            + "(for example \"portal.example.com:443:127.0.0.1:50443\"; ADDRESS is an IP address, IPv6 in brackets; ports 1-65535); "
            + "fix or unset the variable (it is a test hook)"
        switch ConnectToOverrides.parse(text) {
        case .success(let overrides): Issue.record("parsed \(overrides)")
        case .failure(let error): #expect(error.description == expected)
        }
    }
}
