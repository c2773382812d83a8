import Foundation
import IDCSyncCore
import Testing

/// `export terraform` through the real binary against the AWS sandbox and the Okta fake, the files
/// read back with python-hcl2 (a real HCL2 parser, pinned in Tests/Sandbox/requirements.txt).
@Suite("export terraform (binary, against the AWS sandbox and the Okta fake)")
struct ExportTerraformCommandTests {
    static let groups = ["00gengineers", "00gfinance"]

    /// The documented import id form of each resource type, with the page that documents it.
    static let importForms: [String: (doc: String, form: String)] = [
        "aws_kms_key": ("https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/kms_key#import", "key id"),
        "aws_kms_replica_key": ("https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/kms_replica_key#import", "key id"),
        "aws_ssoadmin_region": ("https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ssoadmin_region#import", "instance_arn,region_name"),
        "okta_app_saml_app_settings": ("https://registry.terraform.io/providers/okta/okta/latest/docs/resources/app_saml_app_settings#import", "app id"),
        "okta_app_bookmark": ("https://registry.terraform.io/providers/okta/okta/latest/docs/resources/app_bookmark#import", "app id"),
        "okta_app_group_assignments": ("https://registry.terraform.io/providers/okta/okta/latest/docs/resources/app_group_assignments#import", "app id"),
    ]

    /// Tokyo with Osaka and Ireland added by `regions add`, tiles on (so both tiles exist).
    private func setUp() async throws -> SandboxWorld {
        let world = try await SandboxWorld.make(extraConfig: "  tiles: {enabled: true}")
        try await world.okta.seedGroups("0oaidc1", Self.groups)
        let tiles = try world.workspace.run(["okta", "tiles", "apply", "--yes"], environment: world.environment)
        #expect(tiles.status == 0, "\(tiles.stdout)\n\(tiles.stderr)")
        let add = try world.workspace.run(["regions", "add", "eu-west-1", "--yes"], environment: world.environment)
        #expect(add.status == 0, "\(add.stdout)\n\(add.stderr)")
        try await world.aws.clearRequests()
        try await world.okta.clearRequests()
        return world
    }

