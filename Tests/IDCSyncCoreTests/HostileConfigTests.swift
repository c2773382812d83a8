@testable import IDCSyncCore
import IDCSyncRendering
import Testing

@Suite("Config: byte order marks, nesting, too many diagnostics")
struct HostileConfigTests {
    @Test func aLeadingByteOrderMarkIsIgnored() throws {
        let config = try ConfigParser.parse(yaml: "\u{FEFF}instance:\n  primaryRegion: eu-west-1\n", file: "idcsync.yaml")
        #expect(config.diagnostics.isEmpty)
    }

    @Test(arguments: [("\u{FEFF}\u{FEFF}instance: {}\n", 1, 1), ("instance:\n  tenantId: \u{FEFF}abc\n", 2, 13), ("a: 1\r\n\u{FEFF}b: 2\n", 2, 1)])
    func aByteOrderMarkAnywhereElseIsAnErrorWithItsPlace(yaml: String, line: Int, column: Int) {
        #expect {
            _ = try ConfigParser.parse(yaml: yaml, file: "idcsync.yaml")
        } throws: { error in
            guard let diagnostic = (error as? DiagnosticsError)?.diagnostics.first else { return false }
            return diagnostic.code == "config.bom" && diagnostic.location?.line == line && diagnostic.location?.column == column
                && diagnostic.message.contains("delete it")
        }
    }

    @Test func nestingPastLibyamlsLimitSaysTheDepth() {
        #expect {
            _ = try ConfigParser.parse(yaml: "a: " + String(repeating: "[", count: 1500) + String(repeating: "]", count: 1500), file: "idcsync.yaml")
        } throws: { error in
            guard let diagnostic = (error as? DiagnosticsError)?.diagnostics.first else { return false }
            return diagnostic.message == "not valid YAML: maps and lists nested more than 1000 levels deep; an idcsync config needs at most 5"
        }
    }

    @Test func atMostFiftyDiagnosticsAreShownErrorsFirstThenACount() {
        let warnings = (0..<10).map { Diagnostic(.warning, code: "w", "warning \($0)") }
        let errors = (0..<60).map { Diagnostic(.error, code: "e", "error \($0)") }
        let notes = (0..<3).map { Diagnostic(.note, code: "n", "note \($0)") }
        let shown = DiagnosticsRenderer.capped(warnings + errors + notes)
        #expect(shown.count == 51)
        #expect(shown.prefix(50).allSatisfy { $0.severity == .error })
        #expect(shown.last?.message == "and 23 more not shown (10 errors, 10 warnings, 3 notes); fix the ones above and run again to see the rest")
        let text = DiagnosticsRenderer.text(warnings + errors + notes, style: Style(enabled: false))
        #expect(text.split(separator: "\n").count == 51)
        #expect(DiagnosticsRenderer.capped(Array(errors.prefix(50))) == Array(errors.prefix(50)), "50 are shown as they are")
        #expect(DiagnosticsRenderer.capped(warnings + Array(errors.prefix(1))).first?.severity == .warning, "order kept under the cap")
        guard case .array(let json) = DiagnosticsRenderer.json(errors) else { Issue.record("not an array"); return }
        #expect(json.count == 51)
    }
}

@Suite("SAML metadata as Okta serves it")
struct SAMLMetadataTests {
    @Test func utf8WithAnEntityDescriptorIsADocument() {
        let text = #"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"/>"#
        #expect(SAMLMetadata.document(Array(text.utf8)) == text)
        #expect(SAMLMetadata.document(Array("<html>login</html>".utf8)) == nil)
        #expect(SAMLMetadata.document([0xFF, 0xFE] + Array("EntityDescriptor".utf8)) == nil, "not UTF-8")
        #expect(SAMLMetadata.document([]) == nil)
    }

    @Test func documentsAreComparedWithoutWhiteSpace() {
        #expect(SAMLMetadata.same("<a>\n  <b>x</b>\r\n</a>", "<a><b>x</b></a>"))
        #expect(!SAMLMetadata.same("<a><b>x</b></a>", "<a><b>y</b></a>"))
    }
}

@Suite("Config: many unknown keys")
struct ManyUnknownKeysTests {
    /// Every unknown key is an error; "did you mean" only for the first 100 (only 50 are shown).
    @Test func suggestionsStopAfterTheFirstHundredUnknownKeys() {
        let yaml = (0..<150).map { "instanse\($0 == 0 ? "" : "\($0)"): 1" }.joined(separator: "\n")
        #expect {
            _ = try ConfigParser.parse(yaml: yaml, file: "idcsync.yaml")
        } throws: { error in
            guard let diagnostics = (error as? DiagnosticsError)?.diagnostics else { return false }
            return diagnostics.count == 150 && diagnostics[0].message.contains("did you mean \"instance\"?")
                && diagnostics.prefix(100).allSatisfy { $0.message.contains("did you mean") }
                && !diagnostics.dropFirst(100).contains { $0.message.contains("did you mean") }
        }
    }
}
