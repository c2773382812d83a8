import Foundation
import IDCSyncCore
import Testing

/// `reconcile --shard K/N`, the Indexed Job variables and `--lock-dir` through the real binary,
/// against the AWS sandbox and two Okta fakes (two orgs).
@Suite("reconcile shards (binary, against the AWS sandbox and two Okta orgs)")
struct ReconcileShardTests {
    /// Org A (the world's fake) with three in-sync apps, org B (a second fake) with two, and two
    /// targets without Okta: seven targets in `targets.yaml`.
    struct Fleet {
        var world: SandboxWorld
        var orgB: OktaFake
        var targets: [Target]
        var workspace: Workspace { world.workspace }
        var environment: [String: String] { world.environment }

        /// The names shard `index` of `count` must run, in the config's order.
        func names(shard index: Int, of count: Int) -> [String] {
            targets.filter { ShardAssignment.shard(of: $0, count: count) == index }.map { $0.name ?? "" }
        }

        func clearRequests() async throws {
            try await world.aws.clearRequests()
            try await world.okta.clearRequests()
            try await orgB.clearRequests()
        }

        func oktaRequests() async throws -> [String] {
            try await world.okta.requestLines().map { "A " + $0 } + orgB.requestLines().map { "B " + $0 }
        }
    }

    static func fleet() async throws -> Fleet {
        let world = try await SandboxWorld.make()
        let orgB = try OktaFake()
        try await orgB.seed()
        var app = try await world.okta.app("0oaidc1").objectValue!
        for key in ["created", "lastUpdated", "_links"] { app[key] = nil }
        for (fake, id) in [(world.okta, "0oaidc2"), (world.okta, "0oaidc3"), (orgB, "0oaidc1"), (orgB, "0oaidc2")] {
            app["id"] = .string(id)
            try await fake.control("POST", "/_fake/apps", .object(app))
        }
        let targets = [
            Target(name: "a1", okta: OktaConfig(orgUrl: world.okta.url, appId: "0oaidc1")),
            Target(name: "plain1"),
            Target(name: "b1", okta: OktaConfig(orgUrl: orgB.url, appId: "0oaidc1")),
            Target(name: "a2", okta: OktaConfig(orgUrl: world.okta.url, appId: "0oaidc2")),
            Target(name: "b2", okta: OktaConfig(orgUrl: orgB.url, appId: "0oaidc2")),
            Target(name: "plain2"),
            Target(name: "a3", okta: OktaConfig(orgUrl: world.okta.url, appId: "0oaidc3")),
        ]
        let entries = targets.map { target in
            guard let okta = target.okta else { return "  - {name: \(target.name!)}" }
            return "  - {name: \(target.name!), okta: {orgUrl: \"\(okta.orgUrl!)\", appId: \(okta.appId!)}}"
        }
        try world.workspace.write("targets.yaml", """
            instance:
              primaryRegion: ap-northeast-1
            kms:
              delegatedAdministrators: []
            targets:
            \(entries.joined(separator: "\n"))
            """)
        let fleet = Fleet(world: world, orgB: orgB, targets: targets)
        try await fleet.clearRequests()
        return fleet
    }

