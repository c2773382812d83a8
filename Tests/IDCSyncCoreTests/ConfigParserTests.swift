import IDCSyncCore
import IDCSyncTestSupport
import Testing

private func parse(_ yaml: String, environment: [String: String] = [:]) throws -> Config {
    try ConfigParser.parse(yaml: yaml, file: "idcsync.yaml", environment: environment)
}

/// The diagnostics of a config that must not parse.
private func errors(_ yaml: String, environment: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation) -> [Diagnostic] {
    do {
        _ = try ConfigParser.parse(yaml: yaml, file: "idcsync.yaml", environment: environment)
        Issue.record("expected the config to be rejected", sourceLocation: sourceLocation)
        return []
    } catch {
        return error.diagnostics.filter { $0.severity == .error }
    }
}

private func onlyError(_ yaml: String, sourceLocation: SourceLocation = #_sourceLocation) -> Diagnostic? {
    let found = errors(yaml, sourceLocation: sourceLocation)
    #expect(found.count == 1, "expected one error, got: \(found.map(\.description))", sourceLocation: sourceLocation)
    return found.first
}

@Suite("Config parsing")
struct ConfigParserTests {
    @Test func exampleConfigParsesWithoutDiagnostics() throws {
        let config = try parse(fixtureText("configs/full.yaml"))
        #expect(config.diagnostics.isEmpty, "\(config.diagnostics)")
        let target = config.defaultTarget
        #expect(target.instance.arn?.instanceId == "ssoins-7758a1b2c3d4e5f6")
        #expect(target.instance.primaryRegion?.name == "ap-northeast-1")
        #expect(target.instance.effectiveRegions.map(\.name) == ["ap-northeast-1", "ap-northeast-3", "us-west-2"])
        #expect(target.kms.keyArn?.isMultiRegion == true)
        #expect(target.kms.delegatedAdministrators == .accounts([AccountID(value: "444455556666")]))
        #expect(target.okta?.orgUrl == "https://example.okta.com")
        #expect(target.okta?.acsVariants == [.ipv4, .dualStack])
        #expect(target.okta?.auth == .privateKey(clientId: "0oa9x8y7z6", privateKeyFile: "okta.pem", keyId: "kid-1"))
        #expect(target.okta?.slotKeys == .auto)
        #expect(target.okta?.tiles == TilesConfig(enabled: true, portal: .dualStack))
        #expect(config.vpn?.authorizationRules.count == 2)
        #expect(config.vpn?.authorizationRules[1].group == nil)
        #expect(config.bookmarks.languages == [.en, .ja])
        #expect(config.targets.map(\.name) == ["staging"])
        // A target's missing sections are the top-level ones.
        #expect(config.targets[0].okta == target.okta)
        #expect(config.targets[0].managementAccount?.value == "555566667777")
        #expect(config.targets[0].instance.primaryRegion?.name == "us-east-1")
        #expect(config.target(named: "staging")?.aws.profile == "staging")
    }

    @Test func emptyFileIsAValidConfig() throws {
        let config = try parse("")
        #expect(config.defaultTarget == Target())
        #expect(try parse("# only comments\n").defaultTarget == Target())
    }

    @Test func starterConfigParsesCleanly() throws {
        let config = try parse(StarterConfig.render())
        #expect(config.diagnostics.isEmpty)
        let filled = try parse(StarterConfig.render(.init(
            instanceArn: "arn:aws:sso:::instance/ssoins-1234567890abcdef", primaryRegion: "eu-west-1",
            identityStoreId: "d-1234567890", keyArn: "arn:aws:kms:eu-west-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab",
            oktaOrgURL: "https://example.okta.com")))
        #expect(filled.defaultTarget.instance.primaryRegion?.name == "eu-west-1")
        #expect(filled.defaultTarget.okta?.orgUrl == "https://example.okta.com")
        #expect(filled.diagnostics.isEmpty)
    }

    // MARK: Unknown keys

    @Test func unknownKeySuggestsTheClosestKey() throws {
        let error = try #require(onlyError("instance:\n  primaryRegon: ap-northeast-1\n"))
        #expect(error.field == "instance.primaryRegon")
        #expect(error.location?.line == 2)
        #expect(error.location?.column == 3)
        #expect(error.message.contains("unknown key \"primaryRegon\"; did you mean \"primaryRegion\"?"))
        #expect(error.message.contains("Allowed in instance: arn, accountId, primaryRegion"))
        #expect(error.code == "config.unknown-key")
    }

