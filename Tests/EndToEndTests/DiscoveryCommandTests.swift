import Foundation
import IDCSyncCore
import Testing

/// `urls`, `policy kms`, `policy iam` and `bookmarks` on a config that leaves the instance to
/// discovery (as `idcsync init` writes it): they read what is missing from AWS and say so, make no
/// AWS request when the config has everything, and with `--offline` name each missing key.
@Suite("offline commands discover what the config leaves out (binary, against the AWS sandbox)")
struct DiscoveryCommandTests {
    /// The Tokyo instance with Osaka added, and 444455556666 a delegated administrator of IAM Identity Center.
    private func world() async throws -> SandboxWorld {
        let world = try await SandboxWorld.make()
        try await world.aws.control("POST", "/_sandbox/organization", .object([
            "delegatedAdministrators": .object(["sso.amazonaws.com": .array([.string("444455556666")])]),
        ]))
        let starter = try world.workspace.run(["init", "--config", "starter.yaml"], environment: ["OKTA_CLIENT_ORGURL": world.okta.url])
        #expect(starter.status == 0, "\(starter.stderr)")
        try await world.aws.clearRequests()
        return world
    }

    private func keyPolicy(_ world: SandboxWorld, region: String, key: String) throws -> JSONValue {
        try JSONParser.parse(world.aws.boto("kms", "get_key_policy", region: region, ["KeyId": key, "PolicyName": "default"])["Policy"]?.stringValue ?? "")
    }

