@testable import IDCSyncCore
import IDCSyncEngine
import IDCSyncRendering
import Testing

@Suite("reconcile shards: parsing, the Indexed Job variables, assignment by Okta org")
struct ShardTests {
    /// 40 orgs with 1 to 7 targets each, interleaved as a config grows, plus 9 targets without Okta.
    static let fleet: [Target] = {
        var targets: [Target] = []
        for org in 1...40 {
            for n in 1...(1 + org % 7) {
                let url = org % 5 == 0 ? "https://Org\(org).okta.com:443/" : "https://org\(org).okta.com"
                targets.append(Target(name: "org\(org)-t\(n)", okta: OktaConfig(orgUrl: url, appId: "0oa\(org)x\(n)")))
            }
        }
        for n in 1...9 { targets.append(Target(name: "aws-only-\(n)")) }
        return targets
    }()

    static func org(_ target: Target) -> String { ShardAssignment.key(of: target) }

    @Test func everyTargetIsInExactlyOneShardAndNoOrgIsSplit() throws {
        #expect(Self.fleet.count > 150)
        for count in 1...8 {
            var seen: [String: Int] = [:]
            var orgShard: [String: Int] = [:]
            for index in 1...count {
                let shard = try #require(Shard(index: index, count: count))
                for target in ShardAssignment.targets(Self.fleet, in: shard) {
                    #expect(seen[target.name!] == nil, "N=\(count): \(target.name!) in shards \(seen[target.name!] ?? 0) and \(index)")
                    seen[target.name!] = index
                    let previous = orgShard.updateValue(index, forKey: Self.org(target))
                    #expect(previous == nil || previous == index, "N=\(count): org \(Self.org(target)) split over shards \(previous ?? 0) and \(index)")
                }
            }
            #expect(seen.count == Self.fleet.count, "N=\(count): every target covered")
            if count >= 2 { #expect(Set(seen.values).count > 1, "N=\(count): the targets spread over more than one shard") }
        }
    }

    @Test func theOrgKeyIsTheHostAsOktaKnowsIt() {
        let plain = Target(name: "a", okta: OktaConfig(orgUrl: "https://acme.okta.com"))
        let spelled = Target(name: "b", okta: OktaConfig(orgUrl: "https://ACME.okta.com:443/"))
        let other = Target(name: "c", okta: OktaConfig(orgUrl: "https://acme.oktapreview.com"))
        let port = Target(name: "d", okta: OktaConfig(orgUrl: "http://127.0.0.1:8443"))
        #expect(ShardAssignment.key(of: plain) == "okta:acme.okta.com")
        #expect(ShardAssignment.key(of: spelled) == "okta:acme.okta.com")
        #expect(ShardAssignment.key(of: other) == "okta:acme.oktapreview.com")
        #expect(ShardAssignment.key(of: port) == "okta:127.0.0.1:8443")
        // Without an org URL (no okta section, or one whose orgUrl is missing), the target's name.
        #expect(ShardAssignment.key(of: Target(name: "aws-only")) == "target:aws-only")
        #expect(ShardAssignment.key(of: Target(name: "half", okta: OktaConfig(appId: "0oa1"))) == "target:half")
        #expect(ShardAssignment.key(of: Target()) == "target:default")
    }

    @Test func addingOrRemovingTargetsMovesNoOtherTarget() throws {
        let before = Self.fleet
        var after = Array(before.dropFirst(3).filter { !$0.name!.hasPrefix("org17-") })
        after.insert(Target(name: "new-org", okta: OktaConfig(orgUrl: "https://brand-new.okta.com")), at: 5)
        after.append(Target(name: "org3-t9", okta: OktaConfig(orgUrl: "https://org3.okta.com")))
        for count in 1...8 {
            func shards(_ targets: [Target]) throws -> [String: Int] {
                var result: [String: Int] = [:]
                for index in 1...count {
                    for target in ShardAssignment.targets(targets, in: try #require(Shard(index: index, count: count))) { result[target.name!] = index }
                }
                return result
            }
            let old = try shards(before), new = try shards(after)
            for (name, shard) in new where old[name] != nil { #expect(old[name] == shard, "N=\(count): \(name) moved") }
            #expect(new["org3-t9"] == old["org3-t1"], "N=\(count): a new target of a known org joins the org's shard")
        }
    }

    /// The hash is part of the contract between releases: a fleet upgraded shard by shard must not
    /// move orgs. These values are FNV-1a 64 of the keys, computed independently.
    @Test func theAssignmentIsFixedAcrossReleases() {
        #expect(ShardAssignment.fnv1a64("") == 0xcbf2_9ce4_8422_2325)
        #expect(ShardAssignment.fnv1a64("okta:example.okta.com") == 0x6084_1e56_33d6_bbe4)
        #expect(ShardAssignment.shard(of: Target(name: "x", okta: OktaConfig(orgUrl: "https://example.okta.com")), count: 8) == 5)
        #expect(ShardAssignment.shard(of: Target(name: "x", okta: OktaConfig(orgUrl: "https://example.okta.com")), count: 3) == 2)
        #expect(ShardAssignment.shard(of: Target(name: "y", okta: OktaConfig(orgUrl: "http://127.0.0.1:8443")), count: 4) == 3)
        #expect(ShardAssignment.shard(of: Target(name: "y", okta: OktaConfig(orgUrl: "http://127.0.0.1:8443")), count: 8) == 7)
        #expect(ShardAssignment.shard(of: Target(name: "aws-only"), count: 8) == 1)
        #expect(ShardAssignment.shard(ofKey: "anything", count: 1) == 1)
    }

    @Test func targetsStartOneOrgAfterTheOtherInTurn() {
        func target(_ name: String, _ org: String?) -> Target {
            Target(name: name, okta: org.map { OktaConfig(orgUrl: "https://\($0).okta.com", appId: "0oa1") })
        }
        let grouped = [target("a1", "a"), target("a2", "a"), target("a3", "a"), target("b1", "b"), target("plain", nil),
                       target("b2", "b"), target("c1", "c")]
        #expect(ShardAssignment.startOrder(grouped) == [0, 3, 4, 6, 1, 5, 2])
        #expect(ShardAssignment.startOrder([]) == [])
        let fleetOrder = ShardAssignment.startOrder(Self.fleet)
        #expect(fleetOrder.sorted() == Array(Self.fleet.indices), "every target starts once")
    }

    @Test func shardFlagValues() {
        #expect(Shard.parse("2/4") == .success(Shard(index: 2, count: 4)!))
        #expect(Shard.parse("1/1") == .success(Shard(index: 1, count: 1)!))
        #expect(Shard.parse("1000/1000") == .success(Shard(index: 1000, count: 1000)!))
        #expect(Shard(index: 2, count: 4)?.description == "2/4")
        let cases: [(String, String)] = [
            ("5/4", "--shard 5/4: K must be between 1 and N (4)"),
            ("0/4", "--shard 0/4: K must be between 1 and N (4)"),
            ("1/0", "--shard 1/0: N must be between 1 and 1000"),
            ("1/1001", "--shard 1/1001: N must be between 1 and 1000"),
            ("2", "--shard 2: expected K/N, e.g. 1/4 (this process runs part K of N; all N parts together cover every target once)"),
            ("-1/4", "--shard -1/4: expected K/N, e.g. 1/4 (this process runs part K of N; all N parts together cover every target once)"),
            ("1/4/8", "--shard 1/4/8: expected K/N, e.g. 1/4 (this process runs part K of N; all N parts together cover every target once)"),
            ("a/b", "--shard a/b: expected K/N, e.g. 1/4 (this process runs part K of N; all N parts together cover every target once)"),
            ("+1/4", "--shard +1/4: expected K/N, e.g. 1/4 (this process runs part K of N; all N parts together cover every target once)"),
            ("/4", "--shard /4: expected K/N, e.g. 1/4 (this process runs part K of N; all N parts together cover every target once)"),
        ]
        for (text, message) in cases {
            #expect(Shard.parse(text) == .failure(Shard.Problem(message: message)), "\(text)")
        }
    }

    @Test func indexedJobVariables() {
        #expect(Shard.fromEnvironment(index: nil, count: nil) == .success(nil))
        #expect(Shard.fromEnvironment(index: "0", count: "4") == .success(Shard(index: 1, count: 4)!))
        #expect(Shard.fromEnvironment(index: "3", count: "4") == .success(Shard(index: 4, count: 4)!))
        let both = "an Indexed Job sets both; set both (or neither), or give --shard K/N, which wins over them"
        let cases: [(String?, String?, String)] = [
            ("1", nil, "JOB_COMPLETION_INDEX is set (\"1\") but JOB_COMPLETIONS is not: \(both)"),
            (nil, "4", "JOB_COMPLETIONS is set (\"4\") but JOB_COMPLETION_INDEX is not: \(both)"),
            ("4", "4", "JOB_COMPLETION_INDEX \"4\": must be below JOB_COMPLETIONS (4); it is 0-based, from 0 to 3"),
            ("x", "4", "JOB_COMPLETION_INDEX \"x\": expected a whole number from 0 to 3 (it is 0-based)"),
            ("-1", "4", "JOB_COMPLETION_INDEX \"-1\": expected a whole number from 0 to 3 (it is 0-based)"),
            ("", "4", "JOB_COMPLETION_INDEX \"\": expected a whole number from 0 to 3 (it is 0-based)"),
            ("0", "0", "JOB_COMPLETIONS \"0\": expected the number of shards, a whole number from 1 to 1000"),
            ("0", "four", "JOB_COMPLETIONS \"four\": expected the number of shards, a whole number from 1 to 1000"),
            ("0", "99999999999999999999", "JOB_COMPLETIONS \"99999999999999999999\": expected the number of shards, a whole number from 1 to 1000"),
        ]
        for (index, count, message) in cases {
            #expect(Shard.fromEnvironment(index: index, count: count) == .failure(Shard.Problem(message: message)), "\(String(describing: index)) \(String(describing: count))")
        }
    }

    static func exitCode(_ outcome: Outcome) -> Int { outcome == .ok ? 0 : outcome == .changes ? 2 : outcome == .failed ? 1 : 64 }

    static func report(shard: Shard?, targets: [ReconcileTargetReport]) -> ReconcileReport {
        ReconcileReport(apply: false, targets: targets, startedAt: 1_763_700_000, durationSeconds: 2, awsRequests: 7, oktaRequests: 1,
                        shard: shard.map { ShardSelection(shard: $0, targets: targets.count, configTargets: 12) })
    }

    static let target = ReconcileTargetReport(
        name: "prod", keyPolicies: [KeyPolicyCheck(region: "ap-northeast-1", isPrimary: true, keyArn: "arn:aws:kms:ap-northeast-1:111122223333:key/mrk-1", state: .matches)],
        okta: OktaSlotsCheck(appId: "0oa1", appLabel: nil, state: .inSync, changes: [], foreign: []), durationSeconds: 0.5, oktaRequests: 1)

    @Test func aShardedRunNamesItsShardInTextJSONAndEveryMetricsSample() throws {
        let shard = try #require(Shard(index: 2, count: 4))
        let sharded = Self.report(shard: shard, targets: [Self.target])
        let metrics = ReconcileMetrics.prometheus(sharded, lastSuccess: 1_763_700_000, exitCode: Self.exitCode)
        let samples = metrics.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(samples.count == 10, "\(metrics)")
        for sample in samples { #expect(sample.hasPrefix("idcsync_reconcile_") && sample.contains("{shard=\"2/4\""), "\(sample)") }
        #expect(metrics.contains("idcsync_reconcile_drift{shard=\"2/4\",target=\"prod\",kind=\"okta_slots\",owner=\"idcsync\"} 0\n"))
        #expect(metrics.contains("idcsync_reconcile_exit_code{shard=\"2/4\"} 0\n"))
        #expect(metrics.contains("idcsync_reconcile_requests{shard=\"2/4\",service=\"okta\"} 1\n"))
        #expect(ReconcileMetrics.lastSuccess(inPrometheusText: metrics) == 1_763_700_000)

        let json = ReconcileRenderer.json(sharded, exitCode: Self.exitCode)
        #expect(json["shard"] == .object(["index": .int(2), "count": .int(4), "targets": .int(1), "configTargets": .int(12)]))
        let text = ReconcileRenderer.text(sharded, style: Style(enabled: false), exitCode: Self.exitCode)
        #expect(text.hasSuffix("\nshard 2/4: 1 target of 12\n1 target: 1 in sync. 2.000 s; requests: 7 to AWS, 1 to Okta.\n"), "\(text)")

        // Unsharded: no shard label (existing dashboards keep working) and "shard": null.
        let whole = Self.report(shard: nil, targets: [Self.target])
        #expect(!ReconcileMetrics.prometheus(whole, lastSuccess: nil, exitCode: Self.exitCode).contains("shard"))
        #expect(ReconcileRenderer.json(whole, exitCode: Self.exitCode)["shard"] == .null)
        #expect(!ReconcileRenderer.text(whole, style: Style(enabled: false), exitCode: Self.exitCode).contains("shard"))

        // An empty shard still writes its run-level samples, labelled.
        let empty = ReconcileMetrics.prometheus(Self.report(shard: shard, targets: []), lastSuccess: 1_763_700_000, exitCode: Self.exitCode)
        #expect(empty.contains("idcsync_reconcile_exit_code{shard=\"2/4\"} 0\n"))
        #expect(empty.contains("idcsync_reconcile_last_success_timestamp_seconds{shard=\"2/4\"} 1763700000.000\n"))
    }

    @Test func eachShardHasItsOwnLockFile() throws {
        #expect(Reconcile.lockName(shard: nil) == "idcsync-reconcile.lock")
        let shard = try #require(Shard(index: 2, count: 4))
        #expect(Reconcile.lockName(shard: shard) == "idcsync-reconcile-shard-2-of-4.lock")
    }
}
