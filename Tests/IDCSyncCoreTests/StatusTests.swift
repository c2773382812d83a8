import IDCSyncCore
import IDCSyncRendering
import IDCSyncTestSupport
import Testing

@Suite("status: probes, health and the URL to give people")
struct StatusTests {
    let tokyo = Region(name: "ap-northeast-1", partition: .aws)
    let osaka = Region(name: "ap-northeast-3", partition: .aws)
    let seoul = Region(name: "ap-northeast-2", partition: .aws)
    let instanceId = "ssoins-7758a1b2c3d4e5f6"

    func catalog(_ regions: [Region]) -> [RegionURLs] {
        let input = URLCatalogInput(partition: .aws, primaryRegion: tokyo, instanceId: instanceId,
                                    identityStoreId: try! IdentityStoreID.parse("d-9067a1b2c3").get(), tenantId: "4455422d-7e3f",
                                    enabledBeforeFebruary2026: false)
        return URLCatalog.urls(for: regions, enabledRegions: regions, input: input)
    }

    let ok = ProbeObservation(method: "HEAD", status: 200, latency: .milliseconds(80))

    func assess(_ regions: [Region], start: StartURL? = nil, _ observe: (StatusProbe) -> ProbeObservation) -> StatusReport {
        let probes = StatusPlanner.probes(catalog: catalog(regions), startURL: start)
        var observations: [StatusProbe: ProbeObservation] = [:]
        for probe in probes { observations[probe] = observe(probe) }
        return StatusPlanner.assess(instanceId: instanceId, primary: tokyo, regions: regions, probes: probes, observations: observations,
                                    timeout: .seconds(5), slowAfter: .seconds(2))
    }

