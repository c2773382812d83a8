import Foundation
@testable import IDCSyncCore
import IDCSyncTestSupport
import Testing

/// The bytes of an input fixture in Fixtures/ovpn.
private func ovpnFixture(_ name: String) throws -> [UInt8] {
    Array(try Data(contentsOf: fixtureURL("ovpn/\(name)")))
}

private func patched(_ name: String) throws -> OVPNPatch.Outcome {
    try OVPNPatch.patch(bytes: try ovpnFixture(name))
}

/// The refusal for a fixture (nil when it was patched).
private func refusal(_ bytes: [UInt8]) -> OVPNPatch.Refusal? {
    do {
        _ = try OVPNPatch.patch(bytes: bytes)
        return nil
    } catch {
        return error
    }
}

/// The output with the inserted bytes taken out and the replaced lines put back must be the input,
/// byte for byte: nothing else moved.
private func expectOnlyTheEditsDiffer(_ input: [UInt8], _ outcome: OVPNPatch.Outcome, sourceLocation: SourceLocation = #_sourceLocation) {
    var output = outcome.bytes
    if let offset = outcome.insertionOffset {
        #expect(Array(output[offset ..< offset + outcome.insertedBytes.count]) == outcome.insertedBytes, sourceLocation: sourceLocation)
        output.removeSubrange(offset ..< offset + outcome.insertedBytes.count)
    }
    var restored = String(decoding: output, as: UTF8.self)
    for replacement in outcome.replaced {
        restored = restored.replacingOccurrences(of: replacement.to, with: replacement.from, options: [], range: nil)
    }
    #expect(Array(restored.utf8) == input, "bytes outside the edits changed", sourceLocation: sourceLocation)
}

@Suite("vpn ovpn: the .ovpn patcher")
struct OVPNPatchTests {
    static let inputs = ["aws-export.ovpn", "aws-export-plain.ovpn", "aws-export-crlf.ovpn", "reneg-3600.ovpn",
                         "already-patched.ovpn", "no-inline-ca-no-newline.ovpn"]

    @Test("golden output", arguments: inputs)
    func golden(name: String) throws {
        let outcome = try patched(name)
        expectGolden(outcome.text, "ovpn-" + name)
    }

    @Test("patching a patched file changes nothing", arguments: inputs)
    func idempotent(name: String) throws {
        let once = try patched(name)
        let twice = try OVPNPatch.patch(bytes: once.bytes)
        #expect(twice.bytes == once.bytes)
        #expect(!twice.changed)
        #expect(twice.added.isEmpty && twice.replaced.isEmpty && twice.insertionOffset == nil)
    }

    @Test("bytes outside the inserted and replaced lines are the input's", arguments: inputs)
    func onlyTheEditsDiffer(name: String) throws {
        expectOnlyTheEditsDiffer(try ovpnFixture(name), try patched(name))
    }

    @Test func awsExportGetsAuthFederateBeforeTheCABlock() throws {
        let input = try ovpnFixture("aws-export.ovpn")
        let outcome = try OVPNPatch.patch(bytes: input)
        #expect(outcome.added == ["auth-federate"])
        #expect(outcome.replaced.isEmpty)
        #expect(outcome.lineEnding == .lf)
        #expect(outcome.text.contains("verb 3\nauth-federate\n<ca>\n-----BEGIN CERTIFICATE-----\n"))
        // The certificate block, the blank lines and the trailing directives are untouched.
        let text = String(decoding: input, as: UTF8.self)
        let block = text[text.range(of: "<ca>")!.lowerBound...]
        #expect(outcome.text.hasSuffix(block))
        #expect(outcome.text.components(separatedBy: "reneg-sec").count == 2, "one reneg-sec, not a second one")
    }

    @Test func bothAddedWhenTheExportHasNeither() throws {
        let outcome = try patched("aws-export-plain.ovpn")
        #expect(outcome.added == ["auth-federate", "reneg-sec 0"])
        #expect(outcome.text.contains("verb 3\nauth-federate\nreneg-sec 0\n<ca>\n"))
        #expect(outcome.text.hasPrefix("# AWS Client VPN endpoint cvpn-endpoint-0123456789abcdef0 (ap-northeast-1)\n; exported 2026-11-21\nclient\n"))
    }

