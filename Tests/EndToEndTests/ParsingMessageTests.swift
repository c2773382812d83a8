import Foundation
import Testing

/// Config files that are odd rather than wrong, through the real binary: a byte order mark, YAML
/// nested past libyaml's limit, thousands of unknown keys. Exit 64 with a message a person can act
/// on (or, for a leading byte order mark, a normal run), and nothing written.
@Suite("Config parsing messages (binary)")
struct ParsingMessageTests {
    private func rejected(_ yaml: String, arguments: [String] = ["urls"], sourceLocation: SourceLocation = #_sourceLocation) throws -> RunResult {
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", yaml)
        let result = try workspace.runFailing(arguments, sourceLocation: sourceLocation)
        #expect(result.status == 64, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        return result
    }

    @Test func aByteOrderMarkAtTheStartIsAccepted() throws {
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", "\u{FEFF}instance:\n  primaryRegion: ap-northeast-1\n  regions: [ap-northeast-1]\n  tenantId: d-9067a1b2c3\n")
        let before = try workspace.snapshot()
        let result = try workspace.run(["urls", "--offline"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        #expect(result.stdout.contains("primary Region ap-northeast-1"))
        #expect(try workspace.snapshot() == before)
    }

    @Test func aByteOrderMarkInsideTheFileIsNamedWithItsLine() throws {
        let result = try rejected("instance:\n  primaryRegion: ap-northeast-1\n\u{FEFF}okta:\n  orgUrl: https://example.okta.com\n")
        #expect(result.stderr == "idcsync.yaml:3:1: error: a UTF-8 byte order mark (U+FEFF, bytes EF BB BF) inside the file, invisible in most editors (two files joined?); delete it (only the very start of the file may have one)\n")
        #expect(result.stdout.isEmpty)
    }

    @Test func yamlNestedPastTheLimitSaysTheDepth() throws {
        let result = try rejected("instance: " + String(repeating: "[", count: 1500) + String(repeating: "]", count: 1500) + "\n")
        #expect(result.stderr.contains("idcsync.yaml:1:"), "\(result.stderr)")
        #expect(result.stderr.contains("error: not valid YAML: maps and lists nested more than 1000 levels deep; an idcsync config needs at most 5"), "\(result.stderr)")
        #expect(!result.stderr.contains("yaml_set_max_nest_level"))
    }

    @Test func thousandsOfUnknownKeysPrintFiftyAndACount() throws {
        let keys = (0..<5000).map { "unknown\($0): 1" }.joined(separator: "\n")
        let yaml = "instance:\n  primaryRegion: ap-northeast-1\n" + keys + "\n"
        let result = try rejected(yaml)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 51, "\(lines.count) lines")
        #expect(lines.first == "idcsync.yaml:3:1: error: unknown0: unknown key \"unknown0\" Allowed at the top level: instance, kms, okta, aws, vpn, bookmarks, targets")
        #expect(lines.last == "note: and 4950 more not shown (4950 errors); fix the ones above and run again to see the rest")

        let json = try rejected(yaml, arguments: ["urls", "--output", "json"])
        let document = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let error = try #require(document?["error"] as? [String: Any])
        #expect(error["exitCode"] as? Int == 64)
        let diagnostics = try #require(error["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.count == 51)
        #expect(diagnostics.last?["code"] as? String == "diagnostics.more")
        #expect(diagnostics.last?["message"] as? String == "and 4950 more not shown (4950 errors); fix the ones above and run again to see the rest")
    }
}
