import Foundation
import IDCSyncCore
import Testing

/// A misbehaving Okta, through the real binary: hostile header values and redirects end the run
/// with exit 1 and a message, or succeed after a bounded wait; never a crash, never a write.
@Suite("okta against hostile headers and redirects (binary, Okta fake)")
struct HostileOktaTests {
    let environment = ["OKTA_API_TOKEN": OktaFake.token]

    private func setUp() async throws -> (OktaFake, Workspace) {
        let fake = try OktaFake()
        try await fake.seed()
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", fake.config())
        return (fake, workspace)
    }

    private func expectNoCrash(_ result: RunResult, sourceLocation: SourceLocation = #_sourceLocation) {
        for marker in ["Fatal error", "Crash", "Backtrace", "Double value cannot be converted"] {
            #expect(!result.stderr.contains(marker), "\(result.stderr)", sourceLocation: sourceLocation)
        }
    }

    /// A 429 whose reset is centuries away: exit 1 with the rate-limit message, nothing sent after it.
    @Test func a429WithAResetCenturiesAwayIsExitOne() async throws {
        let (fake, workspace) = try await setUp()
        let before = try await fake.app("0oaidc1")
        try await fake.faults([.object(["method": "GET", "path": "/api/v1/apps/0oaidc1", "action": "headers", "status": .int(429),
                                        "headers": .object(["X-Rate-Limit-Reset": "99999999999999999999999999"])])])
        let result = try workspace.runFailing(["okta", "apply", "--yes"], environment: environment)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("GET /api/v1/apps/0oaidc1"), "\(result.stderr)")
        #expect(result.stderr.contains("Okta's rate limit resets in 3153600000 s, longer than okta.rateLimitMaxWaitSeconds (120 s); run again later"), "\(result.stderr)")
        expectNoCrash(result)
        #expect(try await fake.requestLines() == ["GET /api/v1/apps/0oaidc1"])
        #expect(try await fake.app("0oaidc1") == before)
    }

    /// A 429 whose reset is no number (1e30, inf, nan, garbage): waited out as a 429 without a
    /// reset (a short backoff), then the run goes on.
    @Test(arguments: ["1e30", "inf", "-inf", "nan", "", "garbage"])
    func a429WithAResetThatIsNoNumberIsRiddenOut(reset: String) async throws {
        let (fake, workspace) = try await setUp()
        try await fake.faults([.object(["method": "GET", "path": "/api/v1/apps/0oaidc1", "action": "headers", "status": .int(429),
                                        "headers": .object(["X-Rate-Limit-Reset": .string(reset)])])])
        let result = try workspace.run(["okta", "plan"], environment: environment)
        #expect(result.status == 2, "changes needed: \(result.stderr)")
        expectNoCrash(result)
        #expect(try await fake.requestSummary() == ["GET /api/v1/apps/0oaidc1 429", "GET /api/v1/apps/0oaidc1 200"])
    }

    /// A 200 that empties the bucket with a reset centuries away: the guard read is refused before
    /// it is sent; exit 1, nothing written to Okta (only the backup of the app as read, taken
    /// before the guard read, is left).
    @Test func aDrainedBucketWithAResetCenturiesAwayStopsTheApplyBeforeAnyWrite() async throws {
        let (fake, workspace) = try await setUp()
        let before = try await fake.app("0oaidc1")
        try await fake.faults([.object(["method": "GET", "path": "/api/v1/apps/0oaidc1", "action": "headers",
                                        "headers": .object(["X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": "99999999999999999999999999"])])])
        let result = try workspace.run(["okta", "apply", "--yes"], environment: environment)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("longer than okta.rateLimitMaxWaitSeconds (120 s); run again later"), "\(result.stderr)")
        expectNoCrash(result)
        #expect(try await fake.requestLines() == ["GET /api/v1/apps/0oaidc1"], "no guard read, no PUT")
        #expect(try await fake.app("0oaidc1") == before)
        let files = try FileManager.default.contentsOfDirectory(atPath: workspace.url.path).sorted()
        #expect(files == ["idcsync-backups", "idcsync.yaml"])
    }

    /// The same with a reset that is no number: the headers count as missing and the plan goes on.
    @Test(arguments: ["1e30", "inf", "nan", "-5"])
    func aDrainedBucketWithAResetThatIsNoNumberDoesNotStopThePlan(reset: String) async throws {
        let (fake, workspace) = try await setUp()
        try await fake.faults([.object(["method": "GET", "path": "/api/v1/apps/0oaidc1", "action": "headers",
                                        "headers": .object(["X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": .string(reset)])])])
        let result = try workspace.run(["okta", "plan"], environment: environment)
        #expect(result.status == 2, "\(result.stderr)")
        expectNoCrash(result)
    }

    /// A redirect (here to the admin host) is not followed: exit 1, where it pointed, what to check.
    @Test func aRedirectIsExitOneSayingWhereItPointedAndWhatToCheck() async throws {
        let (fake, workspace) = try await setUp()
        let before = try await fake.app("0oaidc1")
        try await fake.faults([.object(["method": "GET", "path": "/api/v1/apps/0oaidc1", "action": "headers", "status": .int(301),
                                        "headers": .object(["Location": "https://example-admin.okta.com/api/v1/apps/0oaidc1"])])])
        let result = try workspace.runFailing(["okta", "apply", "--yes"], environment: environment)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("Okta answered 301, a redirect to https://example-admin.okta.com/api/v1/apps/0oaidc1, which idcsync does not follow"), "\(result.stderr)")
        #expect(result.stderr.contains("check okta.orgUrl: it must be the org's own https base URL"), "\(result.stderr)")
        #expect(try await fake.requestLines() == ["GET /api/v1/apps/0oaidc1"], "not followed, not retried")
        #expect(try await fake.app("0oaidc1") == before)
    }
}
