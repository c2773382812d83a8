import IDCSyncCore
import IDCSyncTestSupport
import Testing

private let instanceArn = try! InstanceARN.parse("arn:aws:sso:::instance/ssoins-7758a1b2c3d4e5f6").get()
private let key = try! KeyARN.parse("arn:aws:kms:ap-northeast-1:111122223333:key/mrk-0f1e2d3c4b5a69788796a5b4c3d2e1f0").get()

private func input(_ role: RunnerRole) -> RunnerPolicyInput {
    RunnerPolicyInput(partition: .aws, role: role, instanceArn: instanceArn, key: key, managementAccount: key.account,
                      vpnRegion: key.region, vpnAccount: key.account, vpcId: "vpc-0abc", samlProviderName: "okta-clientvpn")
}

private func actions(_ policy: GeneratedPolicy) -> Set<String> {
    Set(policy.document.statements.flatMap(\.actions))
}

@Suite("Runner IAM policy")
struct RunnerPolicyTests {
    @Test func everyActionComesFromAnOperationIdcsyncCalls() {
        for role in RunnerRole.allCases {
            let policy = RunnerPolicy.generate(input(role))
            var expected = Set(role.operations.flatMap(\.permissions).map(\.action))
            if role != .vpn { expected.formUnion(["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKeyWithoutPlaintext"]) }
            #expect(actions(policy) == expected, "\(role)")
            #expect(policy.diagnostics.isEmpty, "\(role): \(policy.diagnostics)")
        }
    }

    @Test func rolesNest() {
        let readOnly = actions(RunnerPolicy.generate(input(.readOnly)))
        let reconcile = actions(RunnerPolicy.generate(input(.reconcile)))
        let regions = actions(RunnerPolicy.generate(input(.regions)))
        let vpn = actions(RunnerPolicy.generate(input(.vpn)))
        let all = actions(RunnerPolicy.generate(input(.all)))
        #expect(readOnly.isStrictSubset(of: reconcile))
        #expect(reconcile.subtracting(readOnly) == ["kms:PutKeyPolicy"])
        #expect(reconcile.isStrictSubset(of: regions))
        #expect(regions.subtracting(reconcile) == ["kms:ReplicateKey", "kms:CreateKey", "sso:AddRegion", "sso:RemoveRegion"])
        #expect(all == regions.union(vpn))
        #expect(!readOnly.contains { $0.hasPrefix("ec2:") || $0.hasPrefix("iam:") })
        #expect(!reconcile.contains("sso:AddRegion"))
    }

    @Test func actionsAreScopedToTheInstanceAndKeyWhereAWSAllowsIt() throws {
        let policy = RunnerPolicy.generate(input(.regions))
        let instance = try #require(policy.document.statement(sid: "IdentityCenterInstance"))
        #expect(instance.resources == ["arn:aws:sso:::instance/ssoins-7758a1b2c3d4e5f6"])
        #expect(Set(instance.actions) == ["sso:DescribeInstance", "sso:ListRegions", "sso:DescribeRegion", "sso:AddRegion", "sso:RemoveRegion"])
        let keyStatement = try #require(policy.document.statement(sid: "InstanceKmsKeyInEveryRegion"))
        #expect(keyStatement.resources == ["arn:aws:kms:*:111122223333:key/mrk-0f1e2d3c4b5a69788796a5b4c3d2e1f0"])
        let unscoped = try #require(policy.document.statement(sid: "ActionsWithoutResourceLevelPermissions"))
        #expect(Set(unscoped.actions) == ["sts:GetCallerIdentity", "sso:ListInstances", "kms:ListAliases", "kms:CreateKey", "organizations:DescribeOrganization"])
        let delegated = try #require(policy.document.statement(sid: "ListIdentityCenterDelegatedAdministrators"))
        #expect(delegated.conditions == [.init("StringEquals", [("organizations:ServicePrincipal", ["sso.amazonaws.com"])])])
    }

    @Test func missingARNsWidenTheScopeWithAWarning() {
        var unscoped = input(.readOnly)
        unscoped.instanceArn = nil
        unscoped.key = nil
        let policy = RunnerPolicy.generate(unscoped)
        #expect(policy.text.contains("arn:aws:sso:::instance/*"))
        #expect(policy.text.contains("arn:aws:kms:*:111122223333:key/*"))
        #expect(Set(policy.diagnostics.map(\.code)) == ["runner-policy.unscoped-instance", "runner-policy.unscoped-key"])
    }

    @Test func goldenFiles() {
        for role in RunnerRole.allCases {
            expectGolden(RunnerPolicy.generate(input(role)).text, "runner-policy-\(role.rawValue).json")
        }
    }

    @Test func allFitsInOneManagedPolicy() {
        let policy = RunnerPolicy.generate(input(.all))
        let counted = policy.text.filter { !$0.isWhitespace }.count
        #expect(counted <= RunnerPolicy.managedPolicyLimit, "\(counted) characters")
    }
}
