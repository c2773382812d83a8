import Foundation
import IDCSyncCore
@testable import IDCSyncEngine
import IDCSyncTestSupport
import Testing

/// `Doctor.run` in-process: each check's pass, warn or fail as the fakes and the clock make it.
@Suite("doctor (in-process, fakes)")
struct DoctorTests {
    private func doctor(_ world: EngineWorld, _ config: Config) async throws -> [String: DoctorCheck] {
        let report = try await Doctor.run(config: config, target: try config.selectTarget(nil), options: .init(), context: world.context)
        #expect(world.aws.calls("PutKeyPolicy").isEmpty && world.okta.puts.isEmpty, "doctor writes nothing")
        return Dictionary(uniqueKeysWithValues: report.checks.map { ($0.id, $0) })
    }

    private func syncedWorld(aws: FakeAWS? = nil, slots: [Int: String] = EngineWorld.syncedSlots,
                             certificateExpiry: String = "2028-11-21T10:00:00.000Z") async throws -> (EngineWorld, Config) {
        let world = try aws.map { try EngineWorld(aws: $0) } ?? EngineWorld()
        world.okta.addIdentityCenterApp(slots: slots, certificateExpiry: certificateExpiry)
        let config = try world.standardConfig()
        if world.aws.keyKind == .customerManaged { try await world.syncKeyPolicies(config) }
        return (world, config)
    }

