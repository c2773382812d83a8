import Foundation
import Testing

/// An input fixture of the patcher's unit tests (Tests/IDCSyncCoreTests/Fixtures/ovpn).
private func ovpnFixture(_ name: String) throws -> Data {
    try Data(contentsOf: repositoryRoot.appendingPathComponent("Tests/IDCSyncCoreTests/Fixtures/ovpn/\(name)"))
}

private func mode(_ url: URL) throws -> Int? {
    try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int
}

@Suite("vpn ovpn (binary)")
struct VPNOvpnCommandTests {
    @Test func patchesInPlaceWithMode0600AndASecondRunWritesNothing() throws {
        let workspace = try Workspace()
        let file = workspace.url.appendingPathComponent("downloaded.ovpn")
        try ovpnFixture("aws-export-plain.ovpn").write(to: file)
        #expect(try mode(file) != 0o600)

        let result = try workspace.run(["vpn", "ovpn", "downloaded.ovpn"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "Patched downloaded.ovpn in place (mode 0600): added auth-federate and reneg-sec 0.\n")
        let patched = try workspace.read("downloaded.ovpn")
        #expect(patched.contains("verb 3\nauth-federate\nreneg-sec 0\n<ca>\n"))
        #expect(try mode(file) == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: workspace.url.path) == ["downloaded.ovpn"], "no backup, no temporary file left")

        // Already patched: nothing written (same size and mtime), and it says so.
        let before = try workspace.snapshot()
        let again = try workspace.run(["vpn", "ovpn", "downloaded.ovpn"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr == "downloaded.ovpn already has auth-federate and reneg-sec 0; nothing written.\n")
        #expect(try workspace.snapshot() == before)
        #expect(try workspace.read("downloaded.ovpn") == patched)
    }

    @Test func outWritesTheCopyAndLeavesTheDownloadUntouched() throws {
        let workspace = try Workspace()
        let input = try ovpnFixture("reneg-3600.ovpn")
        try input.write(to: workspace.url.appendingPathComponent("downloaded.ovpn"))
        let inputBefore = try workspace.snapshot()

        let result = try workspace.run(["vpn", "ovpn", "downloaded.ovpn", "--out", "okta-vpn.ovpn"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr == "Wrote okta-vpn.ovpn (mode 0600) from downloaded.ovpn: added auth-federate; replaced `reneg-sec 3600` with `reneg-sec 0` on line 35.\n")
        #expect(try Data(contentsOf: workspace.url.appendingPathComponent("downloaded.ovpn")) == input)
        let downloaded = workspace.url.appendingPathComponent("downloaded.ovpn").path
        #expect(try workspace.snapshot()[downloaded] == inputBefore[downloaded])
        let out = workspace.url.appendingPathComponent("okta-vpn.ovpn")
        #expect(try mode(out) == 0o600)
        let golden = try Data(contentsOf: repositoryRoot.appendingPathComponent("Tests/IDCSyncCoreTests/Fixtures/golden/ovpn-reneg-3600.ovpn"))
        #expect(try Data(contentsOf: out) == golden)

        // The same again: the copy already holds the result, so it is not rewritten.
        let before = try workspace.snapshot()
        let again = try workspace.run(["vpn", "ovpn", "downloaded.ovpn", "--out", "okta-vpn.ovpn"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("okta-vpn.ovpn already holds downloaded.ovpn patched"))
        #expect(again.stderr.contains("nothing written"))
        #expect(try workspace.snapshot() == before)
    }

    @Test func crlfFileKeepsItsLineEndings() throws {
        let workspace = try Workspace()
        try ovpnFixture("aws-export-crlf.ovpn").write(to: workspace.url.appendingPathComponent("win.ovpn"))
        let result = try workspace.run(["vpn", "ovpn", "win.ovpn", "--out", "patched.ovpn"])
        #expect(result.status == 0, "\(result.stderr)")
        let golden = try Data(contentsOf: repositoryRoot.appendingPathComponent("Tests/IDCSyncCoreTests/Fixtures/golden/ovpn-aws-export-crlf.ovpn"))
        #expect(try Data(contentsOf: workspace.url.appendingPathComponent("patched.ovpn")) == golden)
    }

    @Test func jsonOutput() throws {
        let workspace = try Workspace()
        try ovpnFixture("reneg-3600.ovpn").write(to: workspace.url.appendingPathComponent("downloaded.ovpn"))
        let result = try workspace.run(["vpn", "ovpn", "downloaded.ovpn", "--out", "okta-vpn.ovpn", "--output", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(document["file"] as? String == "downloaded.ovpn")
        #expect(document["out"] as? String == "okta-vpn.ovpn")
        #expect(document["changed"] as? Bool == true)
        #expect(document["written"] as? Bool == true)
        #expect(document["added"] as? [String] == ["auth-federate"])
        let replaced = try #require(document["replaced"] as? [[String: Any]])
        #expect(replaced.count == 1)
        #expect(replaced.first?["line"] as? Int == 35)
        #expect(replaced.first?["from"] as? String == "reneg-sec 3600")
        #expect(replaced.first?["to"] as? String == "reneg-sec 0")
        #expect(document["lineEnding"] as? String == "LF")

        let again = try workspace.run(["vpn", "ovpn", "okta-vpn.ovpn", "--output", "json"])
        #expect(again.status == 0, "\(again.stderr)")
        let second = try #require(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])
        #expect(second["changed"] as? Bool == false)
        #expect(second["written"] as? Bool == false)
        #expect((second["added"] as? [String])?.isEmpty == true)
        #expect((second["replaced"] as? [Any])?.isEmpty == true)
    }

    @Test("refusals exit 64, say what is wrong and write nothing", arguments: [
        ("server.conf.ovpn", "looks like an OpenVPN server configuration (`server 10.8.0.0 255.255.255.0` on line 8)"),
        ("missing-remote.ovpn", "not an OpenVPN client configuration: missing a `remote HOST PORT` line"),
        ("not-openvpn.ovpn", "missing a `client` directive (or `tls-client` with `pull`)"),
        ("binary.ovpn", "the file is binary (it contains NUL bytes)"),
        ("not-utf8.ovpn", "is not UTF-8 text (binary?)"),
        ("empty.ovpn", "the file is empty"),
        ("unclosed-ca.ovpn", "the inline <ca> block that starts on line 4 is never closed"),
    ])
    func refusals(fixture: String, message: String) throws {
        let workspace = try Workspace()
        try ovpnFixture(fixture).write(to: workspace.url.appendingPathComponent("in.ovpn"))
        for arguments in [["vpn", "ovpn", "in.ovpn"], ["vpn", "ovpn", "in.ovpn", "--out", "out.ovpn"]] {
            let result = try workspace.runFailing(arguments)
            #expect(result.status == 64, "\(fixture): \(result.stderr)")
            #expect(result.stderr.contains("error: "), "\(result.stderr)")
            #expect(result.stderr.contains(message), "\(fixture): \(result.stderr)")
            #expect(result.stderr.contains("nothing was written"), "\(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
        let json = try workspace.runFailing(["vpn", "ovpn", "in.ovpn", "--output", "json"])
        #expect(json.status == 64)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let error = try #require(document["error"] as? [String: Any])
        #expect(error["exitCode"] as? Int == 64)
        #expect((error["message"] as? String)?.contains(message) == true)
    }

    @Test func missingFileIsBadInputAndAnUnwritableOutIsAnIOError() throws {
        let workspace = try Workspace()
        let missing = try workspace.runFailing(["vpn", "ovpn", "nope.ovpn"])
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("nope.ovpn does not exist"))

        try ovpnFixture("aws-export.ovpn").write(to: workspace.url.appendingPathComponent("downloaded.ovpn"))
        let unwritable = try workspace.runFailing(["vpn", "ovpn", "downloaded.ovpn", "--out", "no-such-folder/okta-vpn.ovpn"])
        #expect(unwritable.status == 1, "\(unwritable.stderr)")
        #expect(unwritable.stderr.contains("cannot write no-such-folder/okta-vpn.ovpn"))
    }
}
