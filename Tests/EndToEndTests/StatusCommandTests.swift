import Foundation
import IDCSyncCore
import IDCSyncTestSupport
import Testing

/// `idcsync status` through the binary against the local HTTPS portal fake: the AWS host names are sent
/// to loopback by the test hook IDCSYNC_TEST_CONNECT_TO (no real DNS, no real AWS address), and the
/// fake's test CA is trusted through AWS_CA_BUNDLE. No AWS or Okta credential is in the environment.
@Suite("idcsync status (end to end, portal fake)", .serialized)
struct StatusCommandTests {
    static let instance = "ssoins-7758a1b2c3d4e5f6"
    static let start = "aws.example.com"

    static func hosts(_ region: String) -> [String] {
        var hosts = ["\(instance).\(region).portal.amazonaws.com", "\(instance).portal.\(region).app.aws",
                     "\(region).signin.aws", "\(region).sso.signin.aws"]
        if region == "ap-northeast-1" { hosts.insert("d-9067a1b2c3.awsapps.com", at: 0) }
        return hosts
    }

    /// The fake's hanging listeners never answer, so a status that waited for them would be killed at
    /// this bound and fail. It leaves room for a loaded machine; the timeout-plus-one-second figure is
    /// measured by scripts/bench-status.
    static let hangBound = 10.0

    static let config = """
        instance:
          arn: arn:aws:sso:::instance/\(instance)
          primaryRegion: ap-northeast-1
          identityStoreId: d-9067a1b2c3
          regions: [ap-northeast-1, ap-northeast-3]
          enabledBeforeFebruary2026: false
          startUrl: https://\(start)
        """

    let workspace: Workspace
    let fake: PortalFake

    init() async throws {
        workspace = try Workspace()
        try workspace.write("idcsync.yaml", Self.config)
        fake = try await PortalFake(hostNames: Self.hosts("ap-northeast-1") + Self.hosts("ap-northeast-3") + [Self.start],
                                    listeners: ["tokyo", "osaka", "start"])
        try await fake.setBehaviour("start", .redirect("https://\(Self.instance).portal.ap-northeast-1.app.aws/start"))
    }

    /// Runs status with every host sent to its listener; `tokyoRefused` sends Tokyo's to a closed port.
    func status(_ arguments: [String] = [], tokyoRefused: Bool = false, bound: Double = 30) throws -> RunResult {
        var entries = Self.hosts("ap-northeast-3").map { fake.connectTo($0, "osaka") } + [fake.connectTo(Self.start, "start")]
        entries += Self.hosts("ap-northeast-1").map { tokyoRefused ? fake.connectToRefused($0) : fake.connectTo($0, "tokyo") }
        let (result, killed) = try workspace.launch(["status"] + arguments, environment: [
            "IDCSYNC_TEST_CONNECT_TO": entries.joined(separator: ","), "AWS_CA_BUNDLE": fake.caFile, "NO_COLOR": "1",
        ], bound: bound)
        #expect(!killed, "status did not end within \(bound) s")
        return result
    }

    func json(_ result: RunResult) throws -> JSONValue { try JSONParser.parse(result.stdout) }

    /// The first Region of a JSON report (the primary).
    func primary(_ document: JSONValue) -> JSONValue? {
        guard case .array(let regions)? = document["regions"] else { return nil }
        return regions.first
    }