    @Test func theStarterConfigIsCompletedFromAWSAndPolicyKMSIsWhatReconcileEnforces() async throws {
        let world = try await world()
        let instanceId = world.seeded.instanceId

        let urls = try world.workspace.run(["urls", "--config", "starter.yaml"], environment: world.environment)
        #expect(urls.status == 0, "\(urls.stdout)\n\(urls.stderr)")
        #expect(urls.stdout.contains("https://\(instanceId).ap-northeast-3.portal.amazonaws.com"))
        #expect(urls.stdout.contains("ap-northeast-3 (additional Region)"), "\(urls.stdout)")
        #expect(urls.stderr.contains("note: instance.regions: ap-northeast-1, ap-northeast-3 (discovered from AWS: sso-admin ListRegions)"), "\(urls.stderr)")
        #expect(urls.stderr.contains("note: instance.arn: \(world.seeded.instanceArn) (discovered from AWS: sso-admin ListInstances)"))
        #expect(try await world.aws.requestLines() == ["sso-admin:ListInstances@ap-northeast-1", "sso-admin:ListRegions@ap-northeast-1"])

        try await world.aws.clearRequests()
        let policy = try world.workspace.run(["policy", "kms", "--config", "starter.yaml"], environment: world.environment)
        #expect(policy.status == 0, "\(policy.stdout)\n\(policy.stderr)")
        #expect(policy.stderr.contains("note: kms.delegatedAdministrators: 444455556666 (discovered from AWS: Organizations ListDelegatedAdministrators)"), "\(policy.stderr)")
        #expect(policy.stderr.contains("note: kms.keyArn: \(world.seeded.keyArn) (discovered from AWS: sso-admin DescribeInstance)"))
        #expect(policy.stdout.contains("arn:aws:iam::444455556666:root"), "the delegated administrator is admitted")
        let policyRequests = try await world.aws.requestLines()
        #expect(policyRequests == ["organizations:ListDelegatedAdministrators@us-east-1", "sso-admin:ListInstances@ap-northeast-1",
                                   "sso-admin:DescribeInstance@ap-northeast-1"], "\(policyRequests)")

        // The key still holds the policy without the delegated administrator, so reconcile must write
        // and what it writes must be exactly the document `policy kms` printed.
        let printed = try JSONParser.parse(policy.stdout)
        #expect(try keyPolicy(world, region: "ap-northeast-1", key: world.seeded.keyArn) != printed)
        let reconcile = try world.workspace.run(["reconcile", "--config", "starter.yaml", "--apply"], environment: world.environment)
        #expect(reconcile.status == 0, "\(reconcile.stdout)\n\(reconcile.stderr)")
        #expect(reconcile.stdout.contains("key policy ap-northeast-1 (primary): fixed"), "\(reconcile.stdout)")
        #expect(try keyPolicy(world, region: "ap-northeast-1", key: world.seeded.keyArn) == printed)
        #expect(try keyPolicy(world, region: "ap-northeast-3", key: world.replicaArn) == printed)

        try await world.aws.clearRequests()
        let iam = try world.workspace.run(["policy", "iam", "--config", "starter.yaml"], environment: world.environment)
        #expect(iam.status == 0, "\(iam.stdout)\n\(iam.stderr)")
        #expect(iam.stdout.contains(world.seeded.instanceArn))
        #expect(iam.stdout.contains("key/\(world.seeded.keyId)"))
        #expect(!iam.stderr.contains("runner-policy.unscoped") && !iam.stderr.contains("is not set"), "\(iam.stderr)")
    }

    @Test func aConfigThatHasEverythingIsNeverSentToAWS() async throws {
        let world = try await world()
        try world.workspace.write("full.yaml", """
            instance:
              arn: \(world.seeded.instanceArn)
              primaryRegion: ap-northeast-1
              identityStoreId: \(world.seeded.identityStoreId)
              regions: [ap-northeast-1, ap-northeast-3]
            kms:
              keyArn: \(world.seeded.keyArn)
              delegatedAdministrators: ["444455556666"]
            bookmarks: {out: guides}
            """)
        for command in [["urls"], ["policy", "kms"], ["policy", "iam"], ["bookmarks"]] {
            let result = try world.workspace.run(command + ["--config", "full.yaml"], environment: world.environment)
            #expect(result.status == 0, "\(command): \(result.stdout)\n\(result.stderr)")
            #expect(!result.stderr.contains("discovered"), "\(command): \(result.stderr)")
        }
        #expect(try await world.aws.requestLines() == [])
    }

    @Test func offlineNamesEachMissingKeyAndCallsNothing() async throws {
        let world = try await world()
        let urls = try world.workspace.runFailing(["urls", "--config", "starter.yaml", "--offline"], environment: world.environment)
        #expect(urls.status == 64)
        #expect(urls.stdout.isEmpty)
        #expect(urls.stderr.contains("starter.yaml: error: instance.primaryRegion: idcsync urls needs it for telling the primary Region from the additional ones; the config leaves it to discovery, and --offline forbids reading it from AWS (sso-admin ListInstances). Set it in the config"), "\(urls.stderr)")
        #expect(urls.stderr.contains("error: instance.regions: idcsync urls needs it for the instance's Regions, whose URLs are listed"))
        #expect(!urls.stderr.contains("error: instance.arn"), "optional keys are not errors: the URL rows say what they lack")

        let kms = try world.workspace.runFailing(["policy", "kms", "--config", "starter.yaml", "--offline", "--output", "json"], environment: world.environment)
        #expect(kms.status == 64)
        let document = try JSONParser.parse(kms.stdout)
        let fields = document["error"]?["diagnostics"]?.arrayValue?.compactMap { $0["field"]?.stringValue }
        #expect(fields == ["instance.primaryRegion", "instance.accountId", "kms.delegatedAdministrators"], "\(kms.stdout)")

        let iam = try world.workspace.runFailing(["policy", "iam", "--config", "starter.yaml", "--offline"], environment: world.environment)
        #expect(iam.status == 64)
        #expect(iam.stderr.contains("error: instance.primaryRegion: idcsync policy iam needs it for the partition of every ARN in the policy"), "\(iam.stderr)")

        let guides = try world.workspace.runFailing(["bookmarks", "--config", "starter.yaml", "--offline", "--format", "markdown"], environment: world.environment)
        #expect(guides.status == 64)
        #expect(guides.stderr.contains("error: instance.arn: idcsync bookmarks needs it for the instance id in the additional Regions' portal hosts"), "\(guides.stderr)")

        // With the primary Region set, an unscoped runner policy is still a correct one: warnings name the keys.
        try world.workspace.write("primary.yaml", "instance: {primaryRegion: ap-northeast-1}\n")
        let scoped = try world.workspace.run(["policy", "iam", "--config", "primary.yaml", "--offline"], environment: world.environment)
        #expect(scoped.status == 0, "\(scoped.stderr)")
        #expect(scoped.stderr.contains("warning: instance.arn: instance.arn is not set"), "\(scoped.stderr)")
        #expect(scoped.stderr.contains("warning: kms.keyArn: kms.keyArn is not set"))
        #expect(try await world.aws.requestLines() == [])
    }

    @Test func withoutCredentialsTheConfigAloneIsUsedAndTheMissingKeysNamed() async throws {
        let world = try await world()
        let environment = ["AWS_ENDPOINT_URL": world.aws.url, "AWS_REGION": "ap-northeast-1", "AWS_EC2_METADATA_DISABLED": "true"]
        let kms = try world.workspace.runFailing(["policy", "kms", "--config", "starter.yaml"], environment: environment)
        #expect(kms.status == 64)
        #expect(kms.stderr.contains("note: no AWS credentials were found, so nothing was read from AWS; idcsync policy kms uses the config alone (--offline skips looking)"), "\(kms.stderr)")
        #expect(kms.stderr.contains("error: kms.delegatedAdministrators: idcsync policy kms needs it for the delegated administrator accounts the key policy admits (auto; list them, or [] for none); the config leaves it to discovery, and no AWS credentials were found to read it from AWS"))

        // Everything but the Regions given: urls with --region needs no list of the instance's Regions.
        try world.workspace.write("partial.yaml", "instance: {primaryRegion: ap-northeast-1, arn: \(world.seeded.instanceArn), identityStoreId: \(world.seeded.identityStoreId)}\n")
        let one = try world.workspace.run(["urls", "--config", "partial.yaml", "--region", "ap-northeast-3"], environment: environment)
        #expect(one.status == 0, "\(one.stderr)")
        #expect(one.stderr.contains("no AWS credentials were found"))
        #expect(one.stdout.contains("https://\(world.seeded.instanceId).ap-northeast-3.portal.amazonaws.com"))
        #expect(try await world.aws.requestLines() == [])
    }

    @Test func whatAWSSaysMustAgreeWithWhatTheConfigSays() async throws {
        let world = try await world()
        try world.workspace.write("wrong.yaml", "instance: {primaryRegion: ap-northeast-3}\n")
        let result = try world.workspace.runFailing(["urls", "--config", "wrong.yaml"], environment: world.environment)
        #expect(result.status == 64)
        #expect(result.stderr.contains("instance.primaryRegion is ap-northeast-3, but AWS says the primary Region is ap-northeast-1"), "\(result.stderr)")
        #expect(try await world.aws.requestLines() == ["sso-admin:ListInstances@ap-northeast-1"])
    }

    /// Without a Region to start from there is nothing to ask: the missing keys are named (exit 64).
    @Test func withoutAnAWSRegionTheMissingKeysAreNamed() throws {
        let workspace = try Workspace()
        #expect(try workspace.run(["init"]).status == 0)
        let result = try workspace.runFailing(["policy", "kms"], environment: ["AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret"])
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("error: instance.primaryRegion: idcsync policy kms needs it for telling the primary Region from the additional ones; the config leaves it to discovery, and there is no AWS Region to read it from (set aws.region or AWS_REGION) (sso-admin ListInstances). Set it in the config"), "\(result.stderr)")
    }

    /// AWS cannot be reached: the error says which keys were being read and how to avoid the call (exit 1).
    @Test func whenAWSCannotBeReachedTheErrorNamesTheKeysBeingRead() throws {
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", "instance: {primaryRegion: ap-northeast-1}\nkms: {delegatedAdministrators: []}\n")
        let result = try workspace.runFailing(["urls"], environment: ["AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret",
                                                                     "AWS_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_REGION": "ap-northeast-1"])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("idcsync urls reads instance.regions from AWS because the config does not set it; set it in idcsync.yaml, or pass --offline to see what is missing without calling AWS"), "\(result.stderr)")
        #expect(!result.stderr.contains("secret"))
    }
}
