import Crypto
import Foundation
import IDCSyncCore
import Testing

/// Issue 11 items 1-3 through the binary against the Okta fake: restore writes only what the backup
/// proves, every write goes to the app that was read in the shape it was read, and a read-back that
/// shows another change is reported. Each refusal: exit code, message, and nothing written to Okta.
@Suite("okta write safety (binary, against the Okta fake)")
struct OktaWriteSafetyTests {
    let environment = ["OKTA_API_TOKEN": OktaFake.token]

    private func setUp(slots: [Int: String] = [:]) async throws -> (OktaFake, Workspace) {
        let fake = try OktaFake()
        try await fake.seed(slots: slots)
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", fake.config())
        return (fake, workspace)
    }

    /// An envelope as idcsync writes it, around any app (a forger can compute SHA-256 too).
    private func envelope(_ app: JSONValue, org: String, appId: String? = nil, name: String? = nil, digest: String? = nil) -> String {
        let sha = digest ?? SHA256.hash(data: Array(JSONWriter.compact(app).utf8)).map { String(format: "%02x", $0) }.joined()
        return JSONWriter.pretty(.object([
            "idcsyncBackup": .object([
                "formatVersion": .int(1), "orgUrl": .string(org), "appId": .string(appId ?? app["id"]?.stringValue ?? ""),
                "appName": .string(name ?? app["name"]?.stringValue ?? ""), "savedAt": "2026-12-01T10:00:00.000Z", "sha256": .string(sha),
            ]),
            "app": app,
        ]))
    }

    private func backupFiles(_ workspace: Workspace) throws -> [String] {
        let folder = workspace.url.appendingPathComponent("idcsync-backups").path
        guard FileManager.default.fileExists(atPath: folder) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    }

    private func expectNoWrite(_ fake: OktaFake, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let written = try await fake.requestLines().filter { !$0.hasPrefix("GET ") }
        #expect(written.isEmpty, "nothing may be written to Okta: \(written)", sourceLocation: sourceLocation)
    }

    // MARK: 1. Restore writes only what the backup proves