    @Test func unknownTopLevelKeyAndCaseMistakes() throws {
        let top = try #require(onlyError("intsance:\n  arn: x\n"))
        #expect(top.message.contains("did you mean \"instance\"?"))
        let cased = try #require(onlyError("okta:\n  orgURL: https://example.okta.com\n"))
        #expect(cased.message.contains("did you mean \"orgUrl\"?"))
    }

    @Test func keyInTheWrongSectionNamesItsSection() throws {
        let error = try #require(onlyError("instance:\n  keyArn: arn:aws:kms:ap-northeast-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab\n"))
        #expect(error.message.contains("keyArn belongs under kms:"))
    }

    @Test func secretsInTheFileAreRejectedWithoutEchoingThem() throws {
        let error = try #require(onlyError("okta:\n  apiToken: 00abcdefSECRETVALUE\n"))
        #expect(error.code == "config.secret-in-file")
        #expect(error.message.contains("OKTA_API_TOKEN"))
        #expect(!error.description.contains("SECRETVALUE"))
        let auth = try #require(onlyError("okta:\n  auth:\n    mode: privateKey\n    clientId: abc\n    privateKey: MIIEvQIBADANSECRET\n"))
        #expect(auth.field == "okta.auth.privateKey")
        #expect(!auth.description.contains("MIIEvQIBADANSECRET"))
    }

    // MARK: Regions and partitions

    @Test(arguments: [
        ("ap-northeast1", "is not a Region name"),
        ("AP-NORTHEAST-1", "is not a Region name"),
        ("ap-northeast-12", "is not a Region name"),
        ("northeast-1", "is not a Region name"),
        ("us-iso-east-1", "partition aws-iso, where IAM Identity Center multi-Region replication is not available"),
        ("eusc-de-east-1", "partition aws-eusc"),
        ("xx-north-1", "belongs to no known AWS partition"),
    ])
    func badRegionNames(name: String, message: String) throws {
        let error = try #require(onlyError("instance:\n  primaryRegion: \(name)\n"))
        #expect(error.field == "instance.primaryRegion")
        #expect(error.location?.line == 2)
        #expect(error.message.contains(message), "\(error.message)")
    }

