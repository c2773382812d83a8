import Foundation
import IDCSyncTestSupport
import Testing

@Suite("urls (binary)")
struct URLsCommandTests {
    @Test func exampleInEveryFormat() throws {
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", try exampleConfig())
        for (format, golden) in [("text", "urls-example.txt"), ("markdown", "urls-example.md"), ("json", "urls-example.json")] {
            let result = try workspace.run(["urls", "--output", format])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.isEmpty)
            expectGolden(result.stdout, golden)
        }
    }

    @Test func jsonIsOneParsableDocument() throws {
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", try exampleConfig())
        let result = try workspace.run(["urls", "--output", "json", "--region", "ap-northeast-3"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let regions = try #require(document["regions"] as? [[String: Any]])
        #expect(regions.map { $0["region"] as? String } == ["ap-northeast-3"])
        let urls = try #require(regions[0]["urls"] as? [[String: Any]])
        #expect(urls.count == 7)
        #expect(urls.filter { $0["status"] as? String == "works" }.count == 4)
    }

    @Test func aRegionNotYetAddedIsShownWithANote() throws {
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", try exampleConfig())
        let result = try workspace.run(["urls", "--region", "eu-central-1"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("eu-central-1 (not yet added)"))
        #expect(result.stderr.contains("note: eu-central-1 is not one of the instance's Regions"))
    }

    @Test func regionErrors() throws {
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", try exampleConfig())
        let malformed = try workspace.runFailing(["urls", "--region", "osaka"])
        #expect(malformed.status == 64)
        #expect(malformed.stderr.contains("--region: \"osaka\" is not a Region name"))
        let otherPartition = try workspace.runFailing(["urls", "--region", "cn-north-1"])
        #expect(otherPartition.status == 64)
        #expect(otherPartition.stderr.contains("--region cn-north-1 is in partition aws-cn, but the instance is in aws"))
    }

    @Test func primaryRegionIsRequired() throws {
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", "okta:\n  orgUrl: https://example.okta.com\n")
        let result = try workspace.runFailing(["urls", "--offline"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("error: instance.primaryRegion: idcsync urls needs it for telling the primary Region from the additional ones"), "\(result.stderr)")
    }

    @Test func unknownTarget() throws {
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", try exampleConfig() + "\ntargets:\n  - name: staging\n    instance: {primaryRegion: us-east-1, regions: [us-east-1]}\n")
        let result = try workspace.runFailing(["urls", "--target", "stagign"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("no target named \"stagign\"; known targets: staging; did you mean staging?"))
        let good = try workspace.run(["urls", "--target", "staging", "--offline"])
        #expect(good.stdout.contains("us-east-1 (primary Region)"))
    }

    @Test func colourFollowsTheFlagAndNO_COLOR() throws {
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", try exampleConfig())
        let escape = "\u{1B}["
        #expect(!(try workspace.run(["urls"]).stdout.contains(escape)), "auto: a pipe is not a terminal")
        #expect(try workspace.run(["urls", "--color", "always"]).stdout.contains(escape))
        #expect(try workspace.run(["urls", "--color", "always"], environment: ["NO_COLOR": "1"]).stdout.contains(escape), "an explicit flag wins")
        #expect(!(try workspace.run(["urls", "--color", "never"]).stdout.contains(escape)))
        #expect(!(try workspace.run(["urls", "--output", "json", "--color", "always"]).stdout.contains(escape)))
    }

    /// `auto` colours only a terminal: run under a pseudo-terminal with util-linux `script`.
    @Test func autoColourOnATerminalUnlessTERMIsDumbOrNO_COLOR() throws {
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", try exampleConfig())
        func onTerminal(_ environment: [String: String]) throws -> String {
            let result = try workspace.run(["urls"], environment: environment, terminal: true)
            #expect(result.status == 0)
            return result.stdout
        }
        let escape = "\u{1B}["
        #expect(try onTerminal(["TERM": "xterm-256color"]).contains(escape))
        #expect(!(try onTerminal(["TERM": "dumb"]).contains(escape)))
        #expect(!(try onTerminal(["TERM": "xterm-256color", "NO_COLOR": "1"]).contains(escape)))
        #expect(try onTerminal(["TERM": "xterm-256color", "NO_COLOR": ""]).contains(escape), "an empty NO_COLOR does not count")
    }

    @Test func logsGoToStderrAsTextOrJSON() throws {
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", try exampleConfig())
        let text = try workspace.run(["urls", "--output", "json", "--log-level", "debug"])
        #expect(text.stderr.contains("debug: loaded config path=idcsync.yaml"))
        #expect((try? JSONSerialization.jsonObject(with: Data(text.stdout.utf8))) != nil, "logs never reach stdout")
        let json = try workspace.run(["urls", "--log-level", "debug", "--log-format", "json"])
        let line = try #require(json.stderr.split(separator: "\n").first)
        let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(record["level"] == "debug")
        #expect(record["message"] == "loaded config")
        #expect(try workspace.run(["urls"]).stderr.isEmpty, "no debug logs at the default level")
    }
}

@Suite("policy (binary)")
struct PolicyCommandTests {
    /// Every reference document in policies/ is exactly what the tool prints for its MANIFEST line.
    @Test func referencePoliciesAreUpToDate() throws {
        let manifest = try String(contentsOf: repositoryRoot.appendingPathComponent("policies/MANIFEST"), encoding: .utf8)
        let entries = manifest.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }.map { line in
            let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            return (file: words[0], arguments: Array(words.dropFirst()))
        }
        #expect(entries.count == 9)
        let workspace = try Workspace()
        for name in ["idcsync.yaml", "idcsync-delegated-admin.yaml"] {
            try FileManager.default.createDirectory(at: workspace.url.appendingPathComponent("examples"), withIntermediateDirectories: true)
            try workspace.write("examples/\(name)", try exampleConfig(name))
        }
        for entry in entries {
            let result = try workspace.run(entry.arguments + ["--color", "never", "--quiet"])
            #expect(result.status == 0, "\(entry.file): \(result.stderr)")
            let committed = try String(contentsOf: repositoryRoot.appendingPathComponent("policies/\(entry.file)"), encoding: .utf8)
            #expect(result.stdout == committed, "policies/\(entry.file) is stale; run scripts/generate-policies")
            #expect((try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) != nil)
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: repositoryRoot.appendingPathComponent("policies").path)
        #expect(Set(files.filter { $0.hasSuffix(".json") }) == Set(entries.map(\.file)), "every document is in MANIFEST and vice versa")
        let readme = try String(contentsOf: repositoryRoot.appendingPathComponent("policies/README.md"), encoding: .utf8)
        for entry in entries { #expect(readme.contains("`\(entry.file)`"), "policies/README.md explains \(entry.file)") }
    }

    @Test func delegatedAdministratorPolicyGoesToStderrInTextMode() throws {
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", try exampleConfig("idcsync-delegated-admin.yaml"))
        let result = try workspace.run(["policy", "kms"])
        #expect(result.status == 0)
        #expect((try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) != nil, "stdout is exactly one document")
        #expect(result.stderr.contains("Delegated administrator account 444455556666 also needs this IAM policy"))
        #expect(result.stderr.contains("\"Sid\": \"AllowCrossAccountKMSKeyUse\""))
    }

    @Test func jsonEnvelopeHoldsBothPolicies() throws {
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", try exampleConfig("idcsync-delegated-admin.yaml"))
        let result = try workspace.run(["policy", "kms", "--output", "json"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(document["maximumCharacters"] as? Int == 131_072)
        #expect((document["characters"] as? Int ?? 0) > 3000)
        #expect(document["delegatedAdministrators"] as? [String] == ["444455556666"])
        #expect(document["delegatedAdministratorPolicy"] is [String: Any])
        #expect((document["keyPolicy"] as? [String: Any])?["Version"] as? String == "2012-10-17")
        #expect(result.stderr.isEmpty)
    }

    @Test func policyErrors() throws {
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", "instance:\n  primaryRegion: eu-west-1\nkms:\n  delegatedAdministrators: []\n")
        let noAccount = try workspace.runFailing(["policy", "kms", "--offline"])
        #expect(noAccount.status == 64)
        #expect(noAccount.stderr.contains("error: instance.accountId: idcsync policy kms needs it for the management account, which the key policy names (or set kms.keyArn)"), "\(noAccount.stderr)")

        try workspace.write("idcsync.yaml", "kms:\n  keyArn: arn:aws:kms:eu-west-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab\n  delegatedAdministrators: []\ninstance:\n  primaryRegion: eu-west-1\n")
        let pinned = try workspace.runFailing(["policy", "kms", "--pinned"])
        #expect(pinned.status == 64)
        #expect(pinned.stderr.contains("error: instance.arn: idcsync policy kms needs it for the pinned encryption context"), "\(pinned.stderr)")
        #expect(pinned.stderr.contains("error: instance.identityStoreId: idcsync policy kms needs it for the pinned encryption context"))

        let noDelegated = try workspace.runFailing(["policy", "kms", "--document", "delegated-admin"])
        #expect(noDelegated.status == 64)
        #expect(noDelegated.stderr.contains("there is no delegated administrator policy to print: kms.delegatedAdministrators lists no account"))

        let documentWithJSON = try workspace.runFailing(["policy", "kms", "--document", "key", "--output", "json"])
        #expect(documentWithJSON.status == 64)
        #expect(documentWithJSON.stderr.contains("--document applies to --output text"))

        let markdown = try workspace.runFailing(["policy", "kms", "--output", "markdown"])
        #expect(markdown.status == 64)
        #expect(markdown.stderr.contains("policy kms prints text or json; --output markdown is not available here"))

        let badRole = try workspace.runFailing(["policy", "iam", "--for", "everything"])
        #expect(badRole.status == 64)
        #expect(badRole.stderr.contains("everything"))
    }

    @Test func tooLongKeyPolicyIsRefused() throws {
        let workspace = try Workspace()
        let patterns = (1...250).map { "PermissionSet\($0)" }.joined(separator: ", ")
        try workspace.write("idcsync.yaml", """
            instance: {primaryRegion: eu-west-1}
            kms:
              keyArn: arn:aws:kms:eu-west-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab
              delegatedAdministrators: []
              adminPermissionSets: [\(patterns)]
            """)
        let result = try workspace.runFailing(["policy", "kms"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("KMS accepts at most 131072"))
        #expect(result.stdout.isEmpty)
    }

    /// `auto` is what reconcile reads from Organizations: offline, `policy kms` cannot print the policy
    /// reconcile enforces, so it names the key instead of guessing none.
    @Test func autoDelegatedAdministratorsAreNeverGuessedOffline() throws {
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", "instance: {primaryRegion: eu-west-1}\nkms:\n  keyArn: arn:aws:kms:eu-west-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab\n")
        let result = try workspace.runFailing(["policy", "kms", "--offline"])
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "idcsync.yaml: error: kms.delegatedAdministrators: idcsync policy kms needs it for the delegated administrator accounts the key policy admits (auto; list them, or [] for none); the config leaves it to discovery, and --offline forbids reading it from AWS (Organizations ListDelegatedAdministrators). Set it in the config\n")
    }
}

@Suite("init, help and completion (binary)")
struct CLITests {
    @Test func initWritesAStarterThatParses() throws {
        let workspace = try Workspace()
        let result = try workspace.run(["init"], environment: ["OKTA_CLIENT_ORGURL": "https://example.okta.com"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("Wrote idcsync.yaml"))
        let written = try workspace.read("idcsync.yaml")
        #expect(written.contains("  orgUrl: https://example.okta.com"))
        #expect(written.contains("# primaryRegion: ap-northeast-1"))
        // It parses: the only complaints are the keys it leaves to discovery, not the file.
        let urls = try workspace.run(["urls", "--offline"])
        #expect(urls.status == 64)
        #expect(urls.stderr.contains("error: instance.primaryRegion: idcsync urls needs it"), "\(urls.stderr)")
        #expect(urls.stderr.contains("error: instance.regions: idcsync urls needs it"))
        #expect(!urls.stderr.contains("warning"))
    }

    @Test func initNeverReplacesAFileWithoutForce() throws {
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", "# mine\n")
        let refused = try workspace.runFailing(["init"])
        #expect(refused.status == 64)
        #expect(refused.stderr.contains("idcsync.yaml already exists; pass --force to replace it"))
        #expect(try workspace.read("idcsync.yaml") == "# mine\n")
        let forced = try workspace.run(["init", "--force", "--output", "json"])
        #expect(forced.status == 0)
        #expect(forced.stdout.contains("\"written\": true"))
        #expect(try workspace.read("idcsync.yaml").contains("instance:"))
    }

    @Test func everyCommandsHelpHasAnExample() throws {
        let workspace = try Workspace()
        for command in [[], ["init"], ["urls"], ["policy"], ["policy", "kms"], ["policy", "iam"]] {
            let result = try workspace.run(command + ["--help"])
            #expect(result.status == 0)
            #expect(result.stdout.contains("Examples:"), "\(command) --help")
            #expect(result.stdout.contains("idcsync "), "\(command) --help")
        }
        let root = try workspace.run(["--help"])
        #expect(root.stdout.contains("Exit codes: 0 done or in sync; 1 error; 2 changes or drift found; 64"))
        #expect(try workspace.run(["urls", "--help"]).stdout.contains("--color <when>"))
    }

    @Test func versionAndCompletionScripts() throws {
        let workspace = try Workspace()
        #expect(try workspace.run(["--version"]).stdout == "0.1.0 (development build: no commit recorded; scripts/build-release records it)\n")
        for shell in ["bash", "zsh", "fish"] {
            let result = try workspace.run(["--generate-completion-script", shell])
            #expect(result.status == 0)
            #expect(result.stdout.contains("idcsync"))
            #expect(result.stdout.contains("policy"))
        }
    }

    @Test func unknownCommandsAndOptionsAreUsageErrors() throws {
        let workspace = try Workspace()
        let command = try workspace.runFailing(["regions-list"])
        #expect(command.status == 64)
        let option = try workspace.runFailing(["urls", "--colour", "never"])
        #expect(option.status == 64)
        #expect(option.stderr.contains("--colour"))
    }
}
