import Foundation
@testable import IDCSyncCore
import IDCSyncRendering
import IDCSyncTestSupport
import Testing

@Suite("export terraform: the HCL writer and the exported files")
struct TerraformExportTests {
    static func region(_ name: String) throws -> Region { try Region.parse(name).get() }

    static let instanceArn = "arn:aws:sso:::instance/ssoins-7758a1b2c3d4e5f6"
    static let keyId = "mrk-1234abcd12ab34cd56ef1234567890ab"

    /// settings.app as Okta returned it: a number with a trailing zero, a null, a nested object, text
    /// that looks like a template, non-ASCII; slot 2 filled by the plan.
    static let settingsApp: JSONObject = [
        "acsURL": "https://ap-northeast-1.signin.aws/platform/saml/acs/0a1b2c3d-1111-2222-3333-444455556666",
        "acsURL2": "https://ap-northeast-3.signin.aws/platform/saml/acs/0a1b2c3d-1111-2222-3333-444455556666",
        "acsURL3": .null,
        "sessionDuration": .number("3600.0"),
        "roleValuePattern": "arn:aws:iam::${accountid}:role/${role} %{if x}",
        "nested": .object(["list": .array([.number("1"), .bool(false), .null]), "名前": "大阪"]),
    ]

    static func world() throws -> TerraformExportInput {
        let policy = try KeyPolicy.generate(KeyPolicyInput(partition: .aws, managementAccount: AccountID.parse("111122223333").get(),
                                                           primaryRegion: region("ap-northeast-1")))
        return TerraformExportInput(
            instanceArn: instanceArn, primaryRegion: try region("ap-northeast-1"),
            key: .init(arn: "arn:aws:kms:ap-northeast-1:111122223333:key/\(keyId)", keyId: keyId, keySpec: "SYMMETRIC_DEFAULT", usage: "ENCRYPT_DECRYPT"),
            keyPolicy: policy.text,
            // Ireland is being added: its Region is there, its replica not yet.
            regions: [.init(region: try region("eu-west-1"), regionExists: true, replicaExists: false),
                      .init(region: try region("ap-northeast-3"), regionExists: true, replicaExists: true)],
            okta: .init(appId: "0oaidc1", settingsApp: settingsApp),
            tiles: [.init(region: try region("ap-northeast-3"), label: "AWS access portal - Osaka (ap-northeast-3)",
                          url: "https://ssoins-7758a1b2c3d4e5f6.ap-northeast-3.portal.amazonaws.com", enduserNote: "Use when \"Tokyo\" is down",
                          adminNote: "Managed by idcsync: instance ssoins-7758a1b2c3d4e5f6, Region ap-northeast-3.", appId: "0oatile3",
                          groups: ["00gengineers", "00gfinance"]),
                    .init(region: try region("eu-west-1"), label: "AWS access portal - Ireland (eu-west-1)",
                          url: "https://ssoins-7758a1b2c3d4e5f6.eu-west-1.portal.amazonaws.com", enduserNote: nil,
                          adminNote: "Managed by idcsync: instance ssoins-7758a1b2c3d4e5f6, Region eu-west-1.", appId: nil, groups: [])])
    }

    @Test func goldenFilesForTwoAdditionalRegionsAndTiles() throws {
        let export = TerraformExporter.export(try Self.world())
        #expect(export.files.map(\.name) == ["aws.tf", "okta.tf", "key-policy.json"])
        for file in export.files { expectGolden(file.contents, "export-terraform/\(file.name)") }
        expectGolden(JSONWriter.pretty(ExportRenderer.json(export, written: nil, diagnostics: [])) + "\n", "export-terraform/export.json")
    }

