import Foundation
import Testing

/// Bad configuration through the real binary: exit 64, a message naming the file, line, field and what
/// is allowed, on stderr only, and nothing written.
@Suite("Configuration errors (binary)")
struct ConfigErrorTests {
    private func rejected(_ yaml: String, command: [String] = ["urls"], environment: [String: String] = [:],
                          sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", yaml)
        let result = try workspace.runFailing(command, environment: environment, sourceLocation: sourceLocation)
        #expect(result.status == 64, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, "text mode prints errors on stderr only", sourceLocation: sourceLocation)
        return result.stderr
    }

    @Test func tilesOnTheStartURLNeedInstanceStartURL() throws {
        let yaml = "instance:\n  primaryRegion: ap-northeast-1\n  regions: [ap-northeast-1]\nokta:\n  orgUrl: https://example.okta.com\n  tiles: {enabled: true, portal: start-url}\n"
        for command in [["urls"], ["okta", "tiles", "apply", "--yes"]] {
            let workspace = try Workspace()
            try workspace.write("idcsync.yaml", yaml)
            let before = try workspace.snapshot()
            let result = try workspace.runFailing(command)
            #expect(result.status == 64, "\(command): \(result.stderr)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains("error: okta.tiles.portal: tiles that open the company start URL need instance.startUrl (e.g. https://aws.example.com); set it, or choose portal: alternate-ipv4 or dualstack"), "\(result.stderr)")
            #expect(try workspace.snapshot() == before, "nothing written")
        }
    }

    @Test func unknownKeyWithDidYouMean() throws {
        let stderr = try rejected("instance:\n  primaryRegon: ap-northeast-1\n")
        #expect(stderr.contains("idcsync.yaml:2:3: error: instance.primaryRegon: unknown key \"primaryRegon\"; did you mean \"primaryRegion\"?"))
    }

    @Test func badRegionName() throws {
        let stderr = try rejected("instance:\n  primaryRegion: tokyo\n")
        #expect(stderr.contains("idcsync.yaml:2:18: error: instance.primaryRegion: \"tokyo\" is not a Region name"))
        #expect(stderr.contains("([a-z]+-){2,3}\\d"))
    }

    @Test func regionOfAnotherPartition() throws {
        let stderr = try rejected("instance:\n  arn: arn:aws:sso:::instance/ssoins-1234567890abcdef\n  primaryRegion: us-gov-west-1\n")
        #expect(stderr.contains("idcsync.yaml:3:18: error: instance.primaryRegion: Region us-gov-west-1 is in partition aws-us-gov, but the instance is in aws"))
    }

    @Test func badAccountId() throws {
        let stderr = try rejected("kms:\n  delegatedAdministrators: [\"4444\"]\n")
        #expect(stderr.contains("idcsync.yaml:2:29: error: kms.delegatedAdministrators[0]: \"4444\" is not an AWS account id; an account id is exactly 12 digits"))
    }

    @Test func badInstanceArn() throws {
        let stderr = try rejected("instance:\n  arn: arn:aws:sso:::instance/1234\n")
        #expect(stderr.contains("error: instance.arn: \"arn:aws:sso:::instance/1234\" is not an IAM Identity Center instance ARN"))
    }

    @Test func emptyTenantId() throws {
        let stderr = try rejected("instance:\n  tenantId: \"\"\n")
        #expect(stderr.contains("idcsync.yaml:2:13: error: instance.tenantId: has no value; give one or remove the key"))
    }

    @Test func plainHTTPOktaURL() throws {
        let stderr = try rejected("okta:\n  orgUrl: http://example.okta.com\n")
        #expect(stderr.contains("error: okta.orgUrl: \"http://example.okta.com\" uses http; Okta org URLs must use https (http is allowed only for loopback hosts"))
    }

