import Foundation
import Testing

@Suite("bookmarks (binary)")
struct BookmarksCommandTests {
    private static let allFiles = [
        "idcsync-bookmarks.aws-config.ini", "idcsync-bookmarks.en.html", "idcsync-bookmarks.en.json", "idcsync-bookmarks.en.md",
        "idcsync-bookmarks.en.netscape.html", "idcsync-bookmarks.ja.html", "idcsync-bookmarks.ja.json", "idcsync-bookmarks.ja.md",
        "idcsync-bookmarks.ja.netscape.html",
    ]

    @Test func writesEveryGuideIntoOut() throws {
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", try exampleConfig())
        let result = try workspace.run(["bookmarks", "--format", "markdown,html,netscape", "--format", "aws-config,json", "--lang", "en,ja", "--out", "docs/portal"])
        #expect(result.status == 0, "\(result.stderr)")
        let folder = workspace.url.appendingPathComponent("docs/portal")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == Self.allFiles)
        #expect(result.stdout.split(separator: "\n").map(String.init).sorted() == Self.allFiles.map { "docs/portal/\($0)" })
        #expect(result.stderr.contains("Wrote 9 guide files for 2 Regions to docs/portal."))
        for name in Self.allFiles {
            let attributes = try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(name).path)
            #expect((attributes[.posixPermissions] as? Int) == 0o644, "\(name)")
            #expect(try workspace.read("docs/portal/\(name)").contains("ssoins-7758a1b2c3d4e5f6"))
        }
        #expect(try workspace.read("docs/portal/idcsync-bookmarks.ja.md").contains("大阪リージョン (ap-northeast-3)"))
        // Same Regions, same bytes.
        let first = try workspace.read("docs/portal/idcsync-bookmarks.en.html")
        #expect(try workspace.run(["bookmarks", "--format", "html", "--lang", "en", "--out", "docs/portal"]).status == 0)
        #expect(try workspace.read("docs/portal/idcsync-bookmarks.en.html") == first)
    }

    @Test func defaultsComeFromTheConfigAndOutIsRelativeToIt() throws {
        let workspace = try Workspace()
        try workspace.write("conf/idcsync.yaml", try exampleConfig() + "\nbookmarks: {out: portal, formats: [markdown, aws-config], languages: [ja]}\n")
        let result = try workspace.run(["bookmarks", "--config", "conf/idcsync.yaml", "--output", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let files = try #require(document["files"] as? [[String: Any]])
        #expect(files.compactMap { $0["path"] as? String } == ["conf/portal/idcsync-bookmarks.ja.md", "conf/portal/idcsync-bookmarks.aws-config.ini"])
        #expect(files.map { $0["language"] as? String } == ["ja", nil])
        #expect(try workspace.read("conf/portal/idcsync-bookmarks.ja.md").hasPrefix("<!-- idcsync-bookmarks: schema=1 instance=ssoins-7758a1b2c3d4e5f6 regions=ap-northeast-1,ap-northeast-3 -->"))
    }

    @Test func oneGuideOnStdoutWithoutAnOutFolder() throws {
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", try exampleConfig())
        let before = try workspace.snapshot()
        let result = try workspace.run(["bookmarks", "--format", "netscape", "--lang", "ja"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("<!DOCTYPE NETSCAPE-Bookmark-file-1>\n"))
        #expect(result.stdout.contains("<DT><A HREF=\"https://ssoins-7758a1b2c3d4e5f6.ap-northeast-3.portal.amazonaws.com\">AWS 大阪リージョン (ap-northeast-3) – 代替 IPv4 – 障害時用</A>"))
        #expect(try workspace.snapshot() == before)
        // aws-config is one file for every language, so two languages still make one guide.
        let config = try workspace.run(["bookmarks", "--format", "aws-config", "--lang", "en,ja"])
        #expect(config.status == 0, "\(config.stderr)")
        #expect(config.stdout.contains("[sso-session idcsync-ap-northeast-3]\nsso_start_url = https://ssoins-7758a1b2c3d4e5f6.ap-northeast-3.portal.amazonaws.com\nsso_region = ap-northeast-3\n"))
    }

    /// With `instance.startUrl`, its session comes first; the Regional sessions stay as they were.
    @Test(arguments: [nil, "https://aws.example.com"])
    func theAWSCLIReadsTheProfiles(startURL: String?) throws {
        // The sandbox venv's Python (IDCSYNC_SANDBOX_PYTHON, else python3), as the other sandbox tests use.
        let python = SandboxServer.python
        let workspace = try Workspace()
        var config = try exampleConfig()
        if let startURL {
            config = config.replacing("  enabledBeforeFebruary2026: true\n", with: "  enabledBeforeFebruary2026: true\n  startUrl: \(startURL)\n")
            #expect(config.contains("startUrl"))
        }
        try workspace.write("idcsync.yaml", config)
        let result = try workspace.run(["bookmarks", "--format", "aws-config"])
        #expect(result.status == 0, "\(result.stderr)")
        try workspace.write("aws-config", result.stdout.replacing("# sso_account_id = ", with: "sso_account_id = ").replacing("# sso_role_name = ", with: "sso_role_name = "))
        // botocore's own loader and SSO token provider, as `aws sso login --profile` uses them.
        let script = """
        import botocore.session, botocore.tokens, sys
        out = []
        for name in sys.argv[1:]:
            session = botocore.session.Session(profile=name)
            config = botocore.tokens.SSOTokenProvider(session)._load_sso_config()
            profile = session.get_scoped_config()
            out.append("%s %s %s %s" % (config["session_name"], config["sso_start_url"], config["sso_region"], profile["sso_account_id"]))
        print("\\n".join(out))
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let profiles = (startURL == nil ? [] : ["idcsync"]) + ["idcsync-ap-northeast-1", "idcsync-ap-northeast-3"]
        process.arguments = [python, "-c", script] + profiles
        process.environment = ["PATH": "/usr/bin:/bin", "AWS_CONFIG_FILE": workspace.url.appendingPathComponent("aws-config").path, "HOME": workspace.url.path].merging(Workspace.coverage) { $1 }
        let pipe = Pipe()
        let errors = Pipe()
        process.standardOutput = pipe
        process.standardError = errors
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        // Never skipped: a missing Python or botocore is a failure that says how to get them.
        guard process.terminationStatus == 0 else {
            throw SandboxError("""
                botocore did not read the generated profiles with \(python) (exit \(process.terminationStatus)): \
                \(stderr.trimmingCharacters(in: .whitespacesAndNewlines)); run the tests with scripts/test, which \
                prepares its Python with botocore (IDCSYNC_SANDBOX_PYTHON=.build/sandbox-venv/bin/python after scripts/sandbox-python)
                """)
        }
        let start = startURL.map { "idcsync \($0) ap-northeast-1 111122223333\n" } ?? ""
        #expect(output == start + """
            idcsync-ap-northeast-1 https://d-9067a1b2c3.awsapps.com/start ap-northeast-1 111122223333
            idcsync-ap-northeast-3 https://ssoins-7758a1b2c3d4e5f6.ap-northeast-3.portal.amazonaws.com ap-northeast-3 111122223333

            """)
    }

    @Test func severalGuidesNeedAnOutFolder() throws {
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", try exampleConfig())
        let several = try workspace.runFailing(["bookmarks", "--format", "markdown,html"])
        #expect(several.status == 64)
        #expect(several.stderr.contains("error: 2 guides were asked for (formats markdown, html; languages en) but there is no folder to write them to; pass --out DIR (or set bookmarks.out)"))
        #expect(several.stdout.isEmpty)
        // The config's default formats are four guides.
        let defaults = try workspace.runFailing(["bookmarks"])
        #expect(defaults.status == 64)
        #expect(defaults.stderr.contains("4 guides were asked for"))
        let languages = try workspace.runFailing(["bookmarks", "--format", "json", "--lang", "en,ja"])
        #expect(languages.status == 64)
        let json = try workspace.runFailing(["bookmarks", "--format", "json", "--output", "json"])
        #expect(json.status == 64)
        #expect(json.stderr.contains("Use --format json for the guide as JSON"))
    }

    @Test func unknownValuesAreUsageErrors() throws {
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", try exampleConfig())
        let format = try workspace.runFailing(["bookmarks", "--format", "markdown,pdf", "--out", "x"])
        #expect(format.status == 64)
        #expect(format.stderr.contains("--format: unknown value \"pdf\"; choose from markdown, html, netscape, aws-config, json"))
        let language = try workspace.runFailing(["bookmarks", "--lang", "de", "--out", "x"])
        #expect(language.status == 64)
        #expect(language.stderr.contains("--lang: unknown value \"de\"; choose from en, ja"))
        let empty = try workspace.runFailing(["bookmarks", "--out", ""])
        #expect(empty.status == 64)
        let markdownOutput = try workspace.runFailing(["bookmarks", "--output", "markdown", "--out", "x"])
        #expect(markdownOutput.status == 64)
    }

    @Test func theInstanceArnIsNeeded() throws {
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", "instance:\n  primaryRegion: ap-northeast-1\n  regions: [ap-northeast-1]\n")
        let result = try workspace.runFailing(["bookmarks", "--format", "markdown", "--out", "portal"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("note: no AWS credentials were found, so nothing was read from AWS"), "\(result.stderr)")
        #expect(result.stderr.contains("error: instance.arn: idcsync bookmarks needs it for the instance id in the additional Regions' portal hosts; the config leaves it to discovery, and no AWS credentials were found to read it from AWS (sso-admin ListInstances). Set it in the config"))
    }

    @Test func helpNamesTheFiles() throws {
        let workspace = try Workspace()
        let result = try workspace.run(["bookmarks", "--help"])
        #expect(result.status == 0)
        for name in ["idcsync-bookmarks.LANG.md", "idcsync-bookmarks.LANG.netscape.html", "idcsync-bookmarks.aws-config.ini", "--out <dir>"] {
            #expect(result.stdout.contains(name), "\(name)")
        }
    }

    /// Against the AWS sandbox: the Regions come from AWS, and `regions add` regenerates the guides.
    @Test func regionsFromAWSAndRegeneratedByRegionsAdd() async throws {
        let aws = try await AWSSandbox()
        let workspace = try Workspace()
        let account = "123456789012"
        try workspace.write("policy.yaml", "instance: {primaryRegion: ap-northeast-1}\nkms:\n  keyArn: arn:aws:kms:ap-northeast-1:\(account):key/mrk-00000000000000000000000000000000\n  delegatedAdministrators: []\n")
        let policy = try workspace.run(["policy", "kms", "--config", "policy.yaml", "--quiet"]).stdout
        let seeded = try aws.seed(regions: [], keyPolicy: policy, awsOwnedKey: false, in: workspace)
        try workspace.write("idcsync.yaml", """
            instance:
              primaryRegion: ap-northeast-1
            kms:
              delegatedAdministrators: []
            bookmarks: {out: portal, formats: [markdown, json], languages: [en]}
            """)
        let instanceId = String(seeded.instanceArn.split(separator: "/").last ?? "")

        let first = try workspace.run(["bookmarks"], environment: aws.environment)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try workspace.read("portal/idcsync-bookmarks.en.json").contains("\"regions\": [\n      \"ap-northeast-1\"\n    ]"))
        #expect(try workspace.read("portal/idcsync-bookmarks.en.md").contains("instance=\(instanceId) regions=ap-northeast-1 "))

        let add = try workspace.run(["regions", "add", "ap-northeast-3", "--yes"], environment: aws.environment)
        #expect(add.status == 0, "\(add.stdout)\n\(add.stderr)")
        #expect(add.stdout.contains("write the bookmark guides to portal"))
        #expect(add.stderr.contains("2 guide files written to portal"))
        #expect(try workspace.read("portal/idcsync-bookmarks.en.md").contains("instance=\(instanceId) regions=ap-northeast-1,ap-northeast-3 "))
        #expect(try workspace.read("portal/idcsync-bookmarks.en.md").contains("https://\(instanceId).ap-northeast-3.portal.amazonaws.com"))

        // Everything in place, guides included: nothing to do.
        let again = try workspace.run(["regions", "add", "ap-northeast-3", "--yes"], environment: aws.environment)
        #expect(again.status == 0)
        #expect(again.stdout.contains("bookmark guides in portal: done (generated from these Regions)") || again.stdout.contains("Nothing to do"), "\(again.stdout)")
    }
}