    @Test func regionOfAnotherPartitionThanTheInstance() throws {
        let error = try #require(onlyError("""
            instance:
              arn: arn:aws:sso:::instance/ssoins-1234567890abcdef
              primaryRegion: ap-northeast-1
              regions: [ap-northeast-1, cn-north-1]
            """))
        #expect(error.field == "instance.regions[1]")
        #expect(error.location?.line == 4)
        #expect(error.message.contains("Region cn-north-1 is in partition aws-cn, but the instance is in aws (from instance.arn)"))
    }

    @Test func keyOfAnotherPartition() throws {
        let error = try #require(onlyError("""
            instance:
              primaryRegion: us-gov-west-1
            kms:
              keyArn: arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab
            """))
        #expect(error.field == "kms.keyArn")
        #expect(error.message.contains("is in partition aws, but the instance is in aws-us-gov (from instance.primaryRegion)"))
    }

    @Test func duplicateRegionsNameBothPlaces() throws {
        let error = try #require(onlyError("instance:\n  primaryRegion: eu-west-1\n  regions:\n    - eu-west-1\n    - eu-central-1\n    - eu-west-1\n"))
        #expect(error.field == "instance.regions[2]")
        #expect(error.location?.line == 6)
        #expect(error.message.contains("Region \"eu-west-1\" is listed twice (first at line 4)"))
    }

    @Test func primaryRegionMustBeListed() throws {
        let error = try #require(onlyError("instance:\n  primaryRegion: eu-west-1\n  regions: [eu-central-1]\n"))
        #expect(error.field == "instance.regions")
        #expect(error.message.contains("does not include the primary Region eu-west-1"))
    }

    @Test func unknownButWellFormedRegionWarnsWithSuggestion() throws {
        let config = try parse("instance:\n  primaryRegion: ap-notheast-1\n")
        let warning = try #require(config.diagnostics.first)
        #expect(warning.severity == .warning)
        #expect(warning.message.contains("did you mean ap-northeast-1?"))
    }

    @Test func moreThanSixRegionsWarnsAboutTheQuota() throws {
        let config = try parse("instance:\n  primaryRegion: us-east-1\n  regions: [us-east-1, us-east-2, us-west-1, us-west-2, eu-west-1, eu-west-2, eu-west-3]\n")
        #expect(config.diagnostics.contains { $0.code == "config.region-quota" && $0.severity == .warning })
    }

    // MARK: Identifiers

    @Test(arguments: ["12345", "1111222233334", "11112222333a", "\"\""])
    func badAccountIds(value: String) throws {
        let found = errors("instance:\n  accountId: \(value)\n")
        let error = try #require(found.first)
        #expect(error.field == "instance.accountId")
        #expect(error.message.contains("exactly 12 digits") || error.message.contains("has no value"))
    }

    @Test func accountIdWithLeadingZeroKeepsItsDigits() throws {
        let config = try parse("instance:\n  accountId: \"011122223333\"\n")
        #expect(config.defaultTarget.instance.accountId?.value == "011122223333")
    }

    @Test(arguments: [
        "arn:aws:sso:::instance/ssoins-123",
        "arn:aws:sso::111122223333:instance/ssoins-1234567890abcdef",
        "arn:aws:sso:::instance/foo-1234567890abcdef",
        "arn:aws:iam:::instance/ssoins-1234567890abcdef",
        "ssoins-1234567890abcdef",
    ])
    func badInstanceArns(value: String) throws {
        let error = try #require(onlyError("instance:\n  arn: \(value)\n"))
        #expect(error.field == "instance.arn")
        #expect(error.message.contains("arn:aws:sso:::instance/ssoins-1234567890abcdef"), "\(error.message)")
    }

    @Test func instanceArnOfUnsupportedPartition() throws {
        let error = try #require(onlyError("instance:\n  arn: arn:aws-iso:sso:::instance/ssoins-1234567890abcdef\n"))
        #expect(error.message.contains("partition aws-iso"))
    }

    @Test func emptyTenantIdIsRejected() throws {
        for yaml in ["instance:\n  tenantId: \"\"\n", "instance:\n  tenantId:\n", "instance:\n  tenantId: '   '\n"] {
            let error = try #require(onlyError(yaml))
            #expect(error.field == "instance.tenantId")
            #expect(error.message.contains("has no value"))
        }
    }

    @Test func tenantIdGivenAsWholeURLPointsAtTheSegment() throws {
        let error = try #require(onlyError("instance:\n  tenantId: https://eu-west-1.signin.aws/platform/saml/acs/4455422d-abcd\n"))
        #expect(error.message.contains("give only the tenant id"))
        #expect(error.message.contains("\"4455422d-abcd\""))
    }

    @Test func aliasGivenAsURL() throws {
        let error = try #require(onlyError("instance:\n  customAlias: https://example.awsapps.com/start\n"))
        #expect(error.message.contains("\"example\""))
    }

    @Test func keyArnMustNameAKey() throws {
        let alias = try #require(onlyError("kms:\n  keyArn: arn:aws:kms:eu-west-1:111122223333:alias/idc\n"))
        #expect(alias.message.contains("an alias ARN is not accepted"))
        let badId = try #require(onlyError("kms:\n  keyArn: arn:aws:kms:eu-west-1:111122223333:key/mrk-xyz\n"))
        #expect(badId.message.contains("mrk- followed by 32 hex digits"))
    }

    @Test func keyAccountMustMatchTheInstanceAccount() throws {
        let error = try #require(onlyError("""
            instance:
              accountId: "999988887777"
            kms:
              keyArn: arn:aws:kms:eu-west-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab
            """))
        #expect(error.field == "kms.keyArn")
        #expect(error.location?.line == 4)
        #expect(error.message.contains("the key is in account 111122223333 but instance.accountId is 999988887777"))
    }

    @Test func singleRegionKeyAndKeyInAnotherRegionWarn() throws {
        let config = try parse("""
            instance:
              primaryRegion: eu-west-1
            kms:
              keyArn: arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
            """)
        let codes = Set(config.diagnostics.map(\.code))
        #expect(codes == ["config.key-region", "config.single-region-key"])
    }

    // MARK: Okta

    @Test(arguments: [
        ("http://example.okta.com", "uses http; Okta org URLs must use https"),
        ("example.okta.com", "expected the org's https base URL"),
        ("https://example.okta.com/admin", "give only the org's base URL"),
        ("https://example-admin.okta.com", "is the Admin Console host; give the org URL without -admin, e.g. https://example.okta.com"),
        ("https://user:pw@example.okta.com", "has a user name or password before \"@\" (not shown here)"),
        ("\"https://example.okta.com\\r\\nX-Evil: 1\"", "contains a line break (control characters are not allowed in a URL)"),
        ("\"https://example.okta.com:443\\u0007\"", "contains a control character (control characters are not allowed in a URL)"),
        ("https://example.okta.com:99999", "invalid port"),
    ])
    func badOktaURLs(url: String, message: String) throws {
        let error = try #require(onlyError("okta:\n  orgUrl: \(url)\n"))
        #expect(error.field == "okta.orgUrl")
        #expect(error.message.contains(message), "\(error.message)")
    }

    @Test func orgURLMessagesQuoteNeitherAPasswordNorAControlCharacter() throws {
        for url in ["https://admin:Sup3rS3cret-pw@example.okta.com", "\"https://example.okta.com\\nidcsync: in sync\""] {
            let error = try #require(onlyError("okta:\n  orgUrl: \(url)\n"))
            #expect(!error.message.contains("Sup3rS3cret"))
            #expect(!error.message.contains("\n"))
            #expect(!error.message.contains("in sync"))
        }
        let environment = try #require(errors("", environment: ["OKTA_CLIENT_ORGURL": "https://example.okta.com\r\n"]).first)
        #expect(environment.field == "OKTA_CLIENT_ORGURL (environment)")
        #expect(environment.message.hasPrefix("the Okta org URL contains a line break"))
    }

    @Test func aSecretPastedIntoAFilePathFieldIsRefusedWithoutQuotingIt() throws {
        let token = "00" + String(repeating: "aB3_", count: 10)
        let tokenError = try #require(onlyError("okta:\n  orgUrl: https://example.okta.com\n  auth: {mode: ssws, tokenFile: \(token)}\n"))
        #expect(tokenError.code == "config.secret-in-file")
        #expect(tokenError.field == "okta.auth.tokenFile")
        #expect(tokenError.message.hasPrefix("this looks like an API token itself, not the path of a file holding it"))
        #expect(!tokenError.message.contains(token))
        let pem = "      -----BEGIN PRIVATE KEY-----\n      MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n      -----END PRIVATE KEY-----"
        let keyError = try #require(onlyError("okta:\n  orgUrl: https://example.okta.com\n  auth:\n    mode: privateKey\n    clientId: 0oasvc\n    privateKeyFile: |\n\(pem)\n"))
        #expect(keyError.field == "okta.auth.privateKeyFile")
        #expect(keyError.message.hasPrefix("this looks like a private key itself"))
        #expect(!keyError.message.contains("MIGHAgEA"))
        // Ordinary paths are paths.
        let path = try parse("okta:\n  orgUrl: https://example.okta.com\n  auth: {mode: ssws, tokenFile: secrets/okta-token.txt}\n")
        #expect(path.defaultTarget.okta?.auth == .ssws(tokenFile: "secrets/okta-token.txt"))
    }

    @Test func secretShapes() {
        for secret in ["00" + String(repeating: "x9Y_", count: 10), "SSWS abc", "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                       "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl", "https://user:pw@example.com", "-----BEGIN RSA PRIVATE KEY-----",
                       "Zq8Rt2mX9vLp4Kw7Jn3Hc6Bd1Fs5Gy0T"] {
            #expect(SecretShape.looksLikeSecret(secret), "\(secret)")
        }
        for plain in ["secrets/okta-token", "~/.okta/token", "okta.pem", "https://example.okta.com", "4455422d-7e3f-4b1a-9c2d-5e6f7a8b9c0d",
                      "arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", "0oaidc1abcdefghijkl",
                      "AWSReservedSSO_AdministratorAccess_0123456789abcdef",
                      "https://ap-northeast-1.signin.aws.amazon.com/platform/saml/acs/4455422d-7e3f-4b1a-9c2d-5e6f7a8b9c0d"] {
            #expect(!SecretShape.looksLikeSecret(plain), "\(plain)")
        }
        #expect(SecretShape.mask("unknown key \"00\(String(repeating: "x9Y_", count: 10))\"; did you mean") == "unknown key \"<redacted>\"; did you mean")
        #expect(SecretShape.mask("found \"-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----\" here") == "found \"<redacted>\" here")
        #expect(SecretShape.mask("at https://u:p@h.example.com/x.") == "at https://<redacted>@h.example.com/x.")
    }

    @Test(arguments: ["http://127.0.0.1:8443", "http://localhost:9000/", "http://[::1]:8080", "https://example.okta.com/"])
    func loopbackHTTPAndTrailingSlashAreAccepted(url: String) throws {
        let config = try parse("okta:\n  orgUrl: \(url)\n")
        #expect(config.defaultTarget.okta?.orgUrl?.hasSuffix("/") == false)
    }

    @Test func environmentOverridesTheOrgURLAndIsValidatedToo() throws {
        let config = try parse("okta:\n  orgUrl: https://example.okta.com\n", environment: ["OKTA_CLIENT_ORGURL": "https://other.okta.com"])
        #expect(config.defaultTarget.okta?.orgUrl == "https://other.okta.com")
        // Targets inherit the top-level sections as overridden by the environment.
        let inherited = try parse("okta:\n  orgUrl: https://example.okta.com\ntargets:\n  - name: b\n",
                                  environment: ["OKTA_CLIENT_ORGURL": "https://other.okta.com"])
        #expect(inherited.targets[0].okta?.orgUrl == "https://other.okta.com")
        let error = try #require(errors("", environment: ["OKTA_CLIENT_ORGURL": "http://other.okta.com"]).first)
        #expect(error.field == "OKTA_CLIENT_ORGURL (environment)")
    }

    @Test func tilesSettings() throws {
        let config = try parse("okta:\n  orgUrl: https://example.okta.com\n  tiles: {enabled: true, portal: dualstack, label: \"{nameJa} ({region})\", note: \"Use when {name} is down\", primary: true, exactGroups: true}\n")
        #expect(config.defaultTarget.okta?.tiles == TilesConfig(enabled: true, portal: .dualStack, label: "{nameJa} ({region})",
                                                              note: "Use when {name} is down", primary: true, exactGroups: true))
        #expect(try parse("okta:\n  orgUrl: https://example.okta.com\n  tiles: {}\n").defaultTarget.okta?.tiles?.label == TilesConfig.defaultLabel)
        let noRegion = try #require(onlyError("okta:\n  orgUrl: https://example.okta.com\n  tiles: {label: AWS portal}\n"))
        #expect(noRegion.field == "okta.tiles.label")
        #expect(noRegion.message.contains("must contain {region}"))
        // One tile for the start URL names no Region, so its label needs no {region}.
        let startURL = try parse("instance:\n  startUrl: https://aws.example.com\nokta:\n  orgUrl: https://example.okta.com\n  tiles: {label: AWS portal, portal: start-url}\n")
        #expect(startURL.defaultTarget.okta?.tiles == TilesConfig(portal: .startURL, label: "AWS portal"))
        let unknown = try #require(onlyError("okta:\n  orgUrl: https://example.okta.com\n  tiles: {exactgroups: true}\n"))
        #expect(unknown.message.contains("exactGroups"))
    }

    @Test func acsVariantsRules() throws {
        let alternate = try #require(onlyError("okta:\n  acsVariants: [ipv4, alternate-ipv4]\n"))
        #expect(alternate.message.contains("enabled before February 2026"))
        let typo = try #require(onlyError("okta:\n  acsVariants: [ipv4, dualstak]\n"))
        #expect(typo.message.contains("did you mean \"dualstack\"?"))
        let empty = try #require(onlyError("okta:\n  acsVariants: []\n"))
        #expect(empty.message.contains("at least one"))
    }

    @Test func slotKeysNeedSeventeenDistinctNames() throws {
        let few = try #require(onlyError("okta:\n  slotKeys: [acsURL1, acsURL2]\n"))
        #expect(few.message.contains("exactly 17"))
        let keys = (1...17).map { "acsUrl\($0)" }
        let config = try parse("okta:\n  slotKeys: [\(keys.joined(separator: ", "))]\n")
        #expect(config.defaultTarget.okta?.slotKeys == .explicit(keys))
    }

    @Test func privateKeyAuthNeedsAClientId() throws {
        let error = try #require(onlyError("okta:\n  auth: {mode: privateKey}\n"))
        #expect(error.field == "okta.auth.clientId")
    }

    // MARK: Structure

    @Test func wrongTypesSayWhatWasExpected() throws {
        let list = try #require(onlyError("instance:\n  regions: ap-northeast-1\n"))
        #expect(list.message.contains("expected a list such as [ap-northeast-1, ap-northeast-3], found \"ap-northeast-1\""))
        let section = try #require(onlyError("kms: yes\n"))
        #expect(section.message.contains("expected a section"))
        let flag = try #require(onlyError("kms:\n  pinned: sometimes\n"))
        #expect(flag.message.contains("expected true or false"))
        // YAML 1.1 booleans are accepted plain; a quoted "true" is a string, as YAML means it.
        #expect(try parse("kms:\n  pinned: yes\n").defaultTarget.kms.pinned)
        #expect(try #require(onlyError("kms:\n  pinned: \"true\"\n")).message.contains("expected true or false, found \"true\""))
    }

    @Test func yamlSyntaxErrorsCarryTheLine() throws {
        let error = try #require(onlyError("instance:\n  arn: [unclosed\nkms:\n  pinned: true\n"))
        #expect(error.code == "config.yaml")
        #expect(error.message.hasPrefix("not valid YAML"))
        #expect(error.location?.line != nil)
    }

    @Test func duplicateKeysAreRejected() throws {
        let error = try #require(onlyError("instance:\n  primaryRegion: eu-west-1\n  primaryRegion: eu-west-2\n"))
        #expect(error.message.contains("\"primaryRegion\" appears twice"))
        #expect(error.location?.line == 2)
    }

    @Test func everyErrorIsReportedNotJustTheFirst() throws {
        let found = errors("""
            instance:
              arn: nope
              accountId: 42
              tenantId: ""
            okta:
              orgUrl: http://example.okta.com
            """)
        #expect(found.map(\.field) == ["instance.arn", "instance.accountId", "instance.tenantId", "okta.orgUrl"])
        #expect(found.map { $0.location?.line } == [2, 3, 4, 6])
    }

    @Test func targetsNeedUniqueNames() throws {
        let missing = try #require(onlyError("targets:\n  - instance: {primaryRegion: eu-west-1}\n"))
        #expect(missing.message.contains("every target needs a name"))
        let duplicate = try #require(onlyError("targets:\n  - name: a\n  - name: a\n"))
        #expect(duplicate.message.contains("used twice (first at line 2)"))
        let bad = try #require(onlyError("targets:\n  - name: my target\n"))
        #expect(bad.message.contains("is not a target name"))
    }

    @Test func errorsInsideATargetNameTheTarget() throws {
        let error = try #require(onlyError("targets:\n  - name: prod\n    instance:\n      primaryRegion: nowhere\n"))
        #expect(error.field == "targets[0].instance.primaryRegion")
    }

    @Test func urlTemplatesOnlyForUndocumentedHosts() throws {
        let documented = try #require(onlyError("""
            instance:
              primaryRegion: eu-west-1
              urlTemplates:
                acs-ipv4: https://{region}.example/acs/{tenantId}
            """))
        #expect(documented.field == "instance.urlTemplates.acs-ipv4")
        #expect(documented.message.contains("AWS documents this URL in partition aws"))
        let placeholder = try #require(onlyError("instance:\n  urlTemplates:\n    acs-ipv4: https://{regoin}.example/acs\n"))
        #expect(placeholder.message.contains("unknown placeholder {regoin}"))
        let variant = try #require(onlyError("instance:\n  urlTemplates:\n    acs-ipv6: https://x.example\n"))
        #expect(variant.message.contains("did you mean \"acs-ipv4\"?"))
        let china = try parse("instance:\n  primaryRegion: cn-north-1\n  urlTemplates:\n    acs-ipv4: https://{region}.signin.example.cn/platform/saml/acs/{tenantId}\n")
        #expect(china.defaultTarget.instance.urlTemplates[.acsIPv4] != nil)
    }

    @Test func adminRolesMustBeInAnAdministratorAccount() throws {
        let error = try #require(onlyError("""
            kms:
              keyArn: arn:aws:kms:eu-west-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab
              delegatedAdministrators: ["444455556666"]
              adminRoles: [arn:aws:iam::777788889999:role/ops]
            """))
        #expect(error.field == "kms.adminRoles[0]")
        #expect(error.message.contains("neither the management account"))
    }

    @Test func emptyKeyAdministratorListIsRejected() throws {
        let error = try #require(onlyError("kms:\n  keyAdministrators: []\n"))
        #expect(error.message.contains("without administrators"))
    }
}