    @Test func applyWritesAVerifiableEnvelopeAndRestoreShowsTheWholeDiffFirst() async throws {
        let (fake, workspace) = try await setUp(slots: [5: "https://partner.example.com/acs"])
        let original = try await fake.app("0oaidc1")
        #expect(try workspace.run(["okta", "apply", "--yes"], environment: environment).status == 0)
        let backup = "idcsync-backups/" + (try #require(try backupFiles(workspace).first))
        let document = try JSONParser.parse(try workspace.read(backup))
        #expect(document["idcsyncBackup"]?["formatVersion"] == .int(1))
        #expect(document["idcsyncBackup"]?["orgUrl"] == .string(fake.url))
        #expect(document["idcsyncBackup"]?["appId"] == "0oaidc1")
        #expect(document["idcsyncBackup"]?["appName"] == "amazon_aws_sso")
        #expect(document["app"] == original, "the app exactly as read")
        let digest = SHA256.hash(data: Array(JSONWriter.compact(original).utf8)).map { String(format: "%02x", $0) }.joined()
        #expect(document["idcsyncBackup"]?["sha256"] == .string(digest))

        try await fake.clearRequests()
        let dryRun = try workspace.runFailing(["okta", "restore", backup, "--dry-run"], environment: environment)
        #expect(dryRun.status == 2, "\(dryRun.stderr)")
        #expect(dryRun.stdout.contains("~ settings.app.acsURL1  \"\(OktaFake.acs("ap-northeast-1"))\" → null"))
        #expect(dryRun.stdout.contains("Restore: 4 fields to change."))
        try await expectNoWrite(fake)

        let refused = try workspace.runFailing(["okta", "restore", backup], environment: environment)
        #expect(refused.status == 64)
        #expect(refused.stderr.contains("pass --yes to write (or --dry-run to only plan)"))
        try await expectNoWrite(fake)

        let json = try workspace.run(["okta", "restore", backup, "--yes", "--output", "json"], environment: environment)
        #expect(json.status == 0, "\(json.stderr)")
        let result = try JSONParser.parse(json.stdout)
        #expect(result["changes"]?.arrayValue?.count == 4)
        #expect(result["result"]?["outcome"] == "restored")
        var restored = try #require(try await fake.app("0oaidc1").objectValue)
        var expected = try #require(original.objectValue)
        restored["lastUpdated"] = nil
        expected["lastUpdated"] = nil
        #expect(restored == expected)

        let again = try workspace.run(["okta", "restore", backup, "--yes"], environment: environment)
        #expect(again.status == 0)
        #expect(again.stdout.contains("No changes: the app already is as the backup saved it."))
    }

    @Test func aBareAppTruncatedOrEditedBackupIsRefused() async throws {
        let (fake, workspace) = try await setUp()
        let app = try await fake.app("0oaidc1")

        try workspace.write("bare.json", #"{"id":"0oaidc1","name":"amazon_aws_sso","label":"AWS IAM Identity Center"}"#)
        let bare = try workspace.runFailing(["okta", "restore", "bare.json", "--yes"], environment: environment)
        #expect(bare.status == 64)
        #expect(bare.stderr.contains("bare.json: error: this is an Okta app without idcsync's backup envelope"))
        #expect(bare.stderr.contains("put back what you need by hand in the Okta admin console"))

        var edited = app
        edited.set(.string("https://attacker.example/acs"), at: ["settings", "app", "acsURL"])
        try workspace.write("edited.json", envelope(edited, org: fake.url, digest: SHA256.hash(data: Array(JSONWriter.compact(app).utf8)).map { String(format: "%02x", $0) }.joined()))
        let tampered = try workspace.runFailing(["okta", "restore", "edited.json", "--yes"], environment: environment)
        #expect(tampered.status == 64)
        #expect(tampered.stderr.contains("does not match its SHA-256: the file was changed or cut short after idcsync wrote it"))

        let whole = envelope(app, org: fake.url)
        try workspace.write("cut.json", String(whole.prefix(whole.count / 2)))
        let cut = try workspace.runFailing(["okta", "restore", "cut.json", "--yes"], environment: environment)
        #expect(cut.status == 64)
        #expect(cut.stderr.contains("not valid JSON"))

        try workspace.write("dup.json", #"{"idcsyncBackup":{"formatVersion":1},"idcsyncBackup":{"formatVersion":1},"app":{"id":"0oaidc1","id":"0oaother"}}"#)
        let duplicate = try workspace.runFailing(["okta", "restore", "dup.json", "--yes"], environment: environment)
        #expect(duplicate.status == 64)
        #expect(duplicate.stderr.contains("duplicate key \"idcsyncBackup\""))
        try await expectNoWrite(fake)
    }

    @Test func aValidEnvelopeIsRestoredOnlyIntoTheConfiguredAppOfTheSameOrgAndName() async throws {
        let (fake, workspace) = try await setUp()
        var other = try await fake.app("0oaidc1")
        other.set(.string("0oaother"), at: ["id"])
        other.set(.string("Another instance"), at: ["label"])
        other.set(.object(["self": .object(["href": .string(fake.url + "/api/v1/apps/0oaother")])]), at: ["_links"])
        try await fake.control("POST", "/_fake/apps", other)
        let otherBefore = try await fake.app("0oaother")
        try await fake.clearRequests()

        try workspace.write("other-app.json", envelope(otherBefore, org: fake.url))
        let wrongApp = try workspace.runFailing(["okta", "restore", "other-app.json", "--yes"], environment: environment)
        #expect(wrongApp.status == 64)
        #expect(wrongApp.stderr.contains("the backup is of app 0oaother, but this config's IAM Identity Center app is 0oaidc1 (okta.appId)"))

        let mine = try await fake.app("0oaidc1")
        var foreign = mine
        foreign.set(.object(["self": .object(["href": "https://other.okta.com/api/v1/apps/0oaidc1"])]), at: ["_links"])
        try workspace.write("other-org.json", envelope(foreign, org: "https://other.okta.com"))
        let otherOrg = try workspace.runFailing(["okta", "restore", "other-org.json", "--yes"], environment: environment)
        #expect(otherOrg.status == 64)
        #expect(otherOrg.stderr.contains("the backup is of an app in the Okta org https://other.okta.com, but okta.orgUrl is \(fake.url)"))
        try workspace.write("mixed.json", envelope(mine, org: "https://other.okta.com"))
        let mixed = try workspace.runFailing(["okta", "restore", "mixed.json", "--yes"], environment: environment)
        #expect(mixed.status == 64)
        #expect(mixed.stderr.contains("the app's own link \(fake.url)/api/v1/apps/0oaidc1 is not in the org the envelope names (https://other.okta.com)"))

        var renamed = mine
        renamed.set("bookmark", at: ["name"])
        try workspace.write("bookmark.json", envelope(renamed, org: fake.url))
        let bookmark = try workspace.runFailing(["okta", "restore", "bookmark.json", "--yes"], environment: environment)
        #expect(bookmark.status == 64)
        #expect(bookmark.stderr.contains("the backup says app 0oaidc1 is a bookmark app, but in Okta it is amazon_aws_sso"))

        #expect(try await fake.app("0oaother") == otherBefore)
        try await expectNoWrite(fake)
    }

    @Test func aRestoreThatWouldTakeAwayOrChangeWhatSignInNeedsIsRefused() async throws {
        let (fake, workspace) = try await setUp()
        let app = try await fake.app("0oaidc1")

        var forged = app
        forged.set(.string("https://attacker.example/saml/acs"), at: ["settings", "app", "acsURL"])
        forged.set(.string("https://attacker.example/issuer"), at: ["settings", "app", "entityID"])
        try workspace.write("forged.json", envelope(forged, org: fake.url))
        let acs = try workspace.runFailing(["okta", "restore", "forged.json", "--yes"], environment: environment)
        #expect(acs.status == 64)
        #expect(acs.stderr.contains("error: settings.app.acsURL: the restore would change it from \"\(OktaFake.defaultACS)\" to \"https://attacker.example/saml/acs\"; idcsync never changes it"))
        #expect(acs.stderr.contains("error: settings.app.entityID: the restore would change it"))

        var stripped = try #require(app.objectValue)
        stripped["credentials"] = nil
        stripped["signOnMode"] = .null
        try workspace.write("stripped.json", envelope(.object(stripped), org: fake.url))
        let removed = try workspace.runFailing(["okta", "restore", "stripped.json", "--yes"], environment: environment)
        #expect(removed.status == 64)
        #expect(removed.stderr.contains("error: credentials: the app has it"))
        #expect(removed.stderr.contains("and the backup does not: a restore would remove it"))
        #expect(removed.stderr.contains("error: signOnMode: the restore would change the sign-on mode from \"SAML_2_0\" to null"))

        var nulled = app
        nulled.set(.null, at: ["settings", "notifications"])
        try workspace.write("nulled.json", envelope(nulled, org: fake.url))
        let cleared = try workspace.runFailing(["okta", "restore", "nulled.json", "--yes"], environment: environment)
        #expect(cleared.status == 64)
        #expect(cleared.stderr.contains("error: settings.notifications: the app has {\"vpn\":{\"network\":{\"connection\":\"DISABLED\"}}} and the backup null: a restore would clear it"))
        try await expectNoWrite(fake)
    }

    // MARK: 2. Write only to the app that was read, in the shape it was read

    @Test func anAnswerForAnotherAppStopsTheRunBeforeAnyWrite() async throws {
        let (fake, workspace) = try await setUp()
        try await fake.faults([.object(["method": "GET", "path": "/api/v1/apps/0oaidc1", "action": "mutateResponse", "set": .object(["id": "0oaother"])])])
        let first = try workspace.run(["okta", "apply", "--yes"], environment: environment)
        #expect(first.status == 1)
        #expect(first.stderr.contains("idcsync asked Okta for app 0oaidc1 and the answer is app 0oaother (amazon_aws_sso): nothing was written"))
        #expect(try await fake.requestLines() == ["GET /api/v1/apps/0oaidc1"])

        try await fake.clearRequests()
        try await fake.faults([.object(["method": "GET", "path": "/api/v1/apps/0oaidc1", "skip": .int(1), "action": "mutateResponse", "set": .object(["id": "0oaother"])])])
        let guardRead = try workspace.run(["okta", "apply", "--yes"], environment: environment)
        #expect(guardRead.status == 1)
        #expect(guardRead.stderr.contains("the answer is app 0oaother"))
        #expect(try await fake.requestLines() == ["GET /api/v1/apps/0oaidc1", "GET /api/v1/apps/0oaidc1"], "no PUT after a guard read of another app")
        #expect(try await fake.app("0oaidc1").slot("acsURL1") == nil)
    }

    @Test func anAnswerWithoutWhatEveryAppHasStopsTheRunBeforeAnyWrite() async throws {
        let (fake, workspace) = try await setUp()
        for missing in ["credentials", "visibility", "signOnMode", "settings"] {
            try await fake.clearRequests()
            try await fake.faults([.object(["method": "GET", "path": "/api/v1/apps/0oaidc1", "skip": .int(1), "action": "mutateResponse", "remove": .array([.string(missing)])])])
            let result = try workspace.run(["okta", "apply", "--yes"], environment: environment)
            #expect(result.status == 1, "\(missing)")
            #expect(result.stderr.contains("Okta's answer for app 0oaidc1 lacks \(missing), which every Okta app has"), "\(result.stderr)")
            try await expectNoWrite(fake)
        }
        let renamed = try workspace.write("renamed.yaml", fake.config().replacingOccurrences(of: "appId: 0oaidc1", with: "appId: 0oabook"))
        var bookmark = try await fake.app("0oaidc1")
        bookmark.set("0oabook", at: ["id"])
        bookmark.set("bookmark", at: ["name"])
        bookmark.set(.object([:]), at: ["_links"])
        try await fake.control("POST", "/_fake/apps", bookmark)
        let wrongKind = try workspace.runFailing(["okta", "plan", "--config", renamed.lastPathComponent], environment: environment)
        #expect(wrongKind.status == 64)
        #expect(wrongKind.stderr.contains("okta.appId 0oabook is an app named bookmark"))
    }

    // MARK: 3. A change by someone else during the write is reported

    @Test func aReadBackShowingAnotherAdminsChangeFailsNamingTheFieldAndTheRestore() async throws {
        let (fake, workspace) = try await setUp()
        try await fake.faults([.object([
            "method": "GET", "path": "/api/v1/apps/0oaidc1", "skip": .int(2), "action": "concurrentEdit",
            "edit": .object(["label": "Renamed by another admin"]),
        ])])
        let result = try workspace.run(["okta", "apply", "--yes"], environment: environment)
        #expect(result.status == 1)
        #expect(result.stderr.contains("error: label: another change reached the app during the write: label is now \"Renamed by another admin\", which is neither what idcsync sent (\"AWS IAM Identity Center\") nor what it held before (\"AWS IAM Identity Center\")"))
        let backup = "idcsync-backups/" + (try #require(try backupFiles(workspace).first))
        #expect(result.stderr.contains("the app as it was before the write is in \(backup) (`idcsync okta restore \(backup)` puts it back)"))
    }

    @Test func aFieldThatDidNotPersistIsNamedWithWhatOktaStillHas() async throws {
        let (fake, workspace) = try await setUp()
        try await fake.faults([.object(["method": "PUT", "path": "/api/v1/apps/0oaidc1", "action": "dropField", "key": "acsURL2"])])
        let result = try workspace.run(["okta", "apply", "--yes"], environment: environment)
        #expect(result.status == 1)
        #expect(result.stderr.contains("error: settings.app.acsURL2: Okta accepted the write but settings.app.acsURL2 did not persist (sent \"\(OktaFake.acs("ap-northeast-3"))\", Okta still has null)"))
    }

    @Test func aLostWriteAnswerFollowedByAFailingReadBackSaysTheWriteMayHaveLanded() async throws {
        let (fake, workspace) = try await setUp()
        try await fake.faults([
            .object(["method": "PUT", "path": "/api/v1/apps/0oaidc1", "action": "lostResponse", "mode": "eof"]),
            .object(["method": "GET", "path": "/api/v1/apps/0oaidc1", "skip": .int(2), "times": .int(10), "action": "status", "status": .int(503)]),
        ])
        let result = try workspace.run(["okta", "apply", "--yes"], environment: environment)
        #expect(result.status == 1)
        #expect(result.stderr.contains("the write got no clear answer"))
        #expect(result.stderr.contains("reading the app back failed, so the write may or may not have reached Okta: run `idcsync okta plan` to see the app as it is now"))
        let backup = "idcsync-backups/" + (try #require(try backupFiles(workspace).first))
        #expect(result.stderr.contains("`idcsync okta restore \(backup)` puts it back"))
    }

    @Test func aSlotThatHoldsSomethingOtherThanTextIsKeptAndReported() async throws {
        let (fake, workspace) = try await setUp()
        try await fake.faults([.object(["method": "GET", "path": "/api/v1/apps/0oaidc1", "action": "concurrentEdit",
                                        "edit": .object(["settings.app.acsURL1": .number("42")])])])
        let result = try workspace.run(["okta", "apply", "--yes"], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("warning: slot 1 (acsURL1) holds 42, which is not text; it is treated as a foreign value (kept, unless okta.foreignUrls: remove)"))
        let after = try await fake.app("0oaidc1")
        #expect(after.value(at: ["settings", "app", "acsURL1"]) == .number("42"), "kept with its JSON type")
        #expect(after.slot("acsURL2") == OktaFake.acs("ap-northeast-1"))
    }

    @Test func anAppThatCarriesTheRunsTokenIsNeitherBackedUpNorWritten() async throws {
        let (fake, workspace) = try await setUp()
        try await fake.faults([.object(["method": "GET", "path": "/api/v1/apps/0oaidc1", "action": "concurrentEdit",
                                        "edit": .object(["settings.notes.admin": .string("token: \(OktaFake.token)")])])])
        let result = try workspace.run(["okta", "apply", "--yes"], environment: environment)
        #expect(result.status == 1)
        #expect(result.stderr.contains("the app as Okta returned it contains a credential of this run"))
        #expect(!(result.stdout + result.stderr).contains(OktaFake.token))
        #expect(try backupFiles(workspace).isEmpty)
        try await expectNoWrite(fake)
    }

    /// Issue 12 item 6: a backup that cannot reach the disk stops the run before the PUT. The file
    /// size limit is 0 (with SIGXFSZ ignored, so write(2) fails with EFBIG instead of killing the
    /// process), which fails the write for root too.
    @Test func aBackupThatCannotBeWrittenStopsTheRunBeforeAnyWrite() async throws {
        let (fake, workspace) = try await setUp()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "trap '' XFSZ; ulimit -f 0; exec \"$0\" \"$@\"", idcsyncBinary.path, "okta", "apply", "--yes"]
        process.currentDirectoryURL = workspace.url
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": workspace.url.path, "LANG": "C.UTF-8", "AWS_EC2_METADATA_DISABLED": "true",
                               "OKTA_API_TOKEN": OktaFake.token]
        let err = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1, "\(stderr)")
        #expect(stderr.contains("cannot write the backup: "), "\(stderr)")
        #expect(stderr.contains("nothing was written to Okta"))
        #expect(try backupFiles(workspace).isEmpty, "no partial or temporary backup file is left")
        try await expectNoWrite(fake)
    }

    // MARK: 7 (backups). Backups go only into a folder that is the user's alone

    @Test func aBackupFolderThatIsALinkSharedOrHasNoParentIsRefusedBeforeAnyWrite() async throws {
        let (fake, workspace) = try await setUp()
        let target = try #require(Optional(workspace.url.appendingPathComponent("elsewhere")))
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        try FileManager.default.createSymbolicLink(atPath: workspace.url.appendingPathComponent("linked").path, withDestinationPath: target.path)
        let link = try workspace.run(["okta", "apply", "--yes", "--backup-dir", "linked"], environment: environment)
        #expect(link.status == 64)
        #expect(link.stderr.contains("backup folder linked: it is a symbolic link"))

        try FileManager.default.createDirectory(at: workspace.url.appendingPathComponent("shared"), withIntermediateDirectories: false, attributes: [.posixPermissions: 0o777])
        chmod(workspace.url.appendingPathComponent("shared").path, 0o777)
        let shared = try workspace.run(["okta", "apply", "--yes", "--backup-dir", "shared"], environment: environment)
        #expect(shared.status == 64)
        #expect(shared.stderr.contains("backup folder shared: others can write to it (mode 777); run `chmod 700 shared` or pick another folder"))

        let deep = try workspace.run(["okta", "apply", "--yes", "--backup-dir", "no/such/parent"], environment: environment)
        #expect(deep.status == 64)
        #expect(deep.stderr.contains("backup folder no/such/parent: its parent folder does not exist"))
        #expect(!FileManager.default.fileExists(atPath: workspace.url.appendingPathComponent("no").path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: target.path).isEmpty)
        try await expectNoWrite(fake)
    }
}