    @Test func aReadySetupPassesTheAWSAndOktaChecks() async throws {
        let (world, config) = try await syncedWorld()
        let checks = try await doctor(world, config)
        for id in ["kms-key", "replica-keys", "regions-active", "okta-slots", "okta-default-acs", "okta-signing-certificate"] {
            #expect(checks[id]?.status == .pass, "\(id): \(checks[id]?.detail ?? "missing")")
        }
        #expect(checks["okta-signing-certificate"]?.detail.contains("kid-1 valid until 2028-11-21T10:00:00.000Z (731 days)") == true,
                "\(checks["okta-signing-certificate"]?.detail ?? "")")
    }

    @Test func anAWSOwnedKeyFailsTheKeyCheckAndSkipsTheRest() async throws {
        let aws = FakeAWS(regions: [(EngineWorld.primary, "ACTIVE"), (EngineWorld.osaka, "ACTIVE")], replicas: [], keyKind: .awsOwned)
        let (world, config) = try await syncedWorld(aws: aws)
        let checks = try await doctor(world, config)
        #expect(checks["kms-key"]?.status == .fail)
        #expect(checks["kms-key"]?.detail.contains("encrypted with an AWS owned key") == true, "\(checks["kms-key"]?.detail ?? "")")
        for id in ["replica-keys", "regions-active", "okta-slots", "okta-default-acs", "okta-signing-certificate", "bookmark-guides", "start-url"] {
            #expect(checks[id]?.status == .skip, "\(id)")
        }
        #expect(world.okta.requests.isEmpty, "nothing asked of Okta without the key")
        #expect(world.aws.calls("DescribeKey").isEmpty)
    }

    @Test func onlyThePrimaryRegionFailsRegionsActive() async throws {
        let aws = FakeAWS(regions: [(EngineWorld.primary, "ACTIVE")], replicas: [])
        let (world, config) = try await syncedWorld(aws: aws, slots: [1: FakeOkta.acs(EngineWorld.primary), 2: FakeOkta.acs(EngineWorld.primary, "dualstack")])
        let checks = try await doctor(world, config)
        #expect(checks["regions-active"]?.status == .fail)
        #expect(checks["regions-active"]?.detail == "only the primary Region ap-northeast-1 is enabled: there is nowhere to fail over to")
        #expect(checks["regions-active"]?.fix == "idcsync regions add REGION")
        #expect(checks["okta-slots"]?.status == .pass)
    }

    @Test func aRegionBeingAddedWarns() async throws {
        let aws = FakeAWS(regions: [(EngineWorld.primary, "ACTIVE"), (EngineWorld.osaka, "ADDING")], replicas: [EngineWorld.osaka])
        let (world, config) = try await syncedWorld(aws: aws)
        let checks = try await doctor(world, config)
        #expect(checks["regions-active"]?.status == .warn)
        #expect(checks["regions-active"]?.detail == "ap-northeast-3 is ADDING")
        #expect(checks["replica-keys"]?.status == .pass)
    }

    @Test func aReplicaWithAnotherPolicyFailsReplicaKeys() async throws {
        let (world, config) = try await syncedWorld()
        world.aws.setPolicy(#"{"Version":"2012-10-17","Statement":[]}"#, in: EngineWorld.osaka)
        let checks = try await doctor(world, config)
        #expect(checks["replica-keys"]?.status == .fail)
        #expect(checks["replica-keys"]?.detail.hasPrefix("ap-northeast-3: key policy") == true, "\(checks["replica-keys"]?.detail ?? "")")
        #expect(checks["replica-keys"]?.fix == "idcsync reconcile --apply")
    }

    @Test func missingOktaSlotsFailOktaSlots() async throws {
        let (world, config) = try await syncedWorld(slots: [1: FakeOkta.acs(EngineWorld.primary), 2: FakeOkta.acs(EngineWorld.primary, "dualstack")])
        let checks = try await doctor(world, config)
        #expect(checks["okta-slots"]?.status == .fail)
        #expect(checks["okta-slots"]?.detail == "2 slot changes needed; missing \(FakeOkta.acs(EngineWorld.osaka)), \(FakeOkta.acs(EngineWorld.osaka, "dualstack"))")
        #expect(checks["okta-slots"]?.fix == "idcsync okta apply")
    }

    @Test func aMissingOktaAppFailsOktaSlotsAndSkipsTheOtherOktaChecks() async throws {
        let (world, _) = try await syncedWorld()
        let config = try world.standardConfig(appId: "0oamissing")
        let checks = try await doctor(world, config)
        #expect(checks["okta-slots"]?.status == .fail)
        #expect(checks["okta-slots"]?.detail.contains("0oamissing") == true, "\(checks["okta-slots"]?.detail ?? "")")
        #expect(checks["okta-default-acs"]?.status == .skip)
        #expect(checks["okta-signing-certificate"]?.status == .skip)
    }

    /// The certificate expires on 2026-12-01T10:00Z; only the fake clock moves, so the verdicts
    /// prove doctor reads the time from the context.
    @Test(arguments: [
        (FakeClock.start - 60 * 86_400, DoctorCheck.Status.pass, "(70 days)"),
        (FakeClock.start, .warn, "expires in 10 days"),
        (FakeClock.start + 10 * 86_400 + 1, .fail, "expired at 2026-12-01T10:00:00.000Z"),
    ])
    func certificateExpiryFollowsTheClock(now: Double, status: DoctorCheck.Status, detail: String) async throws {
        let (world, config) = try await syncedWorld(certificateExpiry: "2026-12-01T10:00:00.000Z")
        world.clock.set(now)
        let checks = try await doctor(world, config)
        let check = try #require(checks["okta-signing-certificate"])
        #expect(check.status == status)
        #expect(check.detail.contains(detail), "\(check.detail)")
    }

    private func startURLCheck(location: String?, startUrl: String? = "https://aws.example.com") async throws -> (DoctorCheck?, TableProber) {
        let (world, _) = try await syncedWorld()
        let config = try world.standardConfig(extra: "").withStartURL(startUrl)
        let prober = TableProber { url in
            url == "https://aws.example.com" ? ProbeObservation(method: "HEAD", status: location == nil ? 200 : 302, location: location, latency: .milliseconds(5)) : nil
        }
        let report = try await Doctor.run(config: config, target: try config.selectTarget(nil), options: .init(prober: prober), context: world.context)
        return (report.checks.first { $0.id == "start-url" }, prober)
    }

    @Test func aStartURLLandingOnThisInstancesRegionalPortalPasses() async throws {
        let (check, prober) = try await startURLCheck(location: "https://ssoins-7758a1b2c3d4e5f6.ap-northeast-3.portal.amazonaws.com/start")
        #expect(check?.status == .pass)
        #expect(check?.detail == "https://aws.example.com redirects to https://ssoins-7758a1b2c3d4e5f6.ap-northeast-3.portal.amazonaws.com/start (ap-northeast-3)")
        #expect(prober.urls == ["https://aws.example.com"])
    }

    @Test func aStartURLLandingElsewhereFailsNamingTheHost() async throws {
        let (other, _) = try await startURLCheck(location: "https://ssoins-0000000000000000.portal.ap-northeast-3.app.aws")
        #expect(other?.status == .fail)
        #expect(other?.detail.contains("the portal of another instance (ssoins-0000000000000000)") == true)
        #expect(other?.fix?.contains("idcsync status") == true)
        let (disabled, _) = try await startURLCheck(location: "https://ssoins-7758a1b2c3d4e5f6.eu-west-1.portal.amazonaws.com")
        #expect(disabled?.detail.contains("in eu-west-1, which is not one of the instance's Regions") == true)
        let (plain, _) = try await startURLCheck(location: nil)
        #expect(plain?.detail.contains("answered 200 without a redirect") == true)
    }

    @Test func withoutAStartURLDoctorPointsAtTheBlogSetup() async throws {
        let (check, prober) = try await startURLCheck(location: nil, startUrl: nil)
        #expect(check?.status == .skip)
        #expect(check?.detail.contains("Regional routing for AWS access portals: Implementing custom vanity domains for IAM Identity Center") == true)
        #expect(prober.urls.isEmpty)
    }
}

private extension Config {
    func withStartURL(_ text: String?) throws -> Config {
        var copy = self
        copy.defaultTarget.instance.startUrl = try text.map { try StartURL.parse($0).get() }
        return copy
    }
}