    @Test func probesCoverPortalsThatWorkAndEachACSHostOnce() {
        let probes = StatusPlanner.probes(catalog: catalog([tokyo, osaka]), startURL: try! StartURL.parse("https://aws.example.com").get())
        #expect(probes.map { "\($0.region?.name ?? "-") \($0.role.rawValue) \($0.url)" } == [
            "ap-northeast-1 portal https://d-9067a1b2c3.awsapps.com/start",
            "ap-northeast-1 portal https://ssoins-7758a1b2c3d4e5f6.ap-northeast-1.portal.amazonaws.com",
            "ap-northeast-1 portal https://ssoins-7758a1b2c3d4e5f6.portal.ap-northeast-1.app.aws",
            "ap-northeast-1 sign-in https://ap-northeast-1.signin.aws/",
            "ap-northeast-1 sign-in https://ap-northeast-1.sso.signin.aws/",
            "ap-northeast-3 portal https://ssoins-7758a1b2c3d4e5f6.ap-northeast-3.portal.amazonaws.com",
            "ap-northeast-3 portal https://ssoins-7758a1b2c3d4e5f6.portal.ap-northeast-3.app.aws",
            "ap-northeast-3 sign-in https://ap-northeast-3.signin.aws/",
            "ap-northeast-3 sign-in https://ap-northeast-3.sso.signin.aws/",
            "- start-url https://aws.example.com",
        ])
    }

    @Test func allUp() {
        let report = assess([tokyo, osaka]) { _ in ok }
        #expect(report.verdict == .primaryUp)
        #expect(report.regions.map(\.health) == [.up, .up])
        #expect(report.recommendedURL == "https://d-9067a1b2c3.awsapps.com/start")
        #expect(report.recommendation == "the primary Region ap-northeast-1 is up")
    }

    @Test(arguments: [
        (ProbeObservation(failure: .connect, reason: "connection refused", latency: .milliseconds(3)), "portal d-9067a1b2c3.awsapps.com: connect: connection refused"),
        (ProbeObservation(failure: .timeout, reason: "no answer in 5 s during tls", latency: .seconds(5)), "portal d-9067a1b2c3.awsapps.com: no answer in 5 s during tls"),
        (ProbeObservation(failure: .tls, reason: "certificate is not valid for the host", latency: .milliseconds(9)), "portal d-9067a1b2c3.awsapps.com: tls: certificate is not valid for the host"),
        (ProbeObservation(failure: .dns, reason: "no such host", latency: .milliseconds(9)), "portal d-9067a1b2c3.awsapps.com: dns: no such host"),
    ])
    func primaryDownFailsOver(failure: ProbeObservation, reason: String) {
        let report = assess([tokyo, osaka, seoul]) { $0.region == tokyo && $0.role == .portal ? failure : ok }
        #expect(report.verdict == .failover)
        #expect(report.regions.map(\.health) == [.down, .up, .up])
        #expect(report.regions[0].reason == reason)
        // The configured order decides, not the name: Osaka was listed before Seoul.
        #expect(report.recommendedURL == "https://ssoins-7758a1b2c3d4e5f6.ap-northeast-3.portal.amazonaws.com")
        #expect(report.recommendation == "the primary Region is not up; ap-northeast-3 is")
    }

    @Test func primaryAnswering503IsDegradedAndFailsOver() {
        let report = assess([tokyo, osaka]) { $0.region == tokyo ? ProbeObservation(method: "HEAD", status: 503, latency: .milliseconds(40)) : ok }
        #expect(report.regions[0].health == .degraded)
        #expect(report.regions[0].reason == "portal d-9067a1b2c3.awsapps.com: answers 503")
        #expect(report.verdict == .failover)
    }

    @Test func oneWorkingPortalVariantKeepsThePortalUpButAnyFailingSignInHostDoesNot() {
        let portalPartly = assess([tokyo, osaka]) {
            $0.region == osaka && $0.variant == .portalAlternateIPv4 ? ProbeObservation(failure: .connect, reason: "refused", latency: .zero) : ok
        }
        #expect(portalPartly.regions[1].health == .up)
        #expect(portalPartly.regions[1].portalURL == "https://ssoins-7758a1b2c3d4e5f6.portal.ap-northeast-3.app.aws")
        let signInPartly = assess([tokyo, osaka]) {
            $0.region == osaka && $0.variant == .acsDualStack ? ProbeObservation(failure: .connect, reason: "refused", latency: .zero) : ok
        }
        #expect(signInPartly.regions[1].health == .down)
        #expect(signInPartly.regions[1].reason == "sign-in ap-northeast-3.sso.signin.aws: connect: refused")
    }

    @Test func slowAnswersAreDegraded() {
        let report = assess([tokyo]) { _ in ProbeObservation(method: "HEAD", status: 200, latency: .milliseconds(2300)) }
        #expect(report.regions[0].health == .degraded)
        #expect(report.regions[0].reason == "portal d-9067a1b2c3.awsapps.com: slow: answered in 2.3 s")
        #expect(report.verdict == .noneUp)
        #expect(report.recommendedURL == "https://d-9067a1b2c3.awsapps.com/start")
        #expect(report.recommendation.hasPrefix("no Region is fully up; ap-northeast-1 answers, but"))
    }

    @Test func noneUp() {
        let report = assess([tokyo, osaka]) { _ in ProbeObservation(failure: .timeout, reason: "no answer in 5 s during connect", latency: .seconds(5)) }
        #expect(report.verdict == .noneUp)
        #expect(report.recommendedURL == nil)
        #expect(report.recommendation == "no Region's portal answers")
    }

    func redirect(_ location: String) -> ProbeObservation { ProbeObservation(method: "HEAD", status: 302, location: location, latency: .milliseconds(30)) }
    let start = try! StartURL.parse("https://aws.example.com").get()

    @Test func startURLLandingOnAHealthyRegionIsTheURLToGive() {
        let report = assess([tokyo, osaka], start: start) { probe in
            if probe.role == .startURL { return redirect("https://ssoins-7758a1b2c3d4e5f6.ap-northeast-3.portal.amazonaws.com/start") }
            return probe.region == tokyo ? ProbeObservation(failure: .connect, reason: "refused", latency: .zero) : ok
        }
        #expect(report.startURL?.landing == osaka)
        #expect(report.recommendedURL == "https://aws.example.com")
        #expect(report.recommendation == "the start URL sends people to ap-northeast-3, which is up")
        #expect(report.verdict == .failover)
    }

    @Test func startURLLandingOnTheDownRegionIsNotGiven() {
        let report = assess([tokyo, osaka], start: start) { probe in
            if probe.role == .startURL { return redirect("https://ssoins-7758a1b2c3d4e5f6.portal.ap-northeast-1.app.aws") }
            return probe.region == tokyo ? ProbeObservation(failure: .connect, reason: "refused", latency: .zero) : ok
        }
        #expect(report.startURL?.landing == tokyo)
        #expect(report.recommendedURL == "https://ssoins-7758a1b2c3d4e5f6.ap-northeast-3.portal.amazonaws.com")
        #expect(report.recommendation == "the primary Region is not up; ap-northeast-3 is; the start URL sends people to ap-northeast-1, which is down: switch its routing to ap-northeast-3")
    }

    @Test(arguments: [
        ("https://ssoins-0000000000000000.portal.ap-northeast-3.app.aws",
         "redirects to ssoins-0000000000000000.portal.ap-northeast-3.app.aws, the portal of another instance (ssoins-0000000000000000); point it at this instance's portals (idcsync urls)"),
        ("https://ssoins-7758a1b2c3d4e5f6.eu-west-1.portal.amazonaws.com",
         "redirects to ssoins-7758a1b2c3d4e5f6.eu-west-1.portal.amazonaws.com, in eu-west-1, which is not one of the instance's Regions; point it at an enabled Region, or add eu-west-1 first"),
        ("https://login.example.net/aws", "redirects to login.example.net, which is not an AWS access-portal host; point it at a Regional portal of this instance (idcsync urls)"),
        ("/start", "redirects to aws.example.com, which is not an AWS access-portal host; point it at a Regional portal of this instance (idcsync urls)"),
        ("https://d-9067a1b2c3.awsapps.com/start",
         "redirects to d-9067a1b2c3.awsapps.com, which is not a Regional access portal; the classic and alias portals serve only the primary Region, so failover needs a Regional portal (idcsync urls)"),
        ("http://ssoins-7758a1b2c3d4e5f6.portal.ap-northeast-3.app.aws", "redirects to \"http://ssoins-7758a1b2c3d4e5f6.portal.ap-northeast-3.app.aws\", which is not an https URL"),
    ])
    func startURLRedirectingElsewhereFailsNamingTheHost(location: String, explanation: String) {
        let report = assess([tokyo, osaka], start: start) { $0.role == .startURL ? redirect(location) : ok }
        #expect(report.startURL?.landing == nil)
        #expect(report.startURL?.explanation == explanation)
        #expect(report.recommendedURL == "https://d-9067a1b2c3.awsapps.com/start")
        #expect(report.recommendation == "the primary Region ap-northeast-1 is up; the start URL \(explanation)")
    }

    @Test func startURLThatDoesNotRedirectOrAnswer() {
        let plain = assess([tokyo], start: start) { $0.role == .startURL ? ok : ok }
        #expect(plain.startURL?.explanation == "answered 200 without a redirect; it must redirect to a Regional access portal (the AWS CLI follows one redirect)")
        let refused = assess([tokyo], start: start) {
            $0.role == .startURL ? ProbeObservation(failure: .connect, reason: "connection refused", latency: .zero) : ok
        }
        #expect(refused.startURL?.explanation == "does not answer: connect: connection refused")
    }

    @Test func durationsInWords() {
        #expect(StatusPlanner.seconds(.milliseconds(340)) == "340 ms")
        #expect(StatusPlanner.seconds(.milliseconds(2349)) == "2.3 s")
        #expect(StatusPlanner.seconds(.seconds(5)) == "5.0 s")
    }

    @Test func renderingsMatchGoldenFiles() {
        let report = assess([tokyo, osaka], start: start) { probe in
            if probe.role == .startURL { return redirect("https://ssoins-7758a1b2c3d4e5f6.portal.ap-northeast-1.app.aws/start") }
            if probe.region == tokyo { return ProbeObservation(failure: .timeout, reason: "no answer in 5.0 s (during tls)", latency: .seconds(5), phases: ["dns": 0.4, "connect": 1.2]) }
            return ProbeObservation(method: "HEAD", status: 200, latency: .milliseconds(31), phases: ["dns": 0.4, "connect": 1.2, "tls": 6.3, "http": 22.9],
                                    addresses: ["198.51.100.7"])
        }
        expectGolden(StatusRenderer.text(report, style: .plain), "status-failover.txt")
        expectGolden(JSONWriter.pretty(StatusRenderer.json(report, exitCode: 2)), "status-failover.json")
        #expect(!StatusRenderer.text(report, style: .plain).contains(" \n"), "no trailing spaces")
    }
}