    /// `okta.tiles.portal: start-url`: one tile, under its own address, first in okta.tf.
    @Test func goldenFileWithTheStartURLTile() throws {
        var world = try Self.world()
        world.tiles = [.init(region: nil, label: "AWS access portal", url: "https://aws.example.com", enduserNote: nil,
                             adminNote: "Managed by idcsync: instance ssoins-7758a1b2c3d4e5f6, start URL.", appId: "0oatilestart",
                             groups: ["00gengineers", "00gfinance"])]
        let export = TerraformExporter.export(world)
        let okta = try #require(export.files.first { $0.name == "okta.tf" })
        expectGolden(okta.contents, "export-terraform/start-url/okta.tf")
        #expect(export.resources.filter { $0.type.hasPrefix("okta_app_") && $0.type != "okta_app_saml_app_settings" }.map(\.address)
            == ["okta_app_bookmark.start_url", "okta_app_group_assignments.start_url"])
        #expect(export.resources.allSatisfy { $0.type == "okta_app_saml_app_settings" || !$0.type.hasPrefix("okta_") || $0.importId == "0oatilestart" })
    }

    @Test func theSameWorldGivesTheSameBytes() throws {
        var shuffled = try Self.world()
        shuffled.regions.reverse()
        shuffled.tiles.reverse()
        #expect(TerraformExporter.export(shuffled) == TerraformExporter.export(try Self.world()))
    }

    /// The import ids have the form each provider's page documents.
    @Test func importIdsHaveTheDocumentedForms() throws {
        let forms: [String: (doc: String, matches: (String) -> Bool)] = [
            "aws_kms_key": (TerraformExporter.Doc.kmsKey, { $0 == Self.keyId }),
            "aws_kms_replica_key": (TerraformExporter.Doc.kmsReplicaKey, { $0 == Self.keyId }),
            "aws_ssoadmin_region": (TerraformExporter.Doc.ssoadminRegion, { id in
                let parts = id.split(separator: ",")
                return parts.count == 2 && parts[0] == Self.instanceArn[...] && (try? Region.parse(String(parts[1])).get()) != nil
            }),
            "okta_app_saml_app_settings": (TerraformExporter.Doc.appSettings, { $0.hasPrefix("0oa") }),
            "okta_app_bookmark": (TerraformExporter.Doc.bookmark, { $0.hasPrefix("0oa") }),
            "okta_app_group_assignments": (TerraformExporter.Doc.groupAssignments, { $0.hasPrefix("0oa") }),
        ]
        let export = TerraformExporter.export(try Self.world())
        #expect(Set(export.resources.map(\.type)) == Set(forms.keys))
        for resource in export.resources {
            let form = try #require(forms[resource.type])
            #expect(resource.docURL == form.doc)
            if let id = resource.importId { #expect(form.matches(id), "\(resource.address): \(id)") }
        }
        let imported = export.resources.filter { $0.importId != nil }.map(\.address)
        #expect(!imported.contains("aws_kms_replica_key.eu_west_1"), "no replica in Ireland yet: created, not imported")
        #expect(!imported.contains("okta_app_bookmark.portal_eu_west_1"))
        #expect(imported.contains("aws_ssoadmin_region.eu_west_1"))
        #expect(export.resources.first { $0.address == "aws_kms_replica_key.ap_northeast_3" }?.provider == "aws.ap_northeast_3")
    }

    @Test func anUnreadKeyAttributeIsMarkedOpenAndWarned() throws {
        var world = try Self.world()
        world.key.keySpec = nil
        let export = TerraformExporter.export(world)
        #expect(export.warnings.contains { $0.contains("customer_master_key_spec") })
        let aws = try #require(export.files.first { $0.name == "aws.tf" }?.contents)
        #expect(aws.contains("# OPEN: DescribeKey did not give customer_master_key_spec"))
        #expect(!aws.contains("customer_master_key_spec ="))
    }

    @Test func theSettingsHeredocIsTheJSONAsReadWithTemplatesEscaped() throws {
        let okta = try #require(TerraformExporter.export(try Self.world()).files.first { $0.name == "okta.tf" }?.contents)
        let start = try #require(okta.range(of: "settings = <<-EOT\n"))
        let end = try #require(okta.range(of: "\n  EOT\n", range: start.upperBound..<okta.endIndex))
        let body = okta[start.upperBound..<end.lowerBound].split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix("    ") ? String($0.dropFirst(4)) : String($0) }.joined(separator: "\n")
        #expect(body.contains("$${accountid}") && body.contains("%%{if x}"))
        let decoded = try JSONParser.parse(Array(body.replacingOccurrences(of: "$${", with: "${").replacingOccurrences(of: "%%{", with: "%{").utf8))
        #expect(decoded == .object(Self.settingsApp))
        #expect(body.contains("\"sessionDuration\": 3600.0"), "a number stays as written")
    }

    @Test func theWriterAlignsRunsOfAttributesAsTerraformFmtDoes() {
        let text = HCL.render([
            .block(.init("resource", ["t", "n"], [
                .attribute("a", "1"),
                .attribute("longer", "2"),
                .block(.init("group", [], [.attribute("id", HCL.string("x"))])),
                .attribute("bb", "3"),
                .heredoc("doc", tag: "EOT", body: "{\n  \"k\": 1\n}"),
            ])),
            .comment("two\nlines"),
            .block(.init("empty", [], [])),
        ])
        #expect(text == """
            resource "t" "n" {
              a      = 1
              longer = 2
              group {
                id = "x"
              }
              bb = 3
              doc = <<-EOT
                {
                  "k": 1
                }
              EOT
            }

            # two
            # lines
            empty {}

            """)
        #expect(HCL.string("a\"b\\c\n${x}%{y}") == #""a\"b\\c\n$${x}%%{y}""#)
    }
}
