import Foundation
import IDCSyncCore
import Testing

/// `doctor` through the real binary against the AWS sandbox and the Okta fake.
@Suite("doctor (binary, against the AWS sandbox and the Okta fake)")
struct DoctorCommandTests {
    /// Check id → status, from `doctor --output json`.
    private func statuses(_ stdout: String) throws -> [String: String] {
        let checks = try JSONParser.parse(stdout)["checks"]?.arrayValue ?? []
        var result: [String: String] = [:]
        for check in checks { result[check["id"]?.stringValue ?? "?"] = check["status"]?.stringValue }
        return result
    }

    private func expiry(days: Double) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date().addingTimeInterval(days * 86_400))
    }

    @Test func aReadySetupPassesAndWritesNothing() async throws {
        let world = try await SandboxWorld.make(extraConfig: "bookmarks: {out: docs/portal, formats: [markdown, html], languages: [en]}")
        let guides = try world.workspace.run(["bookmarks"], environment: world.environment)
        #expect(guides.status == 0, "\(guides.stderr)")
        try world.workspace.write("runbooks/idp-outage-break-glass.md", "# Break glass\n1. Open the safe.\n")
        try await world.okta.clearRequests()

        let before = try world.workspace.snapshot()
        let result = try world.workspace.run(["doctor", "--output", "json"], environment: world.environment)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(try world.workspace.snapshot() == before, "doctor writes nothing")
        let status = try statuses(result.stdout)
        #expect(status == ["kms-key": "pass", "replica-keys": "pass", "regions-active": "pass", "okta-slots": "pass",
                           // The fake's issuer names another identity store than the sandbox's: a warning, not a failure.
                           "okta-default-acs": "warn", "okta-signing-certificate": "pass", "bookmark-guides": "pass",
                           "start-url": "skip", "break-glass-runbook": "pass"], "\(result.stdout)")
        #expect(try JSONParser.parse(result.stdout)["ready"] == true)
        let okta = try await world.okta.requestLines()
        #expect(okta == ["GET /api/v1/apps/0oaidc1", "GET /api/v1/apps/0oaidc1/credentials/keys"], "\(okta)")
        #expect(!(try await world.aws.requestLines()).contains { $0.contains("Put") || $0.contains("Replicate") || $0.contains("AddRegion") })

        let text = try world.workspace.run(["doctor"], environment: world.environment)
        #expect(text.stdout.contains("PASS  Every Region ACTIVE [regions-active]"))
        #expect(text.stdout.contains("Ready for a primary-Region outage: 7 passed, 1 warning, 0 failed, 1 skipped."))
    }

    @Test func aSetupThatCannotFailOverFailsWithTheFixes() async throws {
        let world = try await SandboxWorld.make(addOsaka: false)
        try await world.okta.control("POST", "/_fake/apps/0oaidc1/keys", .array([.object(["kid": "kid-1", "expiresAt": .string(expiry(days: 10))])]))
        let result = try world.workspace.runFailing(["doctor"], environment: world.environment)
        #expect(result.status == 2, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("FAIL  Every Region ACTIVE [regions-active]"))
        #expect(result.stdout.contains("only the primary Region ap-northeast-1 is enabled: there is nowhere to fail over to"))
        #expect(result.stdout.contains("fix: idcsync regions add REGION"))
        #expect(result.stdout.contains("FAIL  Okta ACS URL slots complete [okta-slots]"))
        #expect(result.stdout.contains("fix: idcsync okta apply"))
        #expect(result.stdout.contains("WARN  Okta signing certificate [okta-signing-certificate]"))
        #expect(result.stdout.contains("the signing certificate kid-1 expires in 9 days") || result.stdout.contains("the signing certificate kid-1 expires in 10 days"))
        #expect(result.stdout.contains("WARN  Bookmark guides current [bookmark-guides]"))
        #expect(result.stdout.contains("FAIL  Break-glass runbook [break-glass-runbook]"))
        #expect(result.stdout.contains("Not ready for a primary-Region outage"))
    }

    @Test func anExpiredCertificateAndAMissingReplicaFail() async throws {
        let world = try await SandboxWorld.make(extraRegions: ["eu-west-1"])
        try await world.okta.control("POST", "/_fake/apps/0oaidc1/keys", .array([.object(["kid": "kid-1", "expiresAt": .string(expiry(days: -1))])]))
        let result = try world.workspace.runFailing(["doctor", "--output", "json", "--break-glass-runbook", "https://wiki.example.com/break-glass"],
                                                    environment: world.environment)
        #expect(result.status == 2, "\(result.stdout)\n\(result.stderr)")
        let status = try statuses(result.stdout)
        #expect(status["okta-signing-certificate"] == "fail")
        #expect(status["replica-keys"] == "fail")
        #expect(status["break-glass-runbook"] == "warn")
        #expect(result.stdout.contains("idcsync regions add eu-west-1"))
    }

    @Test func anAWSOwnedKeyFailsAndTheChecksThatNeedItAreSkipped() async throws {
        let world = try await SandboxWorld.make(addOsaka: false, awsOwnedKey: true)
        let result = try world.workspace.runFailing(["doctor", "--output", "json"], environment: world.environment)
        #expect(result.status == 2, "\(result.stdout)\n\(result.stderr)")
        let status = try statuses(result.stdout)
        #expect(status["kms-key"] == "fail")
        #expect(status["replica-keys"] == "skip" && status["okta-slots"] == "skip")
        #expect(result.stdout.contains("AWS owned key"))
    }

    @Test func badInputIsAUsageError() async throws {
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", "instance: {primaryRegion: ap-northeast-1}\n")
        let insecure = try workspace.runFailing(["doctor", "--break-glass-runbook", "http://wiki.example.com/x"])
        #expect(insecure.status == 64)
        #expect(insecure.stderr.contains("--break-glass-runbook must be a path or an https URL"))
        let markdown = try workspace.runFailing(["doctor", "--output", "markdown"])
        #expect(markdown.status == 64)
    }
}
