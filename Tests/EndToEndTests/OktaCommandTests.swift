import Crypto
import Foundation
import IDCSyncCore
import Testing

/// `okta plan|apply|restore` through the real binary against the Okta fake: exit code, output, the
/// fake's final state and its request log.
@Suite("okta (binary, against the Okta fake)")
struct OktaCommandTests {
    let environment = ["OKTA_API_TOKEN": OktaFake.token]

    private func setUp(slots: [Int: String] = [:], regions: [String] = ["ap-northeast-1", "ap-northeast-3"], extraOkta: String = "") async throws -> (OktaFake, Workspace) {
        let fake = try OktaFake()
        try await fake.seed(slots: slots)
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", fake.config(regions: regions, extraOkta: extraOkta))
        return (fake, workspace)
    }

    @Test func firstApplyFillsTheSlotsWithExactlyFourRequests() async throws {
        let (fake, workspace) = try await setUp()
        let before = try await fake.app("0oaidc1")
        let result = try workspace.run(["okta", "apply", "--yes"], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("+ slot 1  acsURL1   \(OktaFake.acs("ap-northeast-1"))"))
        #expect(result.stdout.contains("Plan: 4 to add, 0 to clear."))
        #expect(result.stderr.contains("Wrote 4 slot changes to Okta app 0oaidc1 and read them back."))
        #expect(try await fake.requestLines() == [
            "GET /api/v1/apps/0oaidc1", "GET /api/v1/apps/0oaidc1", "PUT /api/v1/apps/0oaidc1", "GET /api/v1/apps/0oaidc1",
        ], "request economy: read, guard read, write, read back")

        let after = try await fake.app("0oaidc1")
        #expect(after.slot("acsURL1") == OktaFake.acs("ap-northeast-1"))
        #expect(after.slot("acsURL2") == OktaFake.acs("ap-northeast-3"))
        #expect(after.slot("acsURL3") == OktaFake.acs("ap-northeast-1", "dualstack"))
        #expect(after.slot("acsURL4") == OktaFake.acs("ap-northeast-3", "dualstack"))
        #expect(after.slot("acsURL5") == nil)
        // Everything else went back as read: the default ACS URL, the issuer, unknown fields, nulls.
        #expect(after.slot("acsURL") == before.slot("acsURL"))
        #expect(after.slot("entityID") == before.slot("entityID"))
        for field in ["customVendorField", "accessibility", "visibility", "credentials", "label", "signOnMode"] {
            #expect(after[field] == before[field], "\(field) changed")
        }
        #expect(after.value(at: ["settings", "notes"]) == before.value(at: ["settings", "notes"]))
        #expect(after.value(at: ["settings", "notifications"]) == before.value(at: ["settings", "notifications"]))

        // The PUT carried the whole app with only the four slots changed.
        let put = try #require(try await fake.requests().first { $0["method"] == "PUT" })
        var expected = before
        for (key, value) in [("acsURL1", "ap-northeast-1"), ("acsURL2", "ap-northeast-3")] { expected.set(.string(OktaFake.acs(value)), at: ["settings", "app", key]) }
        expected.set(.string(OktaFake.acs("ap-northeast-1", "dualstack")), at: ["settings", "app", "acsURL3"])
        expected.set(.string(OktaFake.acs("ap-northeast-3", "dualstack")), at: ["settings", "app", "acsURL4"])
        #expect(put["body"] == expected)
    }

    @Test func secondApplySendsNoPUTAndPlanAfterApplyExitsZero() async throws {
        let (fake, workspace) = try await setUp()
        #expect(try workspace.run(["okta", "apply", "--yes"], environment: environment).status == 0)
        try await fake.clearRequests()
        let again = try workspace.run(["okta", "apply", "--yes"], environment: environment)
        #expect(again.status == 0)
        #expect(again.stdout.contains("No changes: the Okta app's ACS URL slots are in sync."))
        #expect(try await fake.requestLines() == ["GET /api/v1/apps/0oaidc1"])
        try await fake.clearRequests()
        let plan = try workspace.run(["okta", "plan"], environment: environment)
        #expect(plan.status == 0)
        #expect(try await fake.requestLines() == ["GET /api/v1/apps/0oaidc1"], "okta plan on a known app id is one GET")
    }

    @Test func planShowsTheDiffAndExitsTwoWithoutWriting() async throws {
        let (fake, workspace) = try await setUp(slots: [2: OktaFake.acs("eu-west-1")])
        let result = try workspace.run(["okta", "plan", "--output", "json"], environment: environment)
        #expect(result.status == 2)
        let document = try JSONParser.parse(result.stdout)
        #expect(document["inSync"] == false)
        #expect(document["tenantId"] == .string(OktaFake.tenant))
        #expect(document["enabledBeforeFebruary2026"] == true)
        let slots = try #require(document["slots"]?.arrayValue)
        #expect(slots[0]["action"] == "add")
        // The departed Region's slot is the lowest free one after slot 1, so it is refilled.
        #expect(slots[1]["action"] == "replace")
        #expect(slots[1]["reason"] == "add")
        #expect(slots[1]["replacedBecause"] == "region-not-enabled")
        #expect(slots[1]["before"] == .string(OktaFake.acs("eu-west-1")))
        #expect(try await fake.requestLines() == ["GET /api/v1/apps/0oaidc1"])
    }

    /// No write just to tidy: a slot holding the default ACS URL is reported, is not drift and
    /// causes no PUT; it goes only when a write happens anyway.
    @Test func aCopyOfTheDefaultACSURLIsReportedNotWritten() async throws {
        let (fake, workspace) = try await setUp(slots: [1: OktaFake.acs("ap-northeast-1"), 2: OktaFake.acs("ap-northeast-1", "dualstack"),
                                                        3: OktaFake.defaultACS], regions: ["ap-northeast-1"])
        let plan = try workspace.run(["okta", "plan"], environment: environment)
        #expect(plan.status == 0, "a harmless difference is not drift")
        #expect(plan.stdout.contains("the same URL as the default ACS URL: redundant and harmless, cleared only with a write that is needed anyway"))
        #expect(plan.stdout.contains("No changes: the Okta app's ACS URL slots are in sync."))
        let apply = try workspace.run(["okta", "apply", "--yes"], environment: environment)
        #expect(apply.status == 0)
        #expect(!(try await fake.requestLines()).contains { $0.hasPrefix("PUT ") }, "no write just to tidy")
        #expect(try await fake.app("0oaidc1").slot("acsURL3") == OktaFake.defaultACS)
    }

    @Test func foreignURLsAreKeptAndReported() async throws {
        let foreign = "https://partner.example.com/saml/acs"
        let (fake, workspace) = try await setUp(slots: [1: foreign])
        let result = try workspace.run(["okta", "apply", "--yes"], environment: environment)
        #expect(result.status == 0)
        #expect(result.stdout.contains("! slot 1  acsURL1   \(foreign)"))
        #expect(result.stderr.contains("note: slot 1 (acsURL1) holds \(foreign), which is not an ACS URL of this instance; kept"))
        #expect(try await fake.app("0oaidc1").slot("acsURL1") == foreign)
        #expect(try await fake.app("0oaidc1").slot("acsURL2") == OktaFake.acs("ap-northeast-1"))
    }

    @Test func foreignURLsCanBeRemoved() async throws {
        let (fake, workspace) = try await setUp(slots: [1: "https://partner.example.com/saml/acs"], extraOkta: "  foreignUrls: remove")
        #expect(try workspace.run(["okta", "apply", "--yes"], environment: environment).status == 0)
        #expect(try await fake.app("0oaidc1").slot("acsURL1") == OktaFake.acs("ap-northeast-1"))
    }

    @Test func aConcurrentEditIsDetectedAndNothingIsClobbered() async throws {
        let (fake, workspace) = try await setUp()
        try await fake.faults([.object([
            "method": "GET", "path": "/api/v1/apps/0oaidc1", "skip": .int(1), "action": "concurrentEdit",
            "edit": .object(["label": "Edited by someone else", "settings.app.acsURL9": "https://edited.example/acs"]),
        ])])
        let result = try workspace.run(["okta", "apply", "--yes"], environment: environment)
        #expect(result.status == 1)
        #expect(result.stderr.contains("the Okta app changed since it was read"))
        #expect(result.stderr.contains("Nothing was written"))
        #expect(try await fake.requestLines() == ["GET /api/v1/apps/0oaidc1", "GET /api/v1/apps/0oaidc1"], "no PUT")
        let after = try await fake.app("0oaidc1")
        #expect(after["label"] == "Edited by someone else")
        #expect(after.slot("acsURL9") == "https://edited.example/acs")
    }

    @Test func rateLimitBurstsAndServerErrorsAreRiddenOutWithOnePUT() async throws {
        let (fake, workspace) = try await setUp()
        try await fake.faults([
            .object(["method": "GET", "path": "/api/v1/apps/0oaidc1", "times": .int(3), "action": "rateLimit", "resetSeconds": .int(0)]),
            .object(["method": "GET", "path": "/api/v1/apps/0oaidc1", "action": "status", "status": .int(500)]),
            .object(["method": "PUT", "path": "/api/v1/apps/0oaidc1", "action": "rateLimit", "resetSeconds": .int(0)]),
        ])
        let result = try workspace.run(["okta", "apply", "--yes"], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try await fake.requestSummary() == [
            "GET /api/v1/apps/0oaidc1 429", "GET /api/v1/apps/0oaidc1 429", "GET /api/v1/apps/0oaidc1 429",
            "GET /api/v1/apps/0oaidc1 500", "GET /api/v1/apps/0oaidc1 200", "GET /api/v1/apps/0oaidc1 200",
            "PUT /api/v1/apps/0oaidc1 429", "PUT /api/v1/apps/0oaidc1 200", "GET /api/v1/apps/0oaidc1 200",
        ])
        let log = try await fake.requests()
        #expect(log.filter { $0["method"] == "PUT" && $0["status"] == .int(200) }.count == 1, "exactly one PUT got through")
        // Retries after a 429 name the request they retry.
        let retry = log[1]["headers"]
        #expect(retry?["x-okta-retry-for"] != nil)
        #expect(retry?["x-okta-retry-count"] == "1")
        #expect(try await fake.app("0oaidc1").slot("acsURL1") == OktaFake.acs("ap-northeast-1"))
    }

    @Test func restorePutsBackTheExactApp() async throws {
        let (fake, workspace) = try await setUp(slots: [5: "https://partner.example.com/acs"])
        let original = try await fake.app("0oaidc1")
        let apply = try workspace.run(["okta", "apply", "--yes"], environment: environment)
        #expect(apply.status == 0)
        let backups = try FileManager.default.contentsOfDirectory(atPath: workspace.url.appendingPathComponent("idcsync-backups").path)
        let backup = "idcsync-backups/" + (try #require(backups.first))
        let attributes = try FileManager.default.attributesOfItem(atPath: workspace.url.appendingPathComponent(backup).path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let folder = try FileManager.default.attributesOfItem(atPath: workspace.url.appendingPathComponent("idcsync-backups").path)
        #expect((folder[.posixPermissions] as? Int) == 0o700)
        #expect(try await fake.app("0oaidc1") != original)

        let restore = try workspace.run(["okta", "restore", backup, "--yes"], environment: environment)
        #expect(restore.status == 0, "\(restore.stderr)")
        #expect(restore.stderr.contains("Restored Okta app 0oaidc1 from \(backup)"))
        var restored = try await fake.app("0oaidc1").objectValue!
        var expected = original.objectValue!
        restored["lastUpdated"] = nil
        expected["lastUpdated"] = nil
        #expect(restored == expected)
        #expect(try FileManager.default.contentsOfDirectory(atPath: workspace.url.appendingPathComponent("idcsync-backups").path).count == 2,
                "the state before the restore is backed up too")
    }

    @Test func theTokenNeverAppearsInOutputLogsOrBackups() async throws {
        let (fake, workspace) = try await setUp()
        let result = try workspace.run(["okta", "apply", "--yes", "--log-level", "trace"], environment: environment)
        #expect(result.status == 0)
        #expect(result.stderr.contains("debug: okta request"), "debug logs were on")
        let json = try workspace.run(["okta", "plan", "--output", "json", "--log-level", "trace", "--log-format", "json"], environment: environment)
        var everything = result.stdout + result.stderr + json.stdout + json.stderr
        for file in try FileManager.default.contentsOfDirectory(atPath: workspace.url.appendingPathComponent("idcsync-backups").path) {
            everything += try workspace.read("idcsync-backups/\(file)")
        }
        #expect(!everything.contains(OktaFake.token))
        #expect(!everything.contains("SSWS "))
        // The fake did receive it: the test would notice a run without authentication.
        #expect(try await fake.requests().first?["headers"]?["authorization"] == .string("SSWS \(OktaFake.token)"))
    }

    @Test func dryRunAndMissingConfirmationWriteNothing() async throws {
        let (fake, workspace) = try await setUp()
        let dry = try workspace.runFailing(["okta", "apply", "--dry-run"], environment: environment)
        #expect(dry.status == 2)
        let refused = try workspace.runFailing(["okta", "apply"], environment: environment)
        #expect(refused.status == 64)
        #expect(refused.stderr.contains("refusing to write without confirmation: stdin is not a terminal; pass --yes"))
        #expect(try await fake.requestLines().allSatisfy { $0.hasPrefix("GET ") })
        #expect(!FileManager.default.fileExists(atPath: workspace.url.appendingPathComponent("idcsync-backups").path))
    }

    @Test func confirmationOnATerminal() async throws {
        let (fake, workspace) = try await setUp()
        let declined = try workspace.run(["okta", "apply"], environment: environment, terminal: true, input: "no\n")
        #expect(declined.status == 1)
        #expect(declined.stdout.contains("Write 4 slot changes to Okta app 0oaidc1? Only 'yes' is accepted:"))
        #expect(declined.stdout.contains("Nothing was written."))
        #expect(!(try await fake.requestLines().contains("PUT /api/v1/apps/0oaidc1")))
        let accepted = try workspace.run(["okta", "apply"], environment: environment, terminal: true, input: "yes\n")
        #expect(accepted.status == 0, "\(accepted.stdout)")
        #expect(try await fake.requestLines().filter { $0.hasPrefix("PUT") }.count == 1)
    }

    @Test func overCapacityWritesNothingAndNamesTheURLsThatDoNotFit() async throws {
        var foreign: [Int: String] = [:]
        for slot in 1...14 { foreign[slot] = "https://partner\(slot).example.com/acs" }
        let (fake, workspace) = try await setUp(slots: foreign)
        let result = try workspace.runFailing(["okta", "apply", "--yes"], environment: environment)
        #expect(result.status == 1)
        #expect(result.stderr.contains("these URLs do not fit: \(OktaFake.acs("ap-northeast-3", "dualstack")) (ap-northeast-3 dual-stack ACS). Nothing was written."))
        #expect(result.stderr.contains("free the 14 slots holding foreign URLs (okta.foreignUrls: remove)"))
        #expect(try await fake.requestLines() == ["GET /api/v1/apps/0oaidc1"])
    }

    @Test func appDiscoveryUsesTheFilterAndListsCandidates() async throws {
        let fake = try OktaFake()
        try await fake.seed(appId: "0oaidc1")
        try await fake.seed(appId: "0oaidc2", extra: ["label": "AWS IAM Identity Center (staging)"])
        try await fake.control("POST", "/_fake/apps", .object(["id": "0oabook", "name": "bookmark", "label": "amazon_aws_sso tips"]))
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", fake.config(appId: nil))
        let result = try workspace.runFailing(["okta", "plan"], environment: environment)
        #expect(result.status == 64)
        #expect(result.stderr.contains("2 apps named amazon_aws_sso in this Okta org: 0oaidc1 \"AWS IAM Identity Center\" (ACTIVE), 0oaidc2 \"AWS IAM Identity Center (staging)\" (ACTIVE); set okta.appId"))
        let query = try #require(try await fake.requests().first?["query"])
        #expect(query["filter"] == .array(["name eq \"amazon_aws_sso\""]))
        #expect(query["q"] == nil)

        try await fake.control("DELETE", "/_fake/apps/0oaidc2")
        try await fake.clearRequests()
        let found = try workspace.run(["okta", "plan"], environment: environment)
        #expect(found.status == 2, "\(found.stderr)")
        #expect(try await fake.requestLines() == ["GET /api/v1/apps"], "the listed app is used as read")
    }

    @Test func slotKeysThatCannotBeFoundAreListed() async throws {
        let fake = try OktaFake()
        try await fake.control("POST", "/_fake/definitions", .object(["amazon_aws_sso": .strings(["acsURL", "entityID", "extraAcs1", "extraAcs2"])]))
        try await fake.seed()
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", fake.config())
        let result = try workspace.runFailing(["okta", "plan"], environment: environment)
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot find the 17 \"ACS URL1..17\" keys in settings.app"))
        #expect(result.stderr.contains("settings.app keys found: acsURL, entityID, extraAcs1, extraAcs2"))
    }

    @Test func slotKeysWithAnotherSpellingAreDiscovered() async throws {
        let fake = try OktaFake()
        try await fake.control("POST", "/_fake/definitions", .object(["amazon_aws_sso": .strings(["acsURL", "entityID"] + (1...17).map { "acsUrl_\($0)" })]))
        try await fake.seed()
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", fake.config())
        #expect(try workspace.run(["okta", "apply", "--yes"], environment: environment).status == 0)
        #expect(try await fake.app("0oaidc1").slot("acsUrl_1") == OktaFake.acs("ap-northeast-1"))
    }

    @Test func tenantIdInTheConfigMustMatchTheApp() async throws {
        let fake = try OktaFake()
        try await fake.seed()
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", fake.config().replacingOccurrences(of: "  primaryRegion: ap-northeast-1", with: "  primaryRegion: ap-northeast-1\n  tenantId: other-tenant"))
        let result = try workspace.runFailing(["okta", "plan"], environment: environment)
        #expect(result.status == 1)
        #expect(result.stderr.contains("has tenant id \(OktaFake.tenant), but instance.tenantId is other-tenant"))
    }

    @Test func credentialAndURLErrors() async throws {
        let fake = try OktaFake()
        try await fake.seed()
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", fake.config())
        let noToken = try workspace.runFailing(["okta", "plan"])
        #expect(noToken.status == 64)
        #expect(noToken.stderr.contains("no Okta API token: set OKTA_API_TOKEN (or OKTA_CLIENT_TOKEN), or okta.auth.tokenFile"))
        let badToken = try workspace.runFailing(["okta", "plan"], environment: ["OKTA_API_TOKEN": "wrong-token-value"])
        #expect(badToken.status == 1)
        #expect(badToken.stderr.contains("Okta answered 401 E0000011: Invalid token provided; check the API token"))
        #expect(!badToken.stderr.contains("wrong-token-value"))

        try workspace.write("idcsync.yaml", "instance: {primaryRegion: ap-northeast-1}\nokta:\n  orgUrl: http://example.okta.com\n")
        let http = try workspace.runFailing(["okta", "plan"], environment: environment)
        #expect(http.status == 64)
        #expect(http.stderr.contains("uses http; Okta org URLs must use https"))
        #expect(try await fake.requestLines().count == 1, "only the bad-token request reached the fake")
    }

    @Test func serviceAppWithDPoPThroughTheBinaryKeepsItsSecrets() async throws {
        let fake = try OktaFake()
        try await fake.seed()
        let workspace = try Workspace()
        let key = try await fake.setUpServiceApp(in: workspace, resourceNonce: true)
        let result = try workspace.run(["okta", "apply", "--yes", "--log-level", "trace"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try await fake.requestSummary() == [
            "POST /oauth2/v1/token 400", "POST /oauth2/v1/token 200",
            "GET /api/v1/apps/0oaidc1 401", "GET /api/v1/apps/0oaidc1 200",
            "GET /api/v1/apps/0oaidc1 200", "PUT /api/v1/apps/0oaidc1 200", "GET /api/v1/apps/0oaidc1 200",
        ], "token nonce handshake, resource nonce, then read, guard read, write, read back; one token for the run")
        let log = try await fake.requests()
        let token = String(try #require(log[3]["headers"]?["authorization"]?.stringValue?.dropFirst("DPoP ".count)))
        #expect(token.count > 10)
        var everything = result.stdout + result.stderr
        for file in try FileManager.default.contentsOfDirectory(atPath: workspace.url.appendingPathComponent("idcsync-backups").path) {
            everything += try workspace.read("idcsync-backups/\(file)")
        }
        #expect(!everything.contains(token))
        let pemBody = key.pemRepresentation.split(separator: "\n")[1]
        #expect(!everything.contains(pemBody))
        #expect(try await fake.app("0oaidc1").slot("acsURL1") == OktaFake.acs("ap-northeast-1"))

        // The key can also come from the environment, as Okta's SDKs read it.
        try workspace.write("idcsync.yaml", fake.config(extraOkta: "  auth: {mode: privateKey, clientId: 0oaservice, keyId: svc-1}"))
        let fromEnvironment = try workspace.run(["okta", "plan"], environment: ["OKTA_CLIENT_PRIVATEKEY": key.pemRepresentation])
        #expect(fromEnvironment.status == 0, "\(fromEnvironment.stderr)")
        let missing = try workspace.runFailing(["okta", "plan"])
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("mode privateKey needs the service app's private key: set okta.auth.privateKeyFile or OKTA_CLIENT_PRIVATEKEY"))
    }

    @Test func tokenFromAFile() async throws {
        let (fake, workspace) = try await setUp(extraOkta: "  auth: {mode: ssws, tokenFile: okta-token}")
        try workspace.write("okta-token", OktaFake.token + "\n")
        let result = try withExtendedLifetime(fake) { try workspace.run(["okta", "plan"]) }
        #expect(result.status == 2, "\(result.stderr)")
    }
}