    @Test func allUpGivesTheStartURLAndExitsZero() async throws {
        let before = try workspace.snapshot()
        let result = try status()
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("Give people: https://aws.example.com\n"), "\(result.stdout)")
        #expect(result.stdout.contains("Start URL https://aws.example.com redirects to https://\(Self.instance).portal.ap-northeast-1.app.aws/start (ap-northeast-1)"))
        #expect(try workspace.snapshot() == before, "status writes nothing")
        // Every host was asked once with HEAD, under its own name (SNI and Host), and no redirect was followed.
        let requests = try await fake.requests()
        #expect(requests.count == 10, "\(requests)")
        #expect(requests.allSatisfy { $0.method == "HEAD" && $0.sni == $0.host })
        #expect(requests.filter { $0.listener == "start" }.map(\.path) == ["/"])
        #expect(Set(requests.compactMap(\.host)).count == 10)
    }

    @Test func jsonHasEveryProbe() async throws {
        let result = try status(["--output", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let document = try json(result)
        #expect(document["verdict"] == "primary-up")
        #expect(document["exitCode"] == .int(0))
        #expect(document["recommendedUrl"] == "https://aws.example.com")
        #expect(document["startUrl"]?["landsIn"] == "ap-northeast-1")
        guard case .array(let regions)? = document["regions"] else { Issue.record("no regions"); return }
        #expect(regions.map { $0["health"] } == ["up", "up"])
        guard case .array(let probes)? = regions[0]["probes"] else { Issue.record("no probes"); return }
        #expect(probes.count == 5)
        #expect(probes.allSatisfy { $0["httpStatus"] == .int(200) && $0["method"] == "HEAD" })
        #expect(probes.first?["phasesMs"]?["tls"] != nil)
    }

    @Test func primaryRefusedFailsOverToOsakaAndTheStartURLIsNotGiven() async throws {
        let result = try status(tokyoRefused: true)
        #expect(result.status == 2, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("Fail over. Give people: https://\(Self.instance).ap-northeast-3.portal.amazonaws.com\n"), "\(result.stdout)")
        #expect(result.stdout.contains("the start URL sends people to ap-northeast-1, which is down: switch its routing to ap-northeast-3"))
        #expect(result.stdout.contains("connection refused"), "\(result.stdout)")
    }

    @Test func primaryTimingOutIsBoundedByTheTimeout() async throws {
        try await fake.setBehaviour("tokyo", .hangTLS)
        let result = try status(["--timeout", "1.5", "--output", "json"], bound: Self.hangBound)
        #expect(result.status == 2, "\(result.stderr)")
        let document = try json(result)
        #expect(primary(document)?["health"] == "down")
        #expect(primary(document)?["reason"] == "portal d-9067a1b2c3.awsapps.com: no answer in 1.5 s (during tls)")
    }

    @Test func primaryWithACertificateForAnotherHostIsDown() async throws {
        try await fake.setBehaviour("tokyo", .wrongCert)
        let result = try status(["--output", "json"])
        #expect(result.status == 2, "\(result.stderr)")
        let reason = try primary(json(result))?["reason"]
        guard case .string(let text)? = reason else { Issue.record("no reason"); return }
        #expect(text.contains(": tls: ") && text.contains("not valid for"), "\(text)")
    }

    @Test func primaryAnswering503IsDegradedAndFailsOver() async throws {
        try await fake.setBehaviour("tokyo", .status(503))
        let result = try status(["--output", "json"])
        #expect(result.status == 2, "\(result.stderr)")
        let document = try json(result)
        #expect(primary(document)?["health"] == "degraded")
        #expect(document["verdict"] == "failover")
        #expect(document["recommendedUrl"] == .string("https://\(Self.instance).ap-northeast-3.portal.amazonaws.com"))
    }

    @Test(arguments: [
        ("https://ssoins-0000000000000000.portal.ap-northeast-3.app.aws", "the portal of another instance (ssoins-0000000000000000)"),
        ("https://\(instance).eu-west-1.portal.amazonaws.com", "in eu-west-1, which is not one of the instance's Regions"),
        ("https://login.example.net/aws", "redirects to login.example.net, which is not an AWS access-portal host"),
    ])
    func startURLRedirectingElsewhereIsReportedNamingTheHost(location: String, words: String) async throws {
        try await fake.setBehaviour("start", .redirect(location))
        let result = try status(["--output", "json"])
        #expect(result.status == 0, "the primary is up: \(result.stderr)")
        let document = try json(result)
        #expect(document["startUrl"]?["ok"] == false)
        guard case .string(let explanation)? = document["startUrl"]?["explanation"] else { Issue.record("no explanation"); return }
        #expect(explanation.contains(words), "\(explanation)")
        #expect(document["recommendedUrl"] == "https://d-9067a1b2c3.awsapps.com/start")
    }

    @Test func aHangingStartURLDoesNotHoldTheCommand() async throws {
        try await fake.setBehaviour("start", .hangHTTP)
        let result = try status(["--timeout", "1", "--output", "json"], bound: Self.hangBound)
        #expect(result.status == 0, "\(result.stderr)")
        let document = try json(result)
        #expect(document["startUrl"]?["explanation"] == "does not answer: no answer in 1.0 s (during http)")
    }

    @Test func noRegionUpExitsOne() async throws {
        try await fake.setBehaviour("osaka", .hangTLS)
        let result = try status(["--timeout", "1"], tokyoRefused: true, bound: Self.hangBound)
        #expect(result.status == 1, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("No Region's portal answers."), "\(result.stdout)")
    }
}

/// The refusals: exit 64, the message names the field or option and the fix, nothing written.
@Suite("idcsync status refusals")
struct StatusRefusalTests {
    @Test(arguments: [
        (["status", "--timeout", "soon"], "--timeout \"soon\" is not a number of seconds; e.g. --timeout 5 or --timeout 2.5"),
        (["status", "--timeout", "0"], "--timeout 0 is out of range; give 0.1 to 60 seconds"),
        (["status", "--timeout", "2", "--slow", "3"], "--slow 3 is longer than --timeout 2; a slow answer must come before the timeout"),
        (["status", "--output", "markdown"], "markdown"),
    ])
    func badOptions(arguments: [String], message: String) throws {
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", StatusCommandTests.config)
        let result = try workspace.runFailing(arguments)
        #expect(result.status == 64)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test func withoutTheInstanceAndNoCredentialsItNamesTheKey() throws {
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", "instance:\n  primaryRegion: ap-northeast-1\n")
        let result = try workspace.runFailing(["status"])
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains("instance.arn"), "\(result.stderr)")
    }

    @Test func aMalformedTestHookIsRefused() throws {
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", StatusCommandTests.config)
        let result = try workspace.runFailing(["status"], environment: ["IDCSYNC_TEST_CONNECT_TO": "aws.example.com:443"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("IDCSYNC_TEST_CONNECT_TO: entry \"aws.example.com:443\" is not HOST:PORT:ADDRESS:PORT"), "\(result.stderr)")
    }

    @Test func aStartURLThatIsAnAWSPortalIsAConfigError() throws {
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", StatusCommandTests.config.replacing("startUrl: https://aws.example.com",
                                                                              with: "startUrl: https://d-9067a1b2c3.awsapps.com/start"))
        let result = try workspace.runFailing(["status"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("instance.startUrl"), "\(result.stderr)")
        #expect(result.stderr.contains("is an AWS-owned host, not a company start URL"), "\(result.stderr)")
    }
}
