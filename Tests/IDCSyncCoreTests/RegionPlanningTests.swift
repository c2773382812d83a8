@testable import IDCSyncCore
import Testing

private func facts(_ action: RegionStepPlanner.Action = .add, regions: [(String, IdentityCenterRegionStatus)] = [("ap-northeast-1", .active)],
                   replica: KMSKeyState? = nil, policy: PolicyComparison? = nil, okta: (String, Int)? = ("0oa1", 4),
                   wait: Bool = true) -> RegionStepPlanner.Facts {
    RegionStepPlanner.Facts(action: action, region: "ap-northeast-3", primaryRegion: "ap-northeast-1",
                            regions: regions.map { (name: $0.0, status: $0.1) }, keyId: "mrk-1234",
                            replicaArn: replica.map { _ in "arn:aws:kms:ap-northeast-3:111122223333:key/mrk-1234" },
                            replicaState: replica, replicaPolicy: policy, okta: okta.map { (appId: $0.0, changes: $0.1) }, wait: wait)
}

private func states(_ steps: [RegionStep]) -> [String] {
    steps.map { step in
        switch step.state {
        case .pending: "\(step.kind.rawValue): pending"
        case .done(let why): "\(step.kind.rawValue): done (\(why))"
        case .skipped(let why): "\(step.kind.rawValue): skipped (\(why))"
        }
    }
}

private let matching = PolicyComparison(missing: [], extra: [], different: [])

@Suite("regions add/remove step planner")
struct RegionStepPlannerTests {
    @Test func aFreshAddDoesEverything() {
        #expect(states(RegionStepPlanner.steps(facts())) == [
            "replicate-key: pending", "wait-for-replica-key: pending", "add-region: pending", "wait-for-active: pending",
            "okta-apply: pending", "bookmarks: skipped (bookmarks.out is not set)",
        ])
        #expect(RegionStepPlanner.steps(facts())[2].title == "add ap-northeast-3 to IAM Identity Center (AddRegion in ap-northeast-1)")
    }

    @Test func aRerunAfterAKillDuringAddingSkipsWhatIsDone() {
        let steps = RegionStepPlanner.steps(facts(regions: [("ap-northeast-1", .active), ("ap-northeast-3", .adding)], replica: .enabled, policy: matching))
        #expect(states(steps) == [
            "replicate-key: done (exists with the IAM Identity Center key policy)", "wait-for-replica-key: done (Enabled)",
            "add-region: done (already ADDING)", "wait-for-active: pending", "okta-apply: pending",
            "bookmarks: skipped (bookmarks.out is not set)",
        ])
    }

    @Test func aDoneAddHasNothingPending() {
        let steps = RegionStepPlanner.steps(facts(regions: [("ap-northeast-1", .active), ("ap-northeast-3", .active)], replica: .enabled,
                                                  policy: matching, okta: ("0oa1", 0)))
        #expect(!steps.contains { $0.state == .pending })
        #expect(states(steps)[4] == "okta-apply: done (in sync)")
    }

    @Test func aReplicaWithAnotherPolicyGetsThePolicyPutNotANewReplica() {
        let drift = PolicyComparison(missing: ["AllowIAMIdentityCenterToUseTheKMSKey"], extra: [], different: ["EnableIAMPolicies"])
        let steps = RegionStepPlanner.steps(facts(replica: .creating, policy: drift))
        #expect(steps[0].kind == .fixReplicaPolicy)
        #expect(steps[0].title.hasSuffix("(missing AllowIAMIdentityCenterToUseTheKMSKey; different EnableIAMPolicies)"))
        #expect(steps[1].state == .pending, "a Creating replica is waited for")
    }

    @Test func noWaitAndNoOktaAreSaidAsSkipped() {
        let steps = RegionStepPlanner.steps(facts(okta: nil, wait: false))
        #expect(states(steps)[3] == "wait-for-active: skipped (--no-wait: AWS finishes the replication on its own)")
        #expect(states(steps)[4] == "okta-apply: skipped (okta is not configured)")
    }

    @Test func removeOfAnActiveRegion() {
        let steps = RegionStepPlanner.steps(facts(.remove, regions: [("ap-northeast-1", .active), ("ap-northeast-3", .active)], okta: ("0oa1", 1)))
        #expect(states(steps) == [
            "remove-region: pending", "wait-for-removal: pending", "okta-apply: pending",
            "bookmarks: skipped (bookmarks.out is not set)",
        ])
        #expect(steps[2].title == "write the ACS URL slots of Okta app 0oa1 (1 change)")
    }

    @Test func removeOfARegionThatIsGoneOrGoing() {
        #expect(states(RegionStepPlanner.steps(facts(.remove, okta: ("0oa1", 0))))[0...1] == ["remove-region: done (not enabled)", "wait-for-removal: done (gone)"])
        let removing = facts(.remove, regions: [("ap-northeast-1", .active), ("ap-northeast-3", .removing)])
        #expect(states(RegionStepPlanner.steps(removing))[0...1] == ["remove-region: done (already REMOVING)", "wait-for-removal: pending"])
        #expect(RegionStepPlanner.refusal(removing) == nil, "a rerun of a remove waits for its own removal")
    }

    @Test func refusals() {
        #expect(RegionStepPlanner.refusal(facts()) == nil)

        let busy = RegionStepPlanner.refusal(facts(regions: [("ap-northeast-1", .active), ("us-west-2", .adding)]))
        #expect(busy?.code == "regions.in-progress")
        #expect(busy?.message.hasPrefix("us-west-2 is ADDING; IAM Identity Center runs one Region addition or removal at a time") == true)
        #expect(RegionStepPlanner.refusal(facts(.remove, regions: [("ap-northeast-1", .active), ("ap-northeast-3", .active), ("us-west-2", .removing)]))?.code
                == "regions.in-progress")

        #expect(RegionStepPlanner.refusal(facts(regions: [("ap-northeast-1", .active), ("ap-northeast-3", .removing)]))?.code == "regions.removing")

        let six = ["ap-northeast-1", "us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2"].map { ($0, IdentityCenterRegionStatus.active) }
        let quota = RegionStepPlanner.refusal(facts(regions: six))
        #expect(quota?.code == "regions.quota")
        #expect(quota?.message == "the instance has 6 Regions; adding ap-northeast-3 would exceed the quota of 6 (primary included). Request an increase in Service Quotas first, or remove a Region")
        #expect(RegionStepPlanner.refusal(facts(regions: Array(six.prefix(5)))) == nil, "the sixth Region fits")

        let pending = RegionStepPlanner.refusal(facts(replica: .pendingDeletion))
        #expect(pending?.code == "regions.replica-state")
        #expect(pending?.message.contains("--key-id arn:aws:kms:ap-northeast-3:111122223333:key/mrk-1234 --region ap-northeast-3") == true)
        #expect(RegionStepPlanner.refusal(facts(replica: .creating)) == nil)
    }
}

