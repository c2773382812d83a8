import Foundation
import IDCSyncCore
import Testing

/// `regions list|add|remove` through the real binary against the AWS sandbox (moto 5.2.5, extended)
/// and the Okta fake.
@Suite("regions (binary, against the AWS sandbox and the Okta fake)")
struct RegionsCommandTests {
    struct World {
        var aws: AWSSandbox
        var okta: OktaFake
        var workspace: Workspace
        var seeded: AWSSandbox.Seeded
        var environment: [String: String] { aws.environment.merging(["OKTA_API_TOKEN": OktaFake.token]) { $1 } }
    }

    /// A Tokyo instance on a multi-Region key whose policy is already idcsync's, and its Okta app.
    private func setUp(regions: [String] = [], checkSignatures: Bool = false, okta withOkta: Bool = true, awsOwnedKey: Bool = false) async throws -> World {
        let aws = try await AWSSandbox(checkSignatures: checkSignatures)
        let okta = try OktaFake()
        try await okta.seed()
        let workspace = try Workspace()
        // The primary key gets idcsync's policy first, as an operator would have done (`idcsync policy kms`).
        let account = "123456789012"
        try workspace.write("policy.yaml", "instance: {primaryRegion: ap-northeast-1}\nkms:\n  keyArn: arn:aws:kms:ap-northeast-1:\(account):key/mrk-00000000000000000000000000000000\n  delegatedAdministrators: []\n")
        let policy = try workspace.run(["policy", "kms", "--config", "policy.yaml", "--quiet"]).stdout
        let seeded = try aws.seed(regions: regions, keyPolicy: policy, awsOwnedKey: awsOwnedKey, in: workspace)
        try workspace.write("idcsync.yaml", """
            instance:
              primaryRegion: ap-northeast-1
            kms:
              delegatedAdministrators: []
            \(withOkta ? "okta:\n  orgUrl: \(okta.url)\n  appId: 0oaidc1" : "")
            """)
        try await aws.clearRequests()
        try await okta.clearRequests()
        return World(aws: aws, okta: okta, workspace: workspace, seeded: seeded)
    }

    /// Liberal on what AWS returns: a key id of an undocumented shape from DescribeInstance is used
    /// as given (the run reaches KMS with it) instead of stopping with "is not a KMS key ARN".
    @Test func aKeyIdOfAnUnexpectedShapeFromAWSIsUsedAsGiven() async throws {
        let world = try await setUp()
        let odd = "arn:aws:kms:ap-northeast-1:\(world.seeded.account):key/mrk-NEW_shape.2027"
        try await world.aws.control("POST", "/_sandbox/instance", .object([
            "primaryRegion": "ap-northeast-1", "instanceArn": .string(world.seeded.instanceArn), "identityStoreId": .string(world.seeded.identityStoreId),
            "kmsKeyArn": .string(odd),
        ]))
        try await world.aws.clearRequests()
        let result = try world.workspace.run(["regions", "list"], environment: world.environment)
        #expect(!result.stderr.contains("is not a KMS key ARN"), "\(result.stderr)")
        #expect(try await world.aws.requestLines().contains { $0.contains("kms:DescribeKey") }, "the key was asked for as given")
        // The sandbox's KMS has no such key; what matters is that the ARN reached it unchanged.
        #expect(result.status == 1)
        #expect(result.stderr.contains("Key '\(odd)' does not exist"))
    }

    @Test func addCreatesTheReplicaWithThePolicyAddsTheRegionAndFillsOkta() async throws {
        let world = try await setUp()
        let oktaBefore = try await world.okta.app("0oaidc1")
        let result = try world.workspace.run(["regions", "add", "ap-northeast-3", "--yes"], environment: world.environment)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("1. create the replica of \(world.seeded.keyId) in ap-northeast-3 with the IAM Identity Center key policy"))
        #expect(result.stdout.contains("Done:"))