    static func names(_ report: JSONValue) -> [String] {
        (report["targets"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
    }

    @Test func theShardsOfAConfigRunOnlyTheirTargetsAndTogetherTheWholeRun() async throws {
        let fleet = try await Self.fleet()
        let whole = try fleet.workspace.run(["reconcile", "--config", "targets.yaml", "--output", "json"], environment: fleet.environment)
        #expect(whole.status == 0, "\(whole.stdout)\n\(whole.stderr)")
        let all = Self.names(try JSONParser.parse(whole.stdout))
        #expect(all == ["a1", "plain1", "b1", "a2", "b2", "plain2", "a3"])
        #expect(try JSONParser.parse(whole.stdout)["shard"] == .null)

        var union: [String] = []
        for index in 1...2 {
            try await fleet.clearRequests()
            let metrics = "m\(index).prom"
            let result = try fleet.workspace.run(["reconcile", "--config", "targets.yaml", "--shard", "\(index)/2", "--output", "json", "--metrics-file", metrics],
                                                 environment: fleet.environment)
            #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
            let report = try JSONParser.parse(result.stdout)
            let expected = fleet.names(shard: index, of: 2)
            #expect(Self.names(report) == expected)
            #expect(report["shard"] == .object(["index": .int(index), "count": .int(2), "targets": .int(expected.count), "configTargets": .int(7)]))
            // Okta hears only from the shard's targets; an org's targets are never split.
            let okta = try await fleet.oktaRequests()
            let expectedOkta = expected.filter { !$0.hasPrefix("plain") }.map { name in
                "\(name.prefix(1).uppercased()) GET /api/v1/apps/0oaidc\(name.suffix(1))"
            }
            #expect(okta.sorted() == expectedOkta.sorted(), "\(okta)")
            for org in [Set(["a1", "a2", "a3"]), Set(["b1", "b2"])] {
                #expect(org.isSubset(of: Self.names(report)) || org.isDisjoint(with: Self.names(report)), "\(org) is not split: \(Self.names(report))")
            }
            let text = try fleet.workspace.read(metrics)
            let samples = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
            #expect(!samples.isEmpty)
            for sample in samples { #expect(sample.contains("{shard=\"\(index)/2\""), "\(sample)") }
            #expect(text.contains("idcsync_reconcile_exit_code{shard=\"\(index)/2\"} 0\n"), "\(text)")
            for name in expected { #expect(text.contains("idcsync_reconcile_target_ok{shard=\"\(index)/2\",target=\"\(name)\"} 1\n")) }
            union += Self.names(report)
        }
        #expect(union.sorted() == all.sorted(), "the shards together are the whole run, each target once")

        let text = try fleet.workspace.run(["reconcile", "--config", "targets.yaml", "--shard", "1/2"], environment: fleet.environment)
        #expect(text.status == 0, "\(text.stdout)\n\(text.stderr)")
        let count = fleet.names(shard: 1, of: 2).count
        #expect(text.stdout.contains("shard 1/2: \(count) target\(count == 1 ? "" : "s") of 7\n"), "\(text.stdout)")
    }

    /// A shard without targets (the only target hashes elsewhere) is a success with a note, an empty
    /// report and its run-level metrics.
    @Test func anEmptyShardExitsZeroWithANoteAndItsMetrics() async throws {
        let fleet = try await Self.fleet()
        let mine = ShardAssignment.shard(of: fleet.targets[0], count: 7)
        let other = mine == 1 ? 2 : 1
        try fleet.workspace.write("one.yaml", """
            instance:
              primaryRegion: ap-northeast-1
            kms:
              delegatedAdministrators: []
            targets:
              - {name: a1, okta: {orgUrl: "\(fleet.world.okta.url)", appId: 0oaidc1}}
            """)
        let result = try fleet.workspace.run(["reconcile", "--config", "one.yaml", "--shard", "\(other)/7", "--output", "json", "--metrics-file", "m.prom"],
                                             environment: fleet.environment)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stderr.contains("shard \(other)/7 has no targets in this config (1 target in all); nothing to check"), "\(result.stderr)")
        let report = try JSONParser.parse(result.stdout)
        #expect(report["targets"] == .array([]))
        #expect(report["shard"]?["targets"] == .int(0))
        let text = try fleet.workspace.run(["reconcile", "--config", "one.yaml", "--shard", "\(other)/7"], environment: fleet.environment)
        #expect(text.status == 0, "\(text.stdout)\n\(text.stderr)")
        #expect(text.stdout.hasPrefix("\nshard \(other)/7: 0 targets of 1\n0 targets. "), "\(text.stdout)")
        let metrics = try fleet.workspace.read("m.prom")
        #expect(metrics.contains("idcsync_reconcile_exit_code{shard=\"\(other)/7\"} 0\n"), "\(metrics)")
        #expect(try await fleet.oktaRequests().isEmpty)
        #expect(try await fleet.world.aws.requestLines().isEmpty)
    }

    @Test func theIndexedJobVariablesPickTheShardAndTheFlagWinsOverThem() async throws {
        let fleet = try await Self.fleet()
        for index in 0...1 {
            let environment = fleet.environment.merging(["JOB_COMPLETION_INDEX": "\(index)", "JOB_COMPLETIONS": "2"]) { $1 }
            let result = try fleet.workspace.run(["reconcile", "--config", "targets.yaml", "--output", "json"], environment: environment)
            #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
            let report = try JSONParser.parse(result.stdout)
            #expect(Self.names(report) == fleet.names(shard: index + 1, of: 2))
            #expect(report["shard"]?["index"] == .int(index + 1))
            #expect(report["shard"]?["count"] == .int(2))
        }
        let environment = fleet.environment.merging(["JOB_COMPLETION_INDEX": "0", "JOB_COMPLETIONS": "2"]) { $1 }
        let flag = try fleet.workspace.run(["reconcile", "--config", "targets.yaml", "--shard", "2/3", "--output", "json", "--log-level", "debug"],
                                           environment: environment)
        #expect(flag.status == 0, "\(flag.stdout)\n\(flag.stderr)")
        #expect(try JSONParser.parse(flag.stdout)["shard"]?["count"] == .int(3))
        #expect(Self.names(try JSONParser.parse(flag.stdout)) == fleet.names(shard: 2, of: 3))
        #expect(flag.stderr.contains("--shard wins over the environment"), "\(flag.stderr)")

        // --target runs its one target, whatever the variables say.
        let one = try fleet.workspace.run(["reconcile", "--config", "targets.yaml", "--target", "b2", "--output", "json"], environment: environment)
        #expect(one.status == 0, "\(one.stdout)\n\(one.stderr)")
        #expect(Self.names(try JSONParser.parse(one.stdout)) == ["b2"])
        #expect(try JSONParser.parse(one.stdout)["shard"] == .null)
    }

    @Test func badShardValuesAreConfigurationErrorsAndNothingIsReadOrWritten() async throws {
        let fleet = try await Self.fleet()
        try fleet.workspace.write("a-file", "not a folder\n")
        let flags: [([String], String)] = [
            (["--shard", "5/4"], "--shard 5/4: K must be between 1 and N (4)"),
            (["--shard", "0/4"], "--shard 0/4: K must be between 1 and N (4)"),
            (["--shard", "2"], "--shard 2: expected K/N, e.g. 1/4"),
            (["--shard", "1/0"], "--shard 1/0: N must be between 1 and 1000"),
            (["--shard", "x/4"], "--shard x/4: expected K/N, e.g. 1/4"),
            (["--shard", "-1/4"], "--shard -1/4: expected K/N, e.g. 1/4"),
            (["--shard", "1/2", "--target", "a1"], "--shard 1/2 and --target a1 cannot be used together"),
            (["--lock-dir", ""], "--lock-dir must name a folder, not \"\""),
            (["--lock-dir", "a-file"], "--lock-dir a-file: it is not a folder"),
            (["--lock-dir", "no/such/parent"], "--lock-dir no/such/parent: its parent folder does not exist"),
        ]
        for (arguments, message) in flags {
            let result = try fleet.workspace.runFailing(["reconcile", "--config", "targets.yaml", "--metrics-file", "m.prom"] + arguments,
                                                        environment: fleet.environment)
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
        let variables: [([String: String], String)] = [
            (["JOB_COMPLETION_INDEX": "1"], "JOB_COMPLETION_INDEX is set (\"1\") but JOB_COMPLETIONS is not: an Indexed Job sets both"),
            (["JOB_COMPLETIONS": "4"], "JOB_COMPLETIONS is set (\"4\") but JOB_COMPLETION_INDEX is not"),
            (["JOB_COMPLETION_INDEX": "one", "JOB_COMPLETIONS": "4"], "JOB_COMPLETION_INDEX \"one\": expected a whole number from 0 to 3 (it is 0-based)"),
            (["JOB_COMPLETION_INDEX": "4", "JOB_COMPLETIONS": "4"], "JOB_COMPLETION_INDEX \"4\": must be below JOB_COMPLETIONS (4); it is 0-based, from 0 to 3"),
            (["JOB_COMPLETION_INDEX": "0", "JOB_COMPLETIONS": "0"], "JOB_COMPLETIONS \"0\": expected the number of shards, a whole number from 1 to 1000"),
        ]
        for (variables, message) in variables {
            let result = try fleet.workspace.runFailing(["reconcile", "--config", "targets.yaml", "--metrics-file", "m.prom"],
                                                        environment: fleet.environment.merging(variables) { $1 })
            #expect(result.status == 64, "\(variables): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(variables): \(result.stderr)")
            #expect(result.stderr.contains("nothing was read or written"), "\(variables): \(result.stderr)")
        }
        let json = try fleet.workspace.runFailing(["reconcile", "--config", "targets.yaml", "--output", "json"],
                                                  environment: fleet.environment.merging(["JOB_COMPLETIONS": "4"]) { $1 })
        #expect(json.status == 64)
        #expect(try JSONParser.parse(json.stdout)["error"]?["exitCode"] == .int(64), "\(json.stdout)")
        #expect(try await fleet.oktaRequests().isEmpty)
        #expect(try await fleet.world.aws.requestLines().isEmpty)
    }

    @Test func eachShardHasItsOwnLockSoShardsRunSideBySide() async throws {
        let fleet = try await Self.fleet()
        let holder = try LockHolder(path: fleet.workspace.url.appendingPathComponent(".idcsync-locks/idcsync-reconcile-shard-1-of-2.lock").path)
        defer { withExtendedLifetime(holder) {} }
        let other = try fleet.workspace.run(["reconcile", "--config", "targets.yaml", "--shard", "2/2"], environment: fleet.environment)
        #expect(other.status == 0, "shard 2/2 runs while 1/2 is held: \(other.stdout)\n\(other.stderr)")
        let whole = try fleet.workspace.run(["reconcile", "--config", "targets.yaml"], environment: fleet.environment)
        #expect(whole.status == 0, "\(whole.stdout)\n\(whole.stderr)")
        try await fleet.clearRequests()
        let same = try fleet.workspace.runFailing(["reconcile", "--config", "targets.yaml", "--shard", "1/2", "--metrics-file", "m.prom"],
                                                  environment: fleet.environment)
        #expect(same.status == 1)
        #expect(same.stderr.contains("another idcsync reconcile is running with shard 1/2 of this config (pid 4242 (test), lock "), "\(same.stderr)")
        #expect(same.stderr.contains("idcsync-reconcile-shard-1-of-2.lock); this run did nothing"), "\(same.stderr)")
        #expect(try await fleet.oktaRequests().isEmpty)
        #expect(try await fleet.world.aws.requestLines().isEmpty)
    }

    /// In Kubernetes the config is a read-only ConfigMap mount: --lock-dir puts the lock elsewhere.
    @Test func lockDirHoldsTheLocksAndMakesAReadOnlyConfigFolderWork() async throws {
        let fleet = try await Self.fleet()
        let folder = fleet.workspace.url.appendingPathComponent("config")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        try FileManager.default.copyItem(at: fleet.workspace.url.appendingPathComponent("targets.yaml"), to: folder.appendingPathComponent("idcsync.yaml"))
        // Read-only for a user; the tests may run as root, whom a mode does not stop, so the lock
        // folder's name is taken by a file as well.
        try fleet.workspace.write("config/.idcsync-locks", "")
        chmod(folder.path, 0o555)
        defer { chmod(folder.path, 0o755) }

        let refused = try fleet.workspace.runFailing(["reconcile", "--config", "config/idcsync.yaml", "--shard", "1/2"], environment: fleet.environment)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("cannot open the lock file config/.idcsync-locks/idcsync-reconcile-shard-1-of-2.lock ("), "\(refused.stderr)")
        #expect(refused.stderr.contains("give reconcile another with --lock-dir"), "\(refused.stderr)")

        let result = try fleet.workspace.run(["reconcile", "--config", "config/idcsync.yaml", "--shard", "1/2", "--lock-dir", "locks"],
                                             environment: fleet.environment)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        let locks = try FileManager.default.contentsOfDirectory(atPath: fleet.workspace.url.appendingPathComponent("locks").path)
        #expect(locks == ["idcsync-reconcile-shard-1-of-2.lock"])
        let plain = try fleet.workspace.run(["reconcile", "--config", "config/idcsync.yaml", "--lock-dir", "locks"], environment: fleet.environment)
        #expect(plain.status == 0, "\(plain.stdout)\n\(plain.stderr)")
        #expect(FileManager.default.fileExists(atPath: fleet.workspace.url.appendingPathComponent("locks/idcsync-reconcile.lock").path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == [".idcsync-locks", "idcsync.yaml"])
    }
}
