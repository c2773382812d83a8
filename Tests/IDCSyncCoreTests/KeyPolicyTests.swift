@testable import IDCSyncCore
import IDCSyncTestSupport
import Testing

private let management = AccountID(value: "111122223333")
private let delegated = AccountID(value: "444455556666")
private let tokyo = Region(name: "ap-northeast-1", partition: .aws)
private let instanceArn = try! InstanceARN.parse("arn:aws:sso:::instance/ssoins-7758a1b2c3d4e5f6").get()

private func baseline(_ change: (inout KeyPolicyInput) -> Void = { _ in }) -> KeyPolicyInput {
    var input = KeyPolicyInput(partition: .aws, managementAccount: management, primaryRegion: tokyo)
    change(&input)
    return input
}

@Suite("KMS key policy")
struct KeyPolicyTests {
    @Test func baselineHasTheSixDocumentedStatementsAndKeyAdministration() throws {
        let policy = try KeyPolicy.generate(baseline())
        #expect(policy.document.statements.map(\.sid) == [
            "EnableIAMPoliciesInTheManagementAccount",
            "AllowIAMIdentityCenterAdminToUseTheKMSKeyViaIdentityCenter",
            "AllowIAMIdentityCenterAdminToUseTheKMSKeyViaIdentityStore",
            "AllowIAMIdentityCenterAdminToDescribeTheKMSKey",
            "AllowIAMIdentityCenterToUseTheKMSKey",
            "AllowIdentityStoreToUseTheKMSKey",
            "AllowIAMIdentityCenterAndIdentityStoreToDescribeKMSKey",
        ])
        #expect(policy.diagnostics.isEmpty)
        #expect(policy.characters == policy.text.unicodeScalars.count)
        expectGolden(policy.text, "key-policy-baseline.json")
    }

    @Test func bothReservedRolePathFormsForEveryAdministratorAccountAndPattern() throws {
        let policy = try KeyPolicy.generate(baseline {
            $0.delegatedAdministrators = [delegated]
            $0.adminPermissionSets = ["AdministratorAccess", "Admin*"]
        })
        let statement = try #require(policy.document.statement(sid: KeyPolicy.Sid.adminViaIdentityCenter))
        #expect(statement.principal == .aws(["arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:root"]))
        let arnLike = try #require(statement.conditions.first { $0.op == "ArnLike" })
        #expect(arnLike.entries[0].values == [
            "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/ap-northeast-1/AWSReservedSSO_AdministratorAccess_*",
            "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_*",
            "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/ap-northeast-1/AWSReservedSSO_Admin*",
            "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin*",
            "arn:aws:iam::444455556666:role/aws-reserved/sso.amazonaws.com/ap-northeast-1/AWSReservedSSO_AdministratorAccess_*",
            "arn:aws:iam::444455556666:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_*",
            "arn:aws:iam::444455556666:role/aws-reserved/sso.amazonaws.com/ap-northeast-1/AWSReservedSSO_Admin*",
            "arn:aws:iam::444455556666:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin*",
        ])
        // Service statements stay tied to the management account only.
        let service = try #require(policy.document.statement(sid: KeyPolicy.Sid.identityCenterService))
        #expect(service.conditions.last?.entries.first { $0.key == "aws:SourceAccount" }?.values == ["111122223333"])
        expectGolden(policy.text, "key-policy-delegated-admin.json")
    }

    @Test func pinnedVariantNamesTheExactInstanceAndIdentityStore() throws {
        let storeArn = IdentityStoreID(value: "d-9067a1b2c3").arn(partition: .aws, account: management)
        #expect(storeArn == "arn:aws:identitystore::111122223333:identitystore/d-9067a1b2c3")
        let policy = try KeyPolicy.generate(baseline { $0.pinning = .init(instanceArn: instanceArn, identityStoreArn: storeArn) })
        #expect(!policy.text.contains("\"kms:EncryptionContext:aws:sso:instance-arn\": \"*\""))
        #expect(!policy.text.contains("\"kms:EncryptionContext:aws:identitystore:identitystore-arn\": \"*\""))
        let service = try #require(policy.document.statement(sid: KeyPolicy.Sid.identityStoreService))
        #expect(service.conditions == [.init("StringEquals", [
            ("kms:EncryptionContext:aws:identitystore:identitystore-arn", [storeArn]), ("aws:SourceAccount", ["111122223333"]),
        ])])
        // DescribeKey cannot carry an encryption context.
        #expect(try #require(policy.document.statement(sid: KeyPolicy.Sid.adminDescribe)).conditions.map(\.op) == ["ArnLike"])
        expectGolden(policy.text, "key-policy-pinned.json")
    }

    @Test func optionalStatementsAreSwitchedOnByConfig() throws {
        let workflow = try PrincipalARN.parse("arn:aws:iam::111122223333:role/MyCustomWorkflowRole").get()
        let policy = try KeyPolicy.generate(baseline {
            $0.managedApplications = true
            $0.organizationId = try! OrganizationID.parse("o-a1b2c3d4e5").get()
            $0.controlTower = true
            $0.customWorkflowRoles = [workflow]
        })
        let sids = policy.document.statements.map(\.sid)
        #expect(sids.count == 15)
        #expect(sids.suffix(8) == [
            "AllowAppAdminsInTheSameOrganizationToUseTheKMSKeyViaIdentityCenter",
            "AllowAppAdminsInTheSameOrganizationToUseTheKMSKeyViaIdentityStore",
            "AllowManagedAppsToUseTheKMSKeyViaIdentityCenter",
            "AllowManagedAppsToUseTheKMSKeyViaIdentityStore",
            "AllowControlTowerAdminRoleToUseTheKMSKeyViaIdentityCenter",
            "AllowControlTowerAdminRoleToUseTheKMSKeyViaIdentityStore",
            "AllowCustomWorkflowToUseTheKMSKeyViaIdentityCenter",
            "AllowCustomWorkflowToUseTheKMSKeyViaIdentityStore",
        ])
        let controlTower = try #require(policy.document.statement(sid: "AllowControlTowerAdminRoleToUseTheKMSKeyViaIdentityCenter"))
        #expect(controlTower.principal == .aws(["arn:aws:iam::111122223333:role/AWSControlTowerExecution"]))
        expectGolden(policy.text, "key-policy-optional-statements.json")
    }

    @Test func managedApplicationsWithoutOrganizationIdUseThePolicyVariable() throws {
        let policy = try KeyPolicy.generate(baseline { $0.managedApplications = true })
        #expect(policy.text.contains("\"aws:PrincipalOrgID\": \"${aws:ResourceOrgID}\""))
        #expect(policy.text.contains("\"aws:SourceOrgID\": \"${aws:ResourceOrgID}\""))
    }

    @Test func explicitKeyAdministratorsGetTheAdministrationActionsAndAWarning() throws {
        let admin = try PrincipalARN.parse("arn:aws:iam::111122223333:role/KeyAdmin").get()
        let policy = try KeyPolicy.generate(baseline { $0.keyAdministrators = [admin] })
        let statement = try #require(policy.document.statement(sid: KeyPolicy.Sid.keyAdministrators))
        #expect(statement.principal == .aws(["arn:aws:iam::111122223333:role/KeyAdmin"]))
        #expect(statement.actions.contains("kms:PutKeyPolicy") == false)
        #expect(statement.actions.contains("kms:Put*"))
        #expect(statement.actions.contains("kms:ReplicateKey"))
        #expect(!statement.actions.contains("kms:Decrypt"))
        #expect(policy.document.statement(sid: KeyPolicy.Sid.rootAdministration) == nil)
        #expect(policy.diagnostics.map(\.code) == ["kms-policy.no-root-administrator"])
    }

    @Test func adminRolesJoinThePrincipalArnCondition() throws {
        let runner = try AdminRole.parse("arn:aws:iam::111122223333:role/idcsync-*").get()
        let policy = try KeyPolicy.generate(baseline { $0.adminRoles = [runner] })
        let arnLike = try #require(policy.document.statement(sid: KeyPolicy.Sid.adminDescribe)?.conditions.first)
        #expect(arnLike.entries[0].values.last == "arn:aws:iam::111122223333:role/idcsync-*")
    }

    @Test func partitionShapesEveryARN() throws {
        let govAccount = AccountID(value: "111122223333")
        let policy = try KeyPolicy.generate(KeyPolicyInput(partition: .awsUSGov, managementAccount: govAccount,
                                                           primaryRegion: Region(name: "us-gov-west-1", partition: .awsUSGov)))
        #expect(policy.text.contains("arn:aws-us-gov:iam::111122223333:root"))
        #expect(policy.text.contains("arn:aws-us-gov:iam::111122223333:role/aws-reserved/sso.amazonaws.com/us-gov-west-1/AWSReservedSSO_*"))
        #expect(!policy.text.contains("arn:aws:"))
        #expect(policy.diagnostics.isEmpty)
    }

    @Test func chinaAllowsBothViaServiceSuffixesAndSaysSo() throws {
        let policy = try KeyPolicy.generate(KeyPolicyInput(partition: .awsCN, managementAccount: management,
                                                           primaryRegion: Region(name: "cn-north-1", partition: .awsCN)))
        #expect(policy.text.contains("\"sso.*.amazonaws.com.cn\""))
        #expect(policy.text.contains("arn:aws-cn:iam::111122223333:root"))
        #expect(policy.diagnostics.map(\.code) == ["kms-policy.china-unverified"])
        expectGolden(policy.text, "key-policy-china.json")
    }

    @Test func outputIsDeterministic() throws {
        let input = baseline { $0.delegatedAdministrators = [delegated, AccountID(value: "222233334444")] }
        let first = try KeyPolicy.generate(input).text
        for _ in 0..<5 { #expect(try KeyPolicy.generate(input).text == first) }
        // Delegated administrators are ordered by account id whatever the config order.
        var reversed = input
        reversed.delegatedAdministrators.reverse()
        #expect(try KeyPolicy.generate(reversed).text == first)
    }

    @Test func tooLongPolicyIsRefusedWithTheCount() throws {
        let patterns = (1...250).map { "PermissionSetNumber\($0)" }
        #expect(throws: DiagnosticsError.self) { try KeyPolicy.generate(baseline { $0.adminPermissionSets = patterns }) }
        do {
            _ = try KeyPolicy.generate(baseline { $0.adminPermissionSets = patterns })
        } catch {
            let message = try #require(error.diagnostics.last?.message)
            #expect(message.contains("KMS accepts at most 131072"))
            #expect(error.diagnostics.last?.code == "policy.too-long")
        }
    }

    @Test func charactersKMSRejectsAreRefused() {
        let document = PolicyDocument(statements: [PolicyStatement(sid: "Bad", principal: .aws(["arn:aws:iam::111122223333:role/ロール"]), actions: ["kms:*"])])
        #expect {
            try KeyPolicy.finish(document, diagnostics: [], limit: KeyPolicy.maximumCharacters, what: "key policy")
        } throws: { error in
            (error as? DiagnosticsError)?.diagnostics.last?.message.contains("U+30ED") == true
        }
    }

    @Test func delegatedAdministratorPolicyCoversEveryReplica() throws {
        let key = try KeyARN.parse("arn:aws:kms:ap-northeast-1:111122223333:key/mrk-0f1e2d3c4b5a69788796a5b4c3d2e1f0").get()
        let policy = KeyPolicy.delegatedAdministratorPolicy(key: key)
        #expect(policy.statements[0].resources == ["arn:aws:kms:*:111122223333:key/mrk-0f1e2d3c4b5a69788796a5b4c3d2e1f0"])
        #expect(policy.statements[0].actions == ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey"])
        #expect(policy.statements[1].actions == ["kms:ListAliases"])
        #expect(policy.statements.allSatisfy { $0.principal == nil })
    }
}