    @Test func crlfStaysCRLF() throws {
        let input = try ovpnFixture("aws-export-crlf.ovpn")
        let outcome = try OVPNPatch.patch(bytes: input)
        #expect(outcome.lineEnding == .crlf)
        #expect(outcome.insertedBytes == Array("auth-federate\r\nreneg-sec 0\r\n".utf8))
        // Every line feed in the output is still preceded by a carriage return.
        let bytes = outcome.bytes
        let bareLF = bytes.indices.filter { bytes[$0] == 0x0A && ($0 == 0 || bytes[$0 - 1] != 0x0D) }
        #expect(bareLF.isEmpty)
        // The LF variant patches to the same text with LF.
        let lf = try OVPNPatch.patch(bytes: Array(String(decoding: input, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n").utf8))
        #expect(outcome.text.replacingOccurrences(of: "\r\n", with: "\n") == lf.text)
    }

    @Test func aConflictingRenegSecIsReplacedNotDoubled() throws {
        let outcome = try patched("reneg-3600.ovpn")
        #expect(outcome.added == ["auth-federate"])
        #expect(outcome.replaced == [OVPNPatch.Replacement(line: 35, from: "reneg-sec 3600", to: "reneg-sec 0")])
        #expect(outcome.text.contains("\nreneg-sec 0   # one hour\n"), "the comment after it is kept")
        #expect(!outcome.text.contains("3600"))
        #expect(outcome.text.components(separatedBy: "reneg-sec").count == 2)
    }

    @Test func everyConflictingRenegSecLineIsReplaced() throws {
        let text = "client\ndev tun\nremote vpn.example.com 443\n  reneg-sec 3600\nauth-federate\n--reneg-sec 600 60\nreneg-sec 0\n"
        let outcome = try OVPNPatch.patch(text)
        #expect(outcome.added.isEmpty)
        #expect(outcome.replaced.map(\.line) == [4, 6])
        #expect(outcome.replaced.map(\.from) == ["reneg-sec 3600", "--reneg-sec 600 60"])
        #expect(outcome.text == "client\ndev tun\nremote vpn.example.com 443\n  reneg-sec 0\nauth-federate\nreneg-sec 0\nreneg-sec 0\n")
    }

    @Test func alreadyPatchedIsUnchanged() throws {
        let input = try ovpnFixture("already-patched.ovpn")
        let outcome = try OVPNPatch.patch(bytes: input)
        #expect(!outcome.changed)
        #expect(outcome.bytes == input)
    }

    @Test func withoutAnInlineCABlockTheLinesGoAtTheEndAndAMissingFinalNewlineStaysMissing() throws {
        let input = try ovpnFixture("no-inline-ca-no-newline.ovpn")
        #expect(input.last != 0x0A)
        let outcome = try OVPNPatch.patch(bytes: input)
        #expect(outcome.insertionOffset == input.count)
        #expect(outcome.text.hasSuffix("verb 3\nauth-federate\nreneg-sec 0"))
        // With a final newline, the added lines end with one too.
        let withNewline = try OVPNPatch.patch(String(decoding: input, as: UTF8.self) + "\n")
        #expect(withNewline.text.hasSuffix("verb 3\nauth-federate\nreneg-sec 0\n"))
    }

    @Test func directivesInCommentsAndInlineBlocksDoNotCount() throws {
        let text = "client\ndev tun\nremote vpn.example.com 443\n# auth-federate\n;reneg-sec 0\n<tls-crypt>\nauth-federate\nreneg-sec 0\n</tls-crypt>\n"
        let outcome = try OVPNPatch.patch(text)
        #expect(outcome.added == ["auth-federate", "reneg-sec 0"])
        #expect(outcome.text.hasSuffix("</tls-crypt>\nauth-federate\nreneg-sec 0\n"))
    }

    @Test func tlsClientWithPullCountsAsAClient() throws {
        let outcome = try OVPNPatch.patch("tls-client\npull\ndev tap0\nremote vpn.example.com 1194 udp\n")
        #expect(outcome.added == ["auth-federate", "reneg-sec 0"])
    }

    @Test func aByteOrderMarkIsKept() throws {
        let input = [0xEF, 0xBB, 0xBF] + Array("client\ndev tun\nremote vpn.example.com 443\n".utf8)
        let outcome = try OVPNPatch.patch(bytes: input)
        #expect(Array(outcome.bytes.prefix(input.count)) == input)
        #expect(outcome.added.count == 2)
    }

    // MARK: - Refusals

    @Test func refusesWhatIsNotAClientConfigurationSayingWhatIsMissing() throws {
        let missing = try #require(refusal(try ovpnFixture("missing-remote.ovpn")))
        #expect(missing.code == "vpn.ovpn.not-client-config")
        #expect(missing.message.hasPrefix("not an OpenVPN client configuration: missing a `remote HOST PORT` line, `dev tun` or `dev tap` (line 2 has `dev null`)"))

        let wireguard = try #require(refusal(try ovpnFixture("not-openvpn.ovpn")))
        #expect(wireguard.code == "vpn.ovpn.not-client-config")
        #expect(wireguard.message.contains("missing a `client` directive (or `tls-client` with `pull`), a `remote HOST PORT` line, a `dev tun` or `dev tap` line;"))

        let tlsClientOnly = try #require(refusal(Array("tls-client\ndev tun\nremote vpn.example.com 443\n".utf8)))
        #expect(tlsClientOnly.message.contains("missing a `client` directive (or `tls-client` with `pull`);"))
    }

    @Test func refusesAServerConfiguration() throws {
        let server = try #require(refusal(try ovpnFixture("server.conf.ovpn")))
        #expect(server.code == "vpn.ovpn.server-config")
        #expect(server.message == "the file looks like an OpenVPN server configuration (`server 10.8.0.0 255.255.255.0` on line 8), not a client configuration exported from a Client VPN endpoint")
        let mode = try #require(refusal(Array("client\nmode server\ndev tun\nremote x 1\n".utf8)))
        #expect(mode.code == "vpn.ovpn.server-config")
        #expect(mode.message.contains("(`mode server` on line 2)"))
    }

    @Test func refusesEmptyBinaryNonUTF8AndTruncatedFiles() throws {
        #expect(refusal(try ovpnFixture("empty.ovpn"))?.code == "vpn.ovpn.empty")
        #expect(refusal(try ovpnFixture("blank.ovpn"))?.code == "vpn.ovpn.empty")
        #expect(refusal(try ovpnFixture("binary.ovpn"))?.message == "the file is binary (it contains NUL bytes), not an OpenVPN client configuration")
        #expect(refusal(try ovpnFixture("not-utf8.ovpn"))?.code == "vpn.ovpn.not-utf8")
        let truncated = try #require(refusal(try ovpnFixture("unclosed-ca.ovpn")))
        #expect(truncated.code == "vpn.ovpn.unclosed-block")
        #expect(truncated.message.hasPrefix("the inline <ca> block that starts on line 4 is never closed with </ca>"))
    }
}
