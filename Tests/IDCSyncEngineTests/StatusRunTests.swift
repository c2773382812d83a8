import HTTPKit
import IDCSyncCore
@testable import IDCSyncEngine
import IDCSyncTestSupport
import Synchronization
import Testing

/// A prober that answers from a table and records what it was asked; unknown URLs are refused.
final class TableProber: StatusProber, @unchecked Sendable {
    let answers: @Sendable (String) -> ProbeObservation?
    private let asked = Mutex<[String]>([])

    init(_ answers: @escaping @Sendable (String) -> ProbeObservation?) { self.answers = answers }

    var urls: [String] { asked.withLock { $0.sorted() } }

    func observe(_ url: String, timeout: Duration) async -> ProbeObservation {
        asked.withLock { $0.append(url) }
        return answers(url) ?? ProbeObservation(failure: .connect, reason: "connection refused", latency: .milliseconds(1))
    }
}

/// A prober stuck in the system: it ignores its timeout and cancellation (a resolver that never returns).
struct StuckProber: StatusProber {
    func observe(_ url: String, timeout: Duration) async -> ProbeObservation {
        await withCheckedContinuation { (_: CheckedContinuation<Void, Never>) in }
        return ProbeObservation(latency: .zero)
    }
}

@Suite("status engine")
struct StatusRunTests {
    static let up = ProbeObservation(method: "HEAD", status: 200, latency: .milliseconds(20))

    func run(_ world: EngineWorld, _ yaml: String, prober: any StatusProber,
             options: StatusOptions = StatusOptions()) async throws(IDCSyncError) -> StatusReport {
        let config: Config
        do { config = try world.config(yaml) } catch let error as IDCSyncError { throw error } catch { fatalError("\(error)") }
        var context = world.context
        context.time = SystemTime()
        return try await StatusRun.run(target: config.defaultTarget, configFile: config.source, prober: prober, options: options, context: context)
    }

    let yaml = """
        instance:
          arn: \(FakeAWS.instanceArn)
          primaryRegion: ap-northeast-1
          identityStoreId: d-9067a1b2c3
          regions: [ap-northeast-1, eu-west-1, ap-northeast-3]
          startUrl: https://aws.example.com
        """

    @Test func probesEveryRegionAndTheStartURLWithoutAnyAWSOrOktaRequest() async throws {
        let world = try EngineWorld()
        let prober = TableProber { url in
            if url == "https://aws.example.com" {
                return ProbeObservation(method: "HEAD", status: 302, location: "https://ssoins-7758a1b2c3d4e5f6.portal.ap-northeast-1.app.aws", latency: .milliseconds(9))
            }
            return Self.up
        }
        let report = try await run(world, yaml, prober: prober)
        #expect(report.verdict == .primaryUp)
        #expect(report.regions.map(\.region.name) == ["ap-northeast-1", "eu-west-1", "ap-northeast-3"])
        #expect(report.recommendedURL == "https://aws.example.com")
        #expect(prober.urls.count == 14)
        #expect(prober.urls.contains("https://eu-west-1.sso.signin.aws/"))
        #expect(world.transport.requests.isEmpty)
        #expect(report.diagnostics.isEmpty)
    }

    @Test func failoverFollowsTheConfiguredOrder() async throws {
        let world = try EngineWorld()
        let prober = TableProber { url in url.contains("ap-northeast-1") || url.contains("awsapps.com") ? nil : Self.up }
        let report = try await run(world, yaml, prober: prober)
        #expect(report.verdict == .failover)
        #expect(report.outcome == .changes)
        #expect(report.recommendedURL == "https://ssoins-7758a1b2c3d4e5f6.eu-west-1.portal.amazonaws.com")
    }

    @Test func aStuckProbeIsAbandonedAtTheTimeoutAndCountsAsNoAnswer() async throws {
        // Returning at all is the point: a probe that never returns must not hold the run. How soon it
        // returns is measured end to end (StatusCommandTests), where the concurrency pool is not shared
        // with other suites that block its threads.
        let world = try EngineWorld()
        let report = try await run(world, yaml, prober: StuckProber(), options: StatusOptions(timeout: .milliseconds(200), slowAfter: .milliseconds(100)))
        #expect(report.verdict == .noneUp)
        #expect(report.regions.allSatisfy { $0.health == .down })
        #expect(report.regions[0].reason == "portal d-9067a1b2c3.awsapps.com: no answer in 200 ms")
    }

    @Test func missingInstanceOrPrimaryIsAConfigurationErrorNamingTheField() async throws {
        let world = try EngineWorld()
        let noArn = await #expect(throws: IDCSyncError.self) {
            try await run(world, "instance:\n  primaryRegion: ap-northeast-1\n  regions: [ap-northeast-1]\n", prober: TableProber { _ in Self.up })
        }
        #expect(noArn?.kind == .configuration)
        #expect(noArn?.diagnostics.first?.field == "instance.arn")
        #expect(noArn?.diagnostics.first?.message.hasPrefix("instance.arn is not set; status needs the instance id") == true)
        let noPrimary = await #expect(throws: IDCSyncError.self) {
            try await run(world, "instance:\n  arn: \(FakeAWS.instanceArn)\n", prober: TableProber { _ in Self.up })
        }
        #expect(noPrimary?.diagnostics.first?.field == "instance.primaryRegion")
    }

    @Test func withoutRegionsOrStartURLItSaysSo() async throws {
        let world = try EngineWorld()
        let report = try await run(world, "instance:\n  arn: \(FakeAWS.instanceArn)\n  primaryRegion: ap-northeast-1\n", prober: TableProber { _ in Self.up })
        #expect(report.regions.map(\.region.name) == ["ap-northeast-1"])
        #expect(report.diagnostics.map(\.code) == ["status.regions-unknown", "status.no-start-url"])
    }
}