    private func expectOnlyReads(_ world: SandboxWorld) async throws {
        let aws = try await world.aws.requestLines()
        #expect(!aws.isEmpty)
        #expect(aws.allSatisfy { line in
            let operation = line.split(separator: ":").dropFirst().first.map(String.init) ?? ""
            return ["Describe", "List", "Get"].contains { operation.hasPrefix($0) }
        }, "AWS saw only reads: \(aws)")
        let okta = try await world.okta.requestLines()
        #expect(okta.allSatisfy { $0.hasPrefix("GET ") }, "Okta saw only reads: \(okta)")
    }

    /// Each .tf parsed with python-hcl2; strings unquoted, references without `${}`, the settings
    /// heredoc decoded as JSON. Prints one JSON document per file.
    private func parse(_ paths: [URL]) throws -> JSONValue {
        let script = #"""
        import hcl2, json, sys, textwrap
        def value(v):
            if isinstance(v, str):
                if v.startswith('"<<-'):
                    body = v[1:-1].split("\n", 1)[1].rsplit("\n", 1)[0]
                    text = textwrap.dedent(body).replace("$${", "${").replace("%%{", "%{")
                    return {"heredoc": json.loads(text)}
                if v.startswith('"') and v.endswith('"'):
                    return json.loads(v).replace("$${", "${").replace("%%{", "%{")
                if v.startswith("${") and v.endswith("}"):
                    return {"ref": v[2:-1]}
                return v
            if isinstance(v, list):
                return [value(x) for x in v]
            if isinstance(v, dict):
                return {k.strip('"'): value(x) for k, x in v.items() if k != "__is_block__"}
            return v
        out = {}
        for path in sys.argv[1:]:
            with open(path) as f:
                parsed = hcl2.load(f)
            parsed.pop("__comments__", None)
            out[path.rsplit("/", 1)[-1]] = value(parsed)
        print(json.dumps(out))
        """#
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [SandboxServer.python, "-c", script] + paths.map(\.path)
        process.environment = ["PATH": "/usr/bin:/bin"]
        let pipe = Pipe()
        let errors = Pipe()
        process.standardOutput = pipe
        process.standardError = errors
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw SandboxError("python-hcl2 did not parse the export with \(SandboxServer.python) (exit \(process.terminationStatus)): \(stderr); run the tests with IDCSYNC_SANDBOX_PYTHON=$(scripts/sandbox-python), whose venv has python-hcl2")
        }
        return try JSONParser.parse(Array(output))
    }

    /// `resource "TYPE" "NAME" {…}` blocks as `TYPE.NAME` → attributes.
    private func resources(_ file: JSONValue?) -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        for entry in file?["resource"]?.arrayValue ?? [] {
            for type in entry.objectValue?.members ?? [] {
                for name in type.value.objectValue?.members ?? [] { result["\(type.key).\(name.key)"] = name.value }
            }
        }
        return result
    }

    @Test func exportAfterAddingTwoRegionsWithTilesParsesAndImportsEverything() async throws {
        let world = try await setUp()
        let osakaTile = try #require(try await world.okta.apps().first { $0["label"] == "AWS access portal - Osaka (ap-northeast-3)" }?["id"]?.stringValue)
        let irelandTile = try #require(try await world.okta.apps().first { ($0["label"]?.stringValue ?? "").contains("eu-west-1") }?["id"]?.stringValue)
        let appBefore = try await world.okta.app("0oaidc1")
        try FileManager.default.createDirectory(at: world.workspace.url.appendingPathComponent("tf"), withIntermediateDirectories: true)

        let result = try world.workspace.run(["export", "terraform", "--out", "tf"], environment: world.environment)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("wrote tf/aws.tf"), "\(result.stderr)")
        #expect(result.stderr.contains("wrote tf/okta.tf") && result.stderr.contains("wrote tf/key-policy.json"))
        try await expectOnlyReads(world)

        // key-policy.json is exactly what `idcsync policy kms` prints.
        let policy = try world.workspace.run(["policy", "kms", "--quiet"], environment: world.environment)
        #expect(policy.status == 0)
        #expect(try world.workspace.read("tf/key-policy.json") == policy.stdout)

        let directory = world.workspace.url.appendingPathComponent("tf")
        let parsed = try parse([directory.appendingPathComponent("aws.tf"), directory.appendingPathComponent("okta.tf")])
        let aws = parsed["aws.tf"]
        let okta = parsed["okta.tf"]

        // Providers: the primary and one alias per additional Region.
        let providers = (aws?["provider"]?.arrayValue ?? []).compactMap { $0["aws"] }
        #expect(providers.map { $0["region"]?.stringValue ?? "" } == ["ap-northeast-1", "ap-northeast-3", "eu-west-1"])
        #expect(providers.map { $0["alias"]?.stringValue ?? "-" } == ["-", "ap_northeast_3", "eu_west_1"])
        #expect(aws?["terraform"]?.arrayValue?.first?["required_version"] == ">= 1.5.0")

        let awsResources = resources(aws)
        #expect(Set(awsResources.keys) == ["aws_kms_key.idcsync", "aws_kms_replica_key.ap_northeast_3", "aws_kms_replica_key.eu_west_1",
                                           "aws_ssoadmin_region.ap_northeast_3", "aws_ssoadmin_region.eu_west_1"])
        #expect(awsResources["aws_kms_key.idcsync"]?["multi_region"] == .bool(true))
        #expect(awsResources["aws_kms_key.idcsync"]?["customer_master_key_spec"] == "SYMMETRIC_DEFAULT")
        #expect(awsResources["aws_kms_replica_key.eu_west_1"]?["provider"] == .object(["ref": "aws.eu_west_1"]))
        #expect(awsResources["aws_kms_replica_key.eu_west_1"]?["policy"] == awsResources["aws_kms_key.idcsync"]?["policy"])
        #expect(awsResources["aws_ssoadmin_region.eu_west_1"]?["instance_arn"]?.stringValue == world.seeded.instanceArn)

        // Every object exists, so every resource has an import block of the documented form.
        var imports: [String: (id: String, provider: String?)] = [:]
        for file in [aws, okta] {
            for block in file?["import"]?.arrayValue ?? [] {
                imports[block["to"]?["ref"]?.stringValue ?? "?"] = (block["id"]?.stringValue ?? "", block["provider"]?["ref"]?.stringValue)
            }
        }
        let keyId = world.seeded.keyId
        let expected: [String: (String, String?)] = [
            "aws_kms_key.idcsync": (keyId, nil),
            "aws_kms_replica_key.ap_northeast_3": (keyId, "aws.ap_northeast_3"),
            "aws_kms_replica_key.eu_west_1": (keyId, "aws.eu_west_1"),
            "aws_ssoadmin_region.ap_northeast_3": ("\(world.seeded.instanceArn),ap-northeast-3", nil),
            "aws_ssoadmin_region.eu_west_1": ("\(world.seeded.instanceArn),eu-west-1", nil),
            "okta_app_saml_app_settings.idcsync": ("0oaidc1", nil),
            "okta_app_bookmark.portal_ap_northeast_3": (osakaTile, nil),
            "okta_app_group_assignments.portal_ap_northeast_3": (osakaTile, nil),
            "okta_app_bookmark.portal_eu_west_1": (irelandTile, nil),
            "okta_app_group_assignments.portal_eu_west_1": (irelandTile, nil),
        ]
        #expect(Set(imports.keys) == Set(expected.keys))
        for (address, want) in expected {
            #expect(imports[address]?.id == want.0, "\(address)")
            #expect(imports[address]?.provider == want.1, "\(address)")
            let type = String(address.split(separator: ".")[0])
            #expect(Self.importForms[type] != nil, "\(type) has a documented import form")
        }
        // The cited page is in the comment above each import block.
        let awsText = try world.workspace.read("tf/aws.tf") + world.workspace.read("tf/okta.tf")
        for (_, form) in Self.importForms { #expect(awsText.contains(form.doc), "\(form.doc)") }

        // The settings: what was read, unchanged (the slots are already as planned after `regions add`).
        let oktaResources = resources(okta)
        let settings = oktaResources["okta_app_saml_app_settings.idcsync"]?["settings"]?["heredoc"]
        #expect(settings == appBefore.value(at: ["settings", "app"]), "\(String(describing: settings))")
        #expect(oktaResources["okta_app_bookmark.portal_eu_west_1"]?["status"] == "ACTIVE")
        #expect(oktaResources["okta_app_bookmark.portal_ap_northeast_3"]?["url"]?.stringValue?.hasSuffix(".ap-northeast-3.portal.amazonaws.com") == true)
        let groups = oktaResources["okta_app_group_assignments.portal_eu_west_1"]?["group"]?.arrayValue?.compactMap { $0["id"]?.stringValue }
        #expect(groups == Self.groups)

        // Deterministic: a second run finds every file unchanged.
        let again = try world.workspace.run(["export", "terraform", "--out", "tf"], environment: world.environment)
        #expect(again.status == 0)
        #expect(again.stderr.contains("unchanged tf/aws.tf"), "\(again.stderr)")
        #expect(!again.stderr.contains("wrote "))
    }

    @Test func withoutOutTheFilesArePrintedAndJSONHasTheSameData() async throws {
        let world = try await setUp()
        let text = try world.workspace.run(["export", "terraform"], environment: world.environment)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.hasPrefix("# file: aws.tf\n"))
        #expect(text.stdout.contains("\n# file: okta.tf\n") && text.stdout.contains("\n# file: key-policy.json\n"))

        let json = try world.workspace.run(["export", "terraform", "--output", "json"], environment: world.environment)
        #expect(json.status == 0, "\(json.stderr)")
        let document = try JSONParser.parse(Array(json.stdout.utf8))
        let files = document["files"]?.arrayValue ?? []
        #expect(files.map { $0["name"]?.stringValue ?? "" } == ["aws.tf", "okta.tf", "key-policy.json"])
        let printed = files.map { "# file: \($0["name"]?.stringValue ?? "")\n" + ($0["contents"]?.stringValue ?? "") }.joined(separator: "\n")
        #expect(printed == text.stdout)
        let imports = document["imports"]?.arrayValue ?? []
        #expect(imports.count == 10)
        #expect(imports.contains { $0["to"] == "aws_kms_replica_key.eu_west_1" && $0["provider"] == "aws.eu_west_1" })
        for resource in document["resources"]?.arrayValue ?? [] {
            let type = resource["type"]?.stringValue ?? ""
            #expect(resource["docUrl"]?.stringValue == Self.importForms[type]?.doc, "\(type)")
        }
        try await expectOnlyReads(world)
    }

    @Test func refusalsWriteNothingAndExitAsDocumented() async throws {
        let world = try await SandboxWorld.make()
        let workspace = world.workspace

        // No such folder.
        var before = try workspace.snapshot()
        let missing = try workspace.run(["export", "terraform", "--out", "nowhere"], environment: world.environment)
        #expect(missing.status == 64, "\(missing.stderr)")
        #expect(missing.stderr.contains("--out nowhere does not exist; create the folder (mkdir -p nowhere)"), "\(missing.stderr)")
        #expect(missing.stdout.isEmpty)
        #expect(try workspace.snapshot() == before)

        // A file that differs, without --force: nothing written, not even the files that are new.
        try workspace.write("tf/aws.tf", "# mine\n")
        before = try workspace.snapshot()
        let differs = try workspace.run(["export", "terraform", "--out", "tf"], environment: world.environment)
        #expect(differs.status == 64, "\(differs.stderr)")
        #expect(differs.stderr.contains("tf/aws.tf exists and differs from the export; review them (git diff) and rerun with --force"), "\(differs.stderr)")
        #expect(try workspace.snapshot() == before)
        #expect(try workspace.read("tf/aws.tf") == "# mine\n")
        let forced = try workspace.run(["export", "terraform", "--out", "tf", "--force"], environment: world.environment)
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try workspace.read("tf/aws.tf").contains("resource \"aws_kms_key\" \"idcsync\""))

        // An unknown target.
        before = try workspace.snapshot()
        let target = try workspace.run(["export", "terraform", "--out", "tf", "--target", "nosuch"], environment: world.environment)
        #expect(target.status == 64, "\(target.stderr)")
        #expect(target.stderr.contains("nosuch"), "\(target.stderr)")
        #expect(try workspace.snapshot() == before)

        // A config error.
        try workspace.write("broken.yaml", "instance:\n  primaryRegion: nowhere-1\n")
        before = try workspace.snapshot()
        let broken = try workspace.run(["export", "terraform", "--out", "tf", "--config", "broken.yaml"], environment: world.environment)
        #expect(broken.status == 64, "\(broken.stderr)")
        #expect(broken.stderr.contains("broken.yaml") && broken.stderr.contains("instance.primaryRegion"), "\(broken.stderr)")
        #expect(try workspace.snapshot() == before)

        // --force without --out is a usage error.
        let usage = try workspace.run(["export", "terraform", "--force"], environment: world.environment)
        #expect(usage.status == 64)
        #expect(usage.stderr.contains("--force applies to --out"), "\(usage.stderr)")
        try await expectOnlyReads(world)
    }

    /// The examples in `--help` parse, as README's lines do (DocumentedCommandsTests).
    @Test func theHelpExamplesParse() throws {
        let workspace = try Workspace()
        for command in [["export"], ["export", "terraform"]] {
            let help = try workspace.run(command + ["--help"])
            #expect(help.status == 0)
            let examples = help.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.hasPrefix("idcsync ") }
            #expect(examples.count >= 2, "\(command) --help: \(help.stdout)")
            for line in examples {
                let words = line.split(separator: " ").map(String.init).dropFirst().prefix { $0 != "|" && $0 != ">" }
                #expect(parseFailure(Array(words)) == nil, "\(line): \(parseFailure(Array(words)) ?? "")")
            }
        }
    }

    /// The settings are what `okta apply` then writes: the slots as planned, every other key exactly
    /// as read (a number with a trailing zero, a null, text that looks like a template).
    @Test func theSettingsAreWhatOktaApplyWrites() async throws {
        let world = try await SandboxWorld.make(extraRegions: ["ap-northeast-3"], addOsaka: false)
        var app = try await world.okta.app("0oaidc1")
        var settings = try #require(app.value(at: ["settings", "app"])?.objectValue)
        settings["sessionDuration"] = .number("3600.0")
        settings["relayState"] = .null
        settings["roleValuePattern"] = "arn:aws:iam::${accountid}:role/${role} %{x}"
        app.set(.object(settings), at: ["settings", "app"])
        // The fake knows only the keys of its app definition: add these three to it.
        let known = try await world.okta.control("GET", "/_fake/definitions")["amazon_aws_sso"]?.arrayValue ?? []
        _ = try await world.okta.control("POST", "/_fake/definitions", .object([
            "amazon_aws_sso": .array(known + ["sessionDuration", "relayState", "roleValuePattern"]),
        ]))
        _ = try await world.okta.control("POST", "/_fake/apps", app)
        try await world.okta.clearRequests()

        let directory = world.workspace.url.appendingPathComponent("tf")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let export = try world.workspace.run(["export", "terraform", "--out", "tf"], environment: world.environment)
        #expect(export.status == 0, "\(export.stderr)")
        try await expectOnlyReads(world)
        let exported = try parse([directory.appendingPathComponent("okta.tf")])
        let heredoc = try #require(resources(exported["okta.tf"])["okta_app_saml_app_settings.idcsync"]?["settings"]?["heredoc"])
        #expect(heredoc != .object(settings), "the plan fills Osaka's slots")
        #expect(try await world.okta.app("0oaidc1").value(at: ["settings", "app"]) == .object(settings), "export wrote nothing")

        let apply = try world.workspace.run(["okta", "apply", "--yes"], environment: world.environment)
        #expect(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")
        let applied = try await world.okta.app("0oaidc1").value(at: ["settings", "app"])
        #expect(applied == heredoc, "exported: \(heredoc)\napplied: \(String(describing: applied))")
        #expect(try world.workspace.read("tf/okta.tf").contains("\"sessionDuration\": 3600.0,"))
    }

    /// The start URL tile (`portal: start-url`) is exported under its own address and imported, with the
    /// IdC app's groups; no Region's tile is.
    @Test func theStartURLTileIsExportedAndImported() async throws {
        let world = try await SandboxWorld.make()
        try await world.okta.seedGroups("0oaidc1", Self.groups)
        try world.workspace.write("start.yaml", """
            instance:
              primaryRegion: ap-northeast-1
              startUrl: https://aws.example.com
            kms:
              delegatedAdministrators: []
            okta:
              orgUrl: \(world.okta.url)
              appId: 0oaidc1
              tiles: {enabled: true, portal: start-url}
            """)
        let tiles = try world.workspace.run(["okta", "tiles", "apply", "--yes", "--config", "start.yaml"], environment: world.environment)
        #expect(tiles.status == 0, "\(tiles.stdout)\n\(tiles.stderr)")
        let tile = try #require(try await world.okta.apps().first { $0.value(at: ["settings", "app", "url"]) == "https://aws.example.com" }?["id"]?.stringValue)
        try await world.aws.clearRequests()
        try await world.okta.clearRequests()
        try FileManager.default.createDirectory(at: world.workspace.url.appendingPathComponent("tf"), withIntermediateDirectories: true)

        let result = try world.workspace.run(["export", "terraform", "--config", "start.yaml", "--out", "tf"], environment: world.environment)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(!result.stderr.contains("left out"), "\(result.stderr)")
        try await expectOnlyReads(world)

        let okta = try parse([world.workspace.url.appendingPathComponent("tf/okta.tf")])["okta.tf"]
        let resources = resources(okta)
        #expect(resources.keys.filter { $0.hasPrefix("okta_app_bookmark.") }.sorted() == ["okta_app_bookmark.start_url"])
        #expect(resources["okta_app_bookmark.start_url"]?["url"] == "https://aws.example.com")
        #expect(resources["okta_app_bookmark.start_url"]?["admin_note"]?.stringValue?.contains("start URL") == true)
        let groups = resources["okta_app_group_assignments.start_url"]?["group"]?.arrayValue?.compactMap { $0["id"]?.stringValue }
        #expect(groups == Self.groups)
        var imports: [String: String] = [:]
        for block in okta?["import"]?.arrayValue ?? [] { imports[block["to"]?["ref"]?.stringValue ?? "?"] = block["id"]?.stringValue }
        #expect(imports["okta_app_bookmark.start_url"] == tile)
        #expect(imports["okta_app_group_assignments.start_url"] == tile)
    }

    /// Without okta in the config there is no okta.tf; a Region the config leaves out of
    /// instance.regions is not exported, and the export says so.
    @Test func aRegionLeftOutOfTheConfigIsNamedAndOktaIsOptional() async throws {
        let world = try await SandboxWorld.make()
        try world.workspace.write("aws-only.yaml", """
            instance:
              primaryRegion: ap-northeast-1
              regions: [ap-northeast-1]
            kms:
              delegatedAdministrators: []
            """)
        let result = try world.workspace.run(["export", "terraform", "--config", "aws-only.yaml", "--output", "json"], environment: world.environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("ap-northeast-3 has an IAM Identity Center Region or a key replica but is not in instance.regions"), "\(result.stderr)")
        let document = try JSONParser.parse(Array(result.stdout.utf8))
        #expect(document["files"]?.arrayValue?.map { $0["name"]?.stringValue ?? "" } == ["aws.tf", "key-policy.json"])
        #expect(document["providers"]?["okta"] == nil)
        #expect(document["resources"]?.arrayValue?.map { $0["address"]?.stringValue ?? "" } == ["aws_kms_key.idcsync"])
        #expect(try await world.okta.requestLines().isEmpty)
        try await expectOnlyReads(world)
    }
}