        // The replica carries exactly the generated IAM Identity Center policy.
        let replicaArn = world.seeded.keyArn.replacingOccurrences(of: "ap-northeast-1", with: "ap-northeast-3")
        let replicaPolicy = try world.aws.boto("kms", "get_key_policy", region: "ap-northeast-3", ["KeyId": replicaArn, "PolicyName": "default"])
        // The key policy names no key, so the offline generator gives the same document.
        let expectedPolicy = try world.workspace.run(["policy", "kms", "--config", "policy.yaml", "--quiet"]).stdout
        let comparison = PolicyComparison.compare(actual: try JSONParser.parse(replicaPolicy["Policy"]?.stringValue ?? ""), expected: try JSONParser.parse(expectedPolicy))
        #expect(comparison.matches, "\(comparison.summary)")
        // The Region is ACTIVE.
        let region = try world.aws.boto("sso-admin", "describe_region", region: "ap-northeast-1",
                                        ["InstanceArn": world.seeded.instanceArn, "RegionName": "ap-northeast-3"])
        #expect(region["Status"] == "ACTIVE")
        // Okta holds the new Region's URLs (and the primary's), and nothing else in the app changed.
        let oktaAfter = try await world.okta.app("0oaidc1")
        let urls = (1...17).compactMap { oktaAfter.slot("acsURL\($0)") }
        #expect(Set(urls) == [OktaFake.acs("ap-northeast-1"), OktaFake.acs("ap-northeast-1", "dualstack"),
                              OktaFake.acs("ap-northeast-3"), OktaFake.acs("ap-northeast-3", "dualstack")])
        var before = oktaBefore.objectValue!, after = oktaAfter.objectValue!
        for key in ["lastUpdated", "settings"] { before[key] = nil; after[key] = nil }
        #expect(before == after)
        #expect(oktaAfter.slot("acsURL") == oktaBefore.slot("acsURL"))

        // `regions list` now shows the Region, its replica key and matching policies.
        let list = try world.workspace.run(["regions", "list", "--output", "json"], environment: world.environment)
        #expect(list.status == 0, "\(list.stderr)")
        let rows = try JSONParser.parse(list.stdout)["regions"]?.arrayValue ?? []
        #expect(rows.map { $0["region"] } == ["ap-northeast-1", "ap-northeast-3"])
        #expect(rows.allSatisfy { $0["keyPolicy"]?["matches"] == true })
        #expect(rows.allSatisfy { $0["identityCenter"] == "ACTIVE" })
        #expect(rows[1]["kmsKey"] == "Enabled")
        #expect(rows[1]["okta"] == "complete (2 URLs)")
    }

    /// Without instance.regions, the Okta commands ask AWS for the Regions (regression: they once
    /// planned to clear every additional Region's URLs).
    @Test func oktaPlanTakesTheRegionsFromAWS() async throws {
        let world = try await setUp()
        #expect(try world.workspace.run(["regions", "add", "ap-northeast-3", "--yes"], environment: world.environment).status == 0)
        try await world.aws.clearRequests()
        let plan = try world.workspace.run(["okta", "plan"], environment: world.environment)
        #expect(plan.status == 0, "\(plan.stdout)\n\(plan.stderr)")
        #expect(plan.stdout.contains("Regions          ap-northeast-1, ap-northeast-3"))
        #expect(try await world.aws.requestLines() == ["sso-admin:ListInstances@ap-northeast-1", "sso-admin:ListRegions@ap-northeast-1"])
        let offline = try world.workspace.runFailing(["okta", "plan"], environment: ["OKTA_API_TOKEN": OktaFake.token, "AWS_EC2_METADATA_DISABLED": "true",
                                                                                      "AWS_REGION": "ap-northeast-1", "AWS_ENDPOINT_URL": world.aws.url])
        #expect(offline.status == 64)
        #expect(offline.stderr.contains("no AWS credentials found"))
        #expect(offline.stderr.contains("for offline use list them in instance.regions"))
    }

    @Test func aRerunChangesNothing() async throws {
        let world = try await setUp()
        #expect(try world.workspace.run(["regions", "add", "ap-northeast-3", "--yes"], environment: world.environment).status == 0)
        try await world.aws.clearRequests()
        try await world.okta.clearRequests()
        let again = try world.workspace.run(["regions", "add", "ap-northeast-3", "--yes"], environment: world.environment)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("Nothing to do"))
        let writes = try await world.aws.requestLines().filter { ["ReplicateKey", "PutKeyPolicy", "AddRegion"].contains(where: $0.contains) }
        #expect(writes.isEmpty, "\(writes)")
        #expect(try await world.okta.requestLines() == ["GET /api/v1/apps/0oaidc1"])
    }

    @Test func aRunKilledAfterAddRegionFinishesWhenRunAgain() async throws {
        let world = try await setUp()
        // The Region stays ADDING until the test lets it go, however slow the machine is.
        try await world.aws.control("POST", "/_sandbox/config", .object(["holdRegionTransitions": .bool(true)]))
        let process = Process()
        process.executableURL = idcsyncBinary
        process.arguments = ["regions", "add", "ap-northeast-3", "--yes"]
        process.currentDirectoryURL = world.workspace.url
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": world.workspace.url.path].merging(world.environment) { $1 }.merging(Workspace.coverage) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var sawAddRegion = false
        for _ in 0..<600 where !sawAddRegion {
            try await Task.sleep(for: .milliseconds(50))
            sawAddRegion = try await world.aws.requestLines().contains { $0.hasPrefix("sso-admin:AddRegion") }
        }
        #expect(sawAddRegion)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(try await world.okta.requestLines().allSatisfy { $0.hasPrefix("GET") }, "killed before the Okta step")

        // Run again; once it has seen the Region ADDING, let the Region finish.
        try await world.aws.clearRequests()
        let workspace = world.workspace, environment = world.environment
        let rerun = Task.detached { try workspace.run(["regions", "add", "ap-northeast-3", "--yes"], environment: environment) }
        var sawDescribe = false
        for _ in 0..<600 where !sawDescribe {
            try await Task.sleep(for: .milliseconds(50))
            sawDescribe = try await world.aws.requestLines().contains { $0.hasPrefix("sso-admin:DescribeRegion") }
        }
        #expect(sawDescribe)
        try await world.aws.control("POST", "/_sandbox/config", .object(["holdRegionTransitions": .bool(false)]))
        let resumed = try await rerun.value
        #expect(resumed.status == 0, "\(resumed.stdout)\n\(resumed.stderr)")
        #expect(resumed.stdout.contains("add ap-northeast-3 to IAM Identity Center (AddRegion in ap-northeast-1): already ADDING"))
        #expect(try await world.aws.requestLines().filter { $0.hasPrefix("sso-admin:AddRegion") }.isEmpty, "AddRegion is not sent twice")
        let app = try await world.okta.app("0oaidc1")
        #expect((1...17).compactMap { app.slot("acsURL\($0)") }.contains(OktaFake.acs("ap-northeast-3")))
    }

    /// A wait that times out after AddRegion ran is partial: exit 1, the steps done and left named,
    /// and Okta not written (its step comes after the wait). Removing the Region while it is still
    /// ADDING is then refused before anything is sent.
    @Test func aTimedOutAddIsPartialAndRemovingTheRegionStillAddingIsRefused() async throws {
        let world = try await setUp()
        try await world.aws.control("POST", "/_sandbox/config", .object(["holdRegionTransitions": .bool(true)]))
        let add = try world.workspace.run(["regions", "add", "ap-northeast-3", "--yes", "--timeout", "1s"], environment: world.environment)
        #expect(add.status == 1, "\(add.stdout)\n\(add.stderr)")
        #expect(add.stderr.contains("ap-northeast-3 is still ADDING after"), "\(add.stderr)")
        #expect(add.stderr.contains("done in this run: create the replica of"), "\(add.stderr)")
        #expect(add.stderr.contains("Not done: wait until ap-northeast-3 is ACTIVE; write the ACS URL slots"), "\(add.stderr)")
        #expect(add.stderr.contains("run `idcsync regions add ap-northeast-3` again: it continues from the first step not done"))
        #expect(!(try await world.okta.requestLines().contains { $0.hasPrefix("PUT") }), "Okta is not written before the Region is ACTIVE")

        try await world.aws.clearRequests()
        try await world.okta.clearRequests()
        let before = try world.workspace.snapshot()
        let remove = try world.workspace.run(["regions", "remove", "ap-northeast-3", "--yes"], environment: world.environment)
        #expect(remove.status == 1, "\(remove.stdout)\n\(remove.stderr)")
        #expect(remove.stderr.contains("ap-northeast-3 is still being added (ADDING); IAM Identity Center runs one Region addition or removal at a time. Wait until it is ACTIVE (idcsync regions list), then remove it"), "\(remove.stderr)")
        #expect(!(try await world.aws.requestLines().contains { $0.hasPrefix("sso-admin:RemoveRegion") }), "RemoveRegion is not sent")
        #expect(try await world.okta.requestLines().allSatisfy { $0.hasPrefix("GET") }, "Okta is not written")
        #expect(try world.workspace.snapshot() == before, "nothing is written")
        try await world.aws.control("POST", "/_sandbox/config", .object(["holdRegionTransitions": .bool(false)]))
    }

    @Test func aConflictIsReportedClearlyAndNothingElseIsWritten() async throws {
        let world = try await setUp()
        try await world.aws.control("POST", "/_sandbox/faults", .object(["faults": .array([.object([
            "service": "sso-admin", "operation": "AddRegion", "status": .int(400), "code": "ConflictException",
            "message": "A region operation is already in progress for this instance.",
        ])])]))
        let result = try world.workspace.run(["regions", "add", "ap-northeast-3", "--yes"], environment: world.environment)
        #expect(result.status == 1)
        #expect(result.stderr.contains("AWS refused to add ap-northeast-3"))
        #expect(result.stderr.contains("ConflictException"))
        #expect(result.stderr.contains("one Region addition or removal at a time"))
        #expect(!(try await world.okta.requestLines().contains { $0.hasPrefix("PUT") }), "Okta is not written")
    }

    @Test func dryRunShowsEveryStepAndWritesNothing() async throws {
        let world = try await setUp()
        let result = try world.workspace.run(["regions", "add", "ap-northeast-3", "--dry-run"], environment: world.environment)
        #expect(result.status == 2)
        for step in ["create the replica", "wait until the replica key is Enabled", "add ap-northeast-3 to IAM Identity Center",
                     "wait until ap-northeast-3 is ACTIVE", "write the ACS URL slots of Okta app 0oaidc1 (4 changes)", "bookmark guides: skipped"] {
            #expect(result.stdout.contains(step), "\(step)")
        }
        let writes = try await world.aws.requestLines().filter { ["ReplicateKey", "PutKeyPolicy", "AddRegion"].contains(where: $0.contains) }
        #expect(writes.isEmpty)
        #expect(try await world.okta.requestLines().allSatisfy { $0.hasPrefix("GET") })
    }

    @Test func removeTakesTheRegionOutOfIdentityCenterAndOktaAndReportsTheKey() async throws {
        let world = try await setUp()
        #expect(try world.workspace.run(["regions", "add", "ap-northeast-3", "--yes"], environment: world.environment).status == 0)
        let result = try world.workspace.run(["regions", "remove", "ap-northeast-3", "--yes"], environment: world.environment)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stderr.contains("stays in ap-northeast-3 (idcsync never deletes keys)"))
        let regions = try world.aws.boto("sso-admin", "list_regions", region: "ap-northeast-1", ["InstanceArn": world.seeded.instanceArn])
        #expect(regions["Regions"]?.arrayValue?.compactMap { $0["RegionName"]?.stringValue } == ["ap-northeast-1"])
        let app = try await world.okta.app("0oaidc1")
        let slots = (1...17).compactMap { app.slot("acsURL\($0)") }
        #expect(!slots.contains { $0.contains("ap-northeast-3") })
        let removePrimary = try world.workspace.runFailing(["regions", "remove", "ap-northeast-1", "--yes"], environment: world.environment)
        #expect(removePrimary.status == 64)
        #expect(removePrimary.stderr.contains("the primary Region cannot be removed"))
    }

    @Test func listShowsKeyPolicyDriftByStatement() async throws {
        let world = try await setUp()
        #expect(try world.workspace.run(["regions", "add", "ap-northeast-3", "--yes"], environment: world.environment).status == 0)
        let replicaArn = world.seeded.keyArn.replacingOccurrences(of: "ap-northeast-1", with: "ap-northeast-3")
        let drifted = #"{"Version":"2012-10-17","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"}]}"#
        _ = try world.aws.boto("kms", "put_key_policy", region: "ap-northeast-3", ["KeyId": replicaArn, "PolicyName": "default", "Policy": drifted])
        let result = try world.workspace.run(["regions", "list"], environment: world.environment)
        #expect(result.status == 0)
        let line = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("ap-northeast-3") })
        #expect(line.contains("drift: missing AllowIAMIdentityCenterAdminToDescribeTheKMSKey"))
        #expect(line.contains("extra Enable IAM User Permissions"))
    }

    @Test func preflightErrors() async throws {
        let owned = try await setUp(awsOwnedKey: true)
        let ownedResult = try owned.workspace.runFailing(["regions", "add", "ap-northeast-3", "--yes"], environment: owned.environment)
        #expect(ownedResult.status == 1)
        #expect(ownedResult.stderr.contains("encrypted with an AWS owned key; multi-Region replication needs a multi-Region customer managed key"))

        let full = try await setUp(regions: ["ap-northeast-3", "ap-southeast-1", "ap-southeast-2", "us-east-1", "us-west-2"])
        let quota = try full.workspace.runFailing(["regions", "add", "eu-west-1", "--yes"], environment: full.environment)
        #expect(quota.status == 1)
        #expect(quota.stderr.contains("would exceed the quota of 6 (primary included)"))
        let partition = try full.workspace.runFailing(["regions", "add", "cn-north-1", "--yes"], environment: full.environment)
        #expect(partition.status == 64)
        #expect(partition.stderr.contains("cn-north-1 is in partition aws-cn"))
        try full.workspace.write("other-account.yaml", "instance: {accountId: \"999999999999\"}\nkms: {delegatedAdministrators: []}\n")
        let account = try full.workspace.runFailing(["regions", "add", "eu-west-1", "--yes", "--config", "other-account.yaml"], environment: full.environment)
        #expect(account.status == 64)
        #expect(account.stderr.contains("instance.accountId is 999999999999, but the instance belongs to account 123456789012"), "\(account.stderr)")
        #expect(!(try await full.aws.requestLines().contains { ["ReplicateKey", "AddRegion", "PutKeyPolicy"].contains(where: $0.contains) }), "nothing written")
        let noCredentials = try full.workspace.runFailing(["regions", "list"], environment: [
            "AWS_ENDPOINT_URL": full.aws.url, "AWS_REGION": "ap-northeast-1", "AWS_EC2_METADATA_DISABLED": "true", "OKTA_API_TOKEN": OktaFake.token,
        ])
        #expect(noCredentials.status == 64)
        #expect(noCredentials.stderr.contains("no AWS credentials found"))
    }

    @Test func aSecondRunOnTheSameInstanceIsRefusedWhileTheLockIsHeld() async throws {
        let world = try await setUp()
        let holder = try LockHolder(path: world.workspace.url.appendingPathComponent(".idcsync-locks/idcsync-\(world.seeded.instanceId).lock").path)
        defer { withExtendedLifetime(holder) {} }
        let result = try world.workspace.run(["regions", "add", "ap-northeast-3", "--yes"], environment: world.environment)
        #expect(result.status == 1)
        #expect(result.stderr.contains("another idcsync run is changing instance \(world.seeded.instanceId)"))
        #expect(!(try await world.aws.requestLines().contains { $0.contains("ReplicateKey") }))
    }

    @Test func withoutOktaTheRegionIsAddedAndTheGapIsSaid() async throws {
        let world = try await setUp(okta: false)
        let result = try world.workspace.run(["regions", "add", "ap-northeast-3", "--yes"], environment: world.environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("the config has no okta section: the ACS URLs of ap-northeast-3 must be added to the identity provider by hand"))
    }

    @Test func awsProfileAndRegionFlagsWinOverTheEnvironment() async throws {
        let world = try await setUp(checkSignatures: true)
        let keys = world.environment
        try world.workspace.write(".aws/credentials", "[sandbox]\naws_access_key_id = \(keys["AWS_ACCESS_KEY_ID"]!)\naws_secret_access_key = \(keys["AWS_SECRET_ACCESS_KEY"]!)\n")
        // Keys in the environment that the sandbox refuses, and a Region where the instance is not.
        var environment = keys.merging(["AWS_SECRET_ACCESS_KEY": "SECRET-wrong", "AWS_REGION": "eu-west-1"]) { $1 }
        environment["AWS_PROFILE"] = "nothere"
        let refused = try world.workspace.runFailing(["regions", "list", "--aws-region", "ap-northeast-1"], environment: environment)
        #expect(refused.status == 1, "the environment's keys are used without --aws-profile")

        let listed = try world.workspace.run(["regions", "list", "--aws-profile", "sandbox", "--aws-region", "ap-northeast-1", "--output", "json"],
                                             environment: environment)
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(try JSONParser.parse(listed.stdout)["primaryRegion"]?.stringValue == "ap-northeast-1")

        let missing = try world.workspace.runFailing(["regions", "list", "--aws-profile", "typo"], environment: environment)
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("AWS profile \"typo\""), "\(missing.stderr)")
        #expect(![refused, listed, missing].contains { $0.stdout.contains("SECRET") || $0.stderr.contains("SECRET") })

        let badRegion = try world.workspace.runFailing(["regions", "list", "--aws-region", "mars-1"], environment: environment)
        #expect(badRegion.status == 64)
        #expect(badRegion.stderr.contains("--aws-region mars-1: \"mars-1\" is not a Region name"))
    }

    @Test func signaturesAreVerifiedEndToEnd() async throws {
        let world = try await setUp(checkSignatures: true)
        let result = try world.workspace.run(["regions", "add", "ap-northeast-3", "--yes"], environment: world.environment)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        var wrong = world.environment
        wrong["AWS_SECRET_ACCESS_KEY"] = "not-the-secret"
        let refused = try world.workspace.runFailing(["regions", "list"], environment: wrong)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("SignatureDoesNotMatch") || refused.stderr.contains("InvalidSignature"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("not-the-secret"))
    }
}