    @Test func loopbackHTTPOktaURLIsAccepted() throws {
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", "instance:\n  primaryRegion: eu-west-1\n  regions: [eu-west-1]\nokta:\n  orgUrl: http://127.0.0.1:18080\n")
        let result = try workspace.run(["urls", "--offline"])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test func duplicateRegions() throws {
        let stderr = try rejected("instance:\n  primaryRegion: eu-west-1\n  regions: [eu-west-1, eu-west-1]\n")
        #expect(stderr.contains("error: instance.regions[1]: Region \"eu-west-1\" is listed twice (first at line 3)"))
    }

    @Test func secretInTheFileIsRefusedAndNeverPrinted() throws {
        let stderr = try rejected("okta:\n  token: 00SSWS-do-not-print-me-1234567890\n")
        #expect(stderr.contains("secrets never live in the config file"))
        #expect(!stderr.contains("do-not-print-me"))
    }

    @Test func invalidYAML() throws {
        let stderr = try rejected("instance:\n  regions: [eu-west-1\n")
        #expect(stderr.contains("idcsync.yaml:3:"))
        #expect(stderr.contains("error: not valid YAML"))
    }

    @Test func allErrorsAtOnce() throws {
        let stderr = try rejected("instance:\n  arn: x\n  accountId: 1\nokta:\n  orgUrl: ftp://x\n")
        #expect(stderr.split(separator: "\n").filter { $0.contains("error:") }.count == 3)
    }

    @Test func missingConfigFilePointsAtInit() throws {
        let workspace = try Workspace()
        let result = try workspace.runFailing(["urls"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("error: no config file at idcsync.yaml (the default); run `idcsync init`"))
        let explicit = try workspace.runFailing(["urls", "--config", "nope.yaml"])
        #expect(explicit.stderr.contains("no config file at nope.yaml (--config)"))
    }

    @Test func configPathFromTheEnvironment() throws {
        let workspace = try Workspace()
        try workspace.write("other.yaml", "instance:\n  primaryRegion: eu-west-1\n  regions: [eu-west-1]\n")
        let result = try workspace.run(["urls", "--offline"], environment: ["IDCSYNC_CONFIG": "other.yaml"])
        #expect(result.status == 0, "\(result.stderr)")
        let missing = try workspace.runFailing(["urls"], environment: ["IDCSYNC_CONFIG": "gone.yaml"])
        #expect(missing.stderr.contains("no config file at gone.yaml (IDCSYNC_CONFIG)"))
    }

    @Test func badOrgURLInTheEnvironment() throws {
        let stderr = try rejected("instance:\n  primaryRegion: eu-west-1\n", environment: ["OKTA_CLIENT_ORGURL": "http://example.okta.com"])
        #expect(stderr.contains("error: OKTA_CLIENT_ORGURL (environment): \"http://example.okta.com\" uses http"))
    }

    @Test func jsonOutputGetsAnErrorDocumentOnStdout() throws {
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", "instance:\n  primaryRegon: eu-west-1\n")
        let result = try workspace.runFailing(["urls", "--output", "json"])
        #expect(result.status == 64)
        let document = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let error = try #require(document?["error"] as? [String: Any])
        #expect(error["exitCode"] as? Int == 64)
        let diagnostics = try #require(error["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.first?["field"] as? String == "instance.primaryRegon")
        #expect(diagnostics.first?["line"] as? Int == 2)
        #expect(diagnostics.first?["code"] as? String == "config.unknown-key")
    }

    @Test func warningsGoToStderrAndQuietHidesThem() throws {
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", "instance:\n  primaryRegion: ap-notheast-1\n  regions: [ap-notheast-1]\n")
        let loud = try workspace.run(["urls", "--offline"])
        #expect(loud.status == 0, "\(loud.stderr)")
        #expect(loud.stderr.contains("warning: instance.primaryRegion: ap-notheast-1 is not a Region this release of idcsync knows; did you mean ap-northeast-1?"))
        let quiet = try workspace.run(["urls", "--offline", "--quiet"])
        #expect(quiet.stderr.isEmpty)
        #expect(quiet.stdout == loud.stdout)
    }
}