@Suite("key policy comparison by meaning")
struct PolicyComparisonTests {
    private let expected = try! JSONParser.parse("""
    {"Version": "2012-10-17", "Statement": [
      {"Sid": "A", "Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::1:root", "arn:aws:iam::2:root"]},
       "Action": ["kms:Decrypt", "kms:Encrypt"], "Resource": "*",
       "Condition": {"StringEquals": {"kms:ViaService": ["sso.eu-west-1.amazonaws.com", "sso.us-east-1.amazonaws.com"]}}},
      {"Sid": "B", "Effect": "Allow", "Principal": {"Service": "sso.amazonaws.com"}, "Action": "kms:DescribeKey", "Resource": "*"}
    ]}
    """)

    @Test func reformattedReorderedAndSingleElementListsMatch() throws {
        let actual = try JSONParser.parse("""
        {"Statement": [
          {"Resource": ["*"], "Action": "kms:DescribeKey", "Principal": {"Service": ["sso.amazonaws.com"]}, "Effect": "Allow", "Sid": "B"},
          {"Sid": "A", "Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::2:root", "arn:aws:iam::1:root"]},
           "Action": ["KMS:encrypt", "kms:Decrypt"], "Resource": "*",
           "Condition": {"stringequals": {"KMS:ViaService": ["sso.us-east-1.amazonaws.com", "sso.eu-west-1.amazonaws.com"]}}}
        ], "Version": "2012-10-17"}
        """)
        let comparison = PolicyComparison.compare(actual: actual, expected: expected)
        #expect(comparison.matches)
        #expect(comparison.summary == "matches")
    }

    @Test func missingExtraAndDifferentStatementsAreNamed() throws {
        let actual = try JSONParser.parse("""
        {"Statement": [
          {"Sid": "A", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:root"}, "Action": ["kms:Decrypt", "kms:Encrypt"], "Resource": "*",
           "Condition": {"StringEquals": {"kms:ViaService": ["sso.eu-west-1.amazonaws.com", "sso.us-east-1.amazonaws.com"]}}},
          {"Sid": "Console", "Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"}
        ]}
        """)
        let comparison = PolicyComparison.compare(actual: actual, expected: expected)
        #expect(comparison == PolicyComparison(missing: ["B"], extra: ["Console"], different: ["A"]))
        #expect(comparison.summary == "missing B; extra Console; different A")
    }

    @Test func theGeneratedKeyPolicyMatchesItsOwnTextAndNoticesANewAdministratorAccount() throws {
        var input = KeyPolicyInput(partition: .aws, managementAccount: AccountID(value: "111122223333"),
                                   primaryRegion: Region(name: "ap-northeast-1", partition: .aws))
        let generated = try KeyPolicy.generate(input).document
        #expect(PolicyComparison.compare(actual: generated.text, expected: generated)?.matches == true)
        #expect(PolicyComparison.compare(actual: JSONWriter.compact(generated.json), expected: generated)?.matches == true)

        input.delegatedAdministrators = [AccountID(value: "444455556666")]
        let widened = try KeyPolicy.generate(input).document
        let comparison = try #require(PolicyComparison.compare(actual: generated.text, expected: widened))
        #expect(comparison.missing.isEmpty && comparison.extra.isEmpty)
        #expect(!comparison.different.isEmpty)
        #expect(comparison.different.allSatisfy { widened.statement(sid: $0) != generated.statement(sid: $0) })
    }

    @Test func aPrincipalStarEqualsAWSStarAndTextThatIsNotJSONIsNil() throws {
        let star = try JSONParser.parse(#"{"Statement": {"Sid": "S", "Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"}}"#)
        let awsStar = try JSONParser.parse(#"{"Statement": [{"Sid": "S", "Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": ["kms:*"], "Resource": ["*"]}]}"#)
        #expect(PolicyComparison.compare(actual: star, expected: awsStar).matches)
        #expect(PolicyComparison.compare(actual: "not json", expected: PolicyDocument(statements: [])) == nil)
    }
}
