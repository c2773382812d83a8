import Foundation
import IDCSyncCore
import Testing

/// `reconcile` through the real binary against the AWS sandbox and the Okta fake.
@Suite("reconcile (binary, against the AWS sandbox and the Okta fake)")
struct ReconcileCommandTests {
    typealias World = SandboxWorld

    private func setUp(extraRegions: [String] = []) async throws -> World {
        try await SandboxWorld.make(extraRegions: extraRegions)
    }

    /// The replica's policy without its identity store statement, as a hand edit would leave it.
    private func breakReplicaPolicy(_ world: World) throws {
        let current = try world.aws.boto("kms", "get_key_policy", region: "ap-northeast-3", ["KeyId": world.replicaArn, "PolicyName": "default"])
        var document = try JSONParser.parse(current["Policy"]?.stringValue ?? "").objectValue!
        let statements = document["Statement"]?.arrayValue ?? []
        document["Statement"] = .array(statements.filter { $0["Sid"]?.stringValue != "AllowIdentityStoreToUseTheKMSKey" })
        _ = try world.aws.boto("kms", "put_key_policy", region: "ap-northeast-3",
                               ["KeyId": world.replicaArn, "PolicyName": "default", "Policy": JSONWriter.pretty(.object(document))])
    }

    @Test func inSyncReadsAWSOnceAndOktaOnceAndExitsZero() async throws {
        let world = try await setUp()
        let result = try world.workspace.run(["reconcile", "--metrics-file", "idcsync.prom"], environment: world.environment)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("default: in sync"))
        #expect(result.stdout.contains("key policy ap-northeast-1 (primary): matches"))
        #expect(result.stdout.contains("key policy ap-northeast-3: matches"))
        #expect(result.stdout.contains("okta app 0oaidc1 \"AWS IAM Identity Center\": slots in sync"))
        #expect(result.stdout.contains("1 target: 1 in sync."))
        #expect(try await world.okta.requestLines() == ["GET /api/v1/apps/0oaidc1"])
        let aws = try await world.aws.requestLines()
        #expect(aws.sorted() == ["kms:DescribeKey@ap-northeast-1", "kms:GetKeyPolicy@ap-northeast-1", "kms:GetKeyPolicy@ap-northeast-3",
                                 "sso-admin:DescribeInstance@ap-northeast-1", "sso-admin:ListInstances@ap-northeast-1",
                                 "sso-admin:ListRegions@ap-northeast-1", "sts:GetCallerIdentity@ap-northeast-1"], "\(aws)")
        #expect(result.stdout.contains("requests: 7 to AWS, 1 to Okta."))

        let metrics = try String(contentsOf: world.workspace.url.appendingPathComponent("idcsync.prom"), encoding: .utf8)
        #expect(metrics.contains("idcsync_reconcile_drift{target=\"default\",kind=\"key_policy\",owner=\"idcsync\"} 0\n"))
        #expect(metrics.contains("idcsync_reconcile_drift{target=\"default\",kind=\"okta_slots\",owner=\"idcsync\"} 0\n"))
        #expect(metrics.contains("idcsync_reconcile_target_ok{target=\"default\"} 1\n"))
        #expect(metrics.contains("idcsync_reconcile_requests{service=\"aws\"} 7\n"))
        #expect(metrics.contains("idcsync_reconcile_requests{service=\"okta\"} 1\n"))
        #expect(metrics.contains("idcsync_reconcile_last_success_timestamp_seconds "))
        #expect(metrics.contains("# TYPE idcsync_reconcile_duration_seconds gauge\n"))
        for text in [metrics, result.stdout, result.stderr] { #expect(!text.contains(OktaFake.token)) }
    }

    @Test func driftIsReportedWithoutWritingThenFixedWithApply() async throws {
        let world = try await setUp()
        try breakReplicaPolicy(world)
        // Someone cleared Osaka's dual-stack ACS URL in the Okta app.
        var app = try await world.okta.app("0oaidc1").objectValue!
        var settings = app["settings"]!.objectValue!, appSettings = settings["app"]!.objectValue!
        let cleared = appSettings.members.first { $0.value.stringValue == OktaFake.acs("ap-northeast-3", "dualstack") }!.key
        appSettings[cleared] = .null
        settings["app"] = .object(appSettings)
        app["settings"] = .object(settings)
        try await world.okta.control("POST", "/_fake/apps", .object(app))
        try await world.aws.clearRequests()
        try await world.okta.clearRequests()

        let check = try world.workspace.run(["reconcile", "--output", "json", "--metrics-file", "idcsync.prom"], environment: world.environment)
        #expect(check.status == 2, "\(check.stdout)\n\(check.stderr)")
        let report = try JSONParser.parse(check.stdout)
        #expect(report["exitCode"] == .number("2"))
        let target = report["targets"]?.arrayValue?.first
        #expect(target?["state"] == "drift")
        let replica = target?["keyPolicies"]?.arrayValue?.first { $0["region"] == "ap-northeast-3" }
        #expect(replica?["state"] == "drift")
        #expect(replica?["missing"] == ["AllowIdentityStoreToUseTheKMSKey"])
        #expect(target?["okta"]?["state"] == "drift")
        #expect(target?["okta"]?["changes"]?.arrayValue?.first?["after"]?.stringValue == OktaFake.acs("ap-northeast-3", "dualstack"))
        #expect(!(try await world.aws.requestLines()).contains { $0.contains("PutKeyPolicy") })
        #expect(try await world.okta.requestLines() == ["GET /api/v1/apps/0oaidc1"])
        let driftMetrics = try String(contentsOf: world.workspace.url.appendingPathComponent("idcsync.prom"), encoding: .utf8)
        #expect(driftMetrics.contains("idcsync_reconcile_drift{target=\"default\",kind=\"key_policy\",owner=\"idcsync\"} 1\n"))
        #expect(driftMetrics.contains("idcsync_reconcile_drift{target=\"default\",kind=\"okta_slots\",owner=\"idcsync\"} 1\n"))

        let fix = try world.workspace.run(["reconcile", "--apply", "--metrics-file", "idcsync.prom"], environment: world.environment)
        #expect(fix.status == 0, "\(fix.stdout)\n\(fix.stderr)")
        #expect(fix.stdout.contains("default: fixed"))
        #expect(fix.stdout.contains("key policy ap-northeast-3: fixed (was: missing AllowIdentityStoreToUseTheKMSKey)"))
        #expect(fix.stdout.contains("1 slot change written and read back (backup "))
        let putPolicies = try await world.aws.requestLines().filter { $0.contains("PutKeyPolicy") }
        #expect(putPolicies == ["kms:PutKeyPolicy@ap-northeast-3"])
        #expect(try await world.okta.app("0oaidc1").slot(cleared) == OktaFake.acs("ap-northeast-3", "dualstack"))
        let fixedMetrics = try String(contentsOf: world.workspace.url.appendingPathComponent("idcsync.prom"), encoding: .utf8)
        #expect(fixedMetrics.contains("idcsync_reconcile_drift{target=\"default\",kind=\"key_policy\",owner=\"idcsync\"} 0\n"))

        let again = try world.workspace.run(["reconcile"], environment: world.environment)
        #expect(again.status == 0, "\(again.stdout)\n\(again.stderr)")
        #expect(again.stdout.contains("default: in sync"))
    }

    /// No write just to tidy: a copy of the default ACS URL and a duplicate of an owned URL in free
    /// slots are reported as redundant, are not drift (exit 0, drift gauge 0) and cause no PUT, even with --apply.
    @Test func redundantSlotsAreNotDriftAndAreNeverTheReasonForAWrite() async throws {
        let world = try await setUp()
        var app = try await world.okta.app("0oaidc1").objectValue!
        var settings = app["settings"]!.objectValue!, appSettings = settings["app"]!.objectValue!
        let free = (1...17).map { "acsURL\($0)" }.filter { (appSettings[$0] ?? .null) == .null }
        try #require(free.count >= 2)
        appSettings[free[0]] = .string(OktaFake.defaultACS)
        appSettings[free[1]] = .string(OktaFake.acs("ap-northeast-3"))
        settings["app"] = .object(appSettings)
        app["settings"] = .object(settings)
        try await world.okta.control("POST", "/_fake/apps", .object(app))
        try await world.okta.clearRequests()

        for arguments in [["reconcile", "--metrics-file", "idcsync.prom"], ["reconcile", "--apply", "--metrics-file", "idcsync.prom"]] {
            let result = try world.workspace.run(arguments, environment: world.environment)
            #expect(result.status == 0, "\(arguments): \(result.stdout)\n\(result.stderr)")
            #expect(result.stdout.contains("default: in sync"), "\(result.stdout)")
            let metrics = try String(contentsOf: world.workspace.url.appendingPathComponent("idcsync.prom"), encoding: .utf8)
            #expect(metrics.contains("idcsync_reconcile_drift{target=\"default\",kind=\"okta_slots\",owner=\"idcsync\"} 0\n"), "\(metrics)")
            #expect(metrics.contains("idcsync_reconcile_target_ok{target=\"default\"} 1\n"))
        }
        #expect(try await world.okta.requestLines() == ["GET /api/v1/apps/0oaidc1", "GET /api/v1/apps/0oaidc1"], "no PUT")
        #expect(try await world.okta.app("0oaidc1").slot(free[0]) == OktaFake.defaultACS)
    }

    @Test func severalTargetsShareOneInstanceReadAndAFailureIsIsolated() async throws {
        let world = try await setUp()
        try await world.okta.seed(slots: [1: OktaFake.acs("ap-northeast-1")], appId: "0oaidc2")
        try world.workspace.write("targets.yaml", """
            instance:
              primaryRegion: ap-northeast-1
            kms:
              delegatedAdministrators: []
            targets:
              - {name: prod, okta: {orgUrl: "\(world.okta.url)", appId: 0oaidc1}}
              - {name: partner, okta: {orgUrl: "\(world.okta.url)", appId: 0oaidc2}}
              - {name: gone, okta: {orgUrl: "\(world.okta.url)", appId: 0oamissing}}
            """)
        try await world.okta.clearRequests()
        let result = try world.workspace.run(["reconcile", "--config", "targets.yaml", "--output", "json", "--metrics-file", "m.prom"],
                                             environment: world.environment)
        #expect(result.status == 1, "\(result.stdout)\n\(result.stderr)")
        let targets = try JSONParser.parse(result.stdout)["targets"]?.arrayValue ?? []
        #expect(targets.map { $0["name"] } == ["prod", "partner", "gone"])
        #expect(targets.map { $0["state"] } == ["in-sync", "drift", "error"], "\(result.stderr)")
        #expect(targets.map { $0["exitCode"] } == [.number("0"), .number("2"), .number("1")])
        #expect(result.stderr.contains("gone: "))
        // One AWS read for the instance, whatever the number of targets.
        let aws = try await world.aws.requestLines()
        #expect(aws.filter { $0.hasPrefix("sso-admin:ListInstances") }.count == 1, "\(aws)")
        #expect(aws.filter { $0.hasPrefix("kms:GetKeyPolicy") }.count == 2, "\(aws)")
        let metrics = try String(contentsOf: world.workspace.url.appendingPathComponent("m.prom"), encoding: .utf8)
        #expect(metrics.contains("idcsync_reconcile_target_ok{target=\"gone\"} 0\n"))
        #expect(metrics.contains("idcsync_reconcile_drift{target=\"partner\",kind=\"okta_slots\",owner=\"idcsync\"} 1\n"))
        #expect(!metrics.contains("idcsync_reconcile_drift{target=\"gone\""))
        // A failed run keeps the last success of an earlier one.
        #expect(!metrics.contains("idcsync_reconcile_last_success_timestamp_seconds"))
        try world.workspace.write("m.prom", "idcsync_reconcile_last_success_timestamp_seconds 1700000000.000\n")
        #expect(try world.workspace.run(["reconcile", "--config", "targets.yaml", "--metrics-file", "m.prom"], environment: world.environment).status == 1)
        let carried = try String(contentsOf: world.workspace.url.appendingPathComponent("m.prom"), encoding: .utf8)
        #expect(carried.contains("idcsync_reconcile_last_success_timestamp_seconds 1700000000.000\n"))

        let one = try world.workspace.run(["reconcile", "--config", "targets.yaml", "--target", "prod"], environment: world.environment)
        #expect(one.status == 0, "\(one.stdout)\n\(one.stderr)")
        #expect(one.stdout.contains("1 target: 1 in sync."))
    }

    @Test func aMissingReplicaIsDriftThatReconcileLeavesToRegionsAdd() async throws {
        let world = try await setUp(extraRegions: ["eu-west-1"])
        let result = try world.workspace.run(["reconcile", "--apply"], environment: world.environment)
        #expect(result.status == 2, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("key policy eu-west-1: no replica key (fix: idcsync regions add eu-west-1)"))
        #expect(result.stderr.contains("eu-west-1 is enabled in IAM Identity Center but the key"))
        #expect(!(try await world.aws.requestLines()).contains { $0.contains("ReplicateKey") || $0.contains("AddRegion") })
    }

    @Test func aSecondRunIsRefusedWhileTheLockIsHeld() async throws {
        let world = try await setUp()
        let holder = try LockHolder(path: world.workspace.url.appendingPathComponent(".idcsync-locks/idcsync-reconcile.lock").path)
        defer { withExtendedLifetime(holder) {} }
        let result = try world.workspace.runFailing(["reconcile", "--apply", "--metrics-file", "m.prom"], environment: world.environment)
        #expect(result.status == 1)
        #expect(result.stderr.contains("another idcsync reconcile is running with this config"))
        #expect(result.stderr.contains("this run did nothing"))
        #expect(result.stderr.contains("(pid 4242 (test), lock "), "the message names the holder")
        #expect(try await world.aws.requestLines().isEmpty)
        #expect(try await world.okta.requestLines().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: world.workspace.url.appendingPathComponent("m.prom").path))
    }

    @Test func badFlagsAreUsageErrorsAndNothingIsRead() async throws {
        let world = try await setUp()
        let parallel = try world.workspace.runFailing(["reconcile", "--parallel", "0"], environment: world.environment)
        #expect(parallel.status == 64)
        #expect(parallel.stderr.contains("--parallel 0: must be positive"))
        // A negative value is explained, not taken for an unknown option ("Missing value").
        let negative = try world.workspace.runFailing(["reconcile", "--parallel", "-3"], environment: world.environment)
        #expect(negative.status == 64)
        #expect(negative.stderr.contains("--parallel -3: must be positive (1 to 64 targets at once)"), "\(negative.stderr)")
        #expect(!negative.stderr.contains("Missing value"))
        let tooMany = try world.workspace.runFailing(["reconcile", "--parallel", "65"], environment: world.environment)
        #expect(tooMany.status == 64)
        #expect(tooMany.stderr.contains("--parallel 65: must be at most 64"))
        let unknown = try world.workspace.runFailing(["reconcile", "--target", "prdo"], environment: world.environment)
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("no target named \"prdo\""))
        let markdown = try world.workspace.runFailing(["reconcile", "--output", "markdown"], environment: world.environment)
        #expect(markdown.status == 64)
        #expect(try await world.aws.requestLines().isEmpty)
        #expect(try await world.okta.requestLines().isEmpty)
        // A metrics file that cannot be written is an error, after the report.
        let metrics = try world.workspace.run(["reconcile", "--metrics-file", "no/such/folder/m.prom"], environment: world.environment)
        #expect(metrics.status == 1)
        #expect(metrics.stderr.contains("cannot write no/such/folder/m.prom"))
        #expect(metrics.stdout.contains("default: in sync"))
    }
}
