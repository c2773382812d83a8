import Foundation
import IDCSyncCore
@testable import IDCSyncEngine
import IDCSyncTestSupport
import OktaKit
import Testing

/// `okta restore` in-process (`OktaRestore.prepare` + `apply`): a backup idcsync wrote is put back
/// through the guarded write, into the app the config names and no other; each refusal says why and
/// nothing is written.
@Suite("okta restore (in-process, fake org)")
struct OktaRestoreTests {
    private static let instanceArn = FakeAWS.instanceArn

    private func config(_ world: EngineWorld, vpn: Bool = false) throws -> Config {
        try world.offlineConfig(extra: vpn ? "vpn: {region: \(EngineWorld.primary), oktaAppId: 0oavpn1}" : "")
    }

    private func backups(_ world: EngineWorld) -> String { world.folder.appendingPathComponent("backups").path }

    /// Saves app `id` as `okta apply` would before a write, and returns the file.
    private func backup(_ world: EngineWorld, _ id: String = "0oaidc1", orgURL: String? = nil) throws -> String {
        let app = try OktaApp(json: try #require(world.okta.app(id)))
        return try Backups.save(app, orgURL: orgURL ?? world.okta.orgURL, directory: backups(world), now: world.context.date)
    }

    private func client(_ world: EngineWorld, _ config: Config) throws -> OktaClient {
        try world.context.okta(try config.selectTarget(nil), configFile: config.source, access: .readWrite)
    }

    private func prepare(_ world: EngineWorld, _ path: String, _ config: Config) async throws -> RestorePreview {
        try await OktaRestore.prepare(backupPath: path, config: config, target: try config.selectTarget(nil), client: try self.client(world, config))
    }

    private func refused(_ world: EngineWorld, _ path: String, _ config: Config) async -> IDCSyncError? {
        let error = await #expect(throws: IDCSyncError.self) { _ = try await prepare(world, path, config) }
        #expect(world.okta.writes.isEmpty, "nothing written to Okta")
        #expect(error?.kind == .configuration)
        #expect(error?.diagnostics.allSatisfy { $0.code == "usage.backup" && $0.location?.file == path } == true, "\(error?.diagnostics ?? [])")
        return error
    }

    // MARK: Restoring

    @Test func aBackupIsPutBackThroughTheGuardedWriteWithABackupOfWhatItReplaces() async throws {
        let world = try EngineWorld()
        world.okta.addIdentityCenterApp(slots: EngineWorld.syncedSlots)
        let original = try #require(world.okta.app("0oaidc1"))
        let path = try backup(world)
        // Since the backup: Osaka's dual-stack slot cleared and the label changed.
        var edited = original
        edited.set(.null, at: ["settings", "app", "acsURL4"])
        edited.set("Renamed by hand", at: ["label"])
        edited.set("2026-11-20T08:00:00.000Z", at: ["lastUpdated"])
        world.okta.setApp(edited)
        let config = try self.config(world)

        let preview = try await prepare(world, path, config)
        #expect(preview.differences.map(\.field).sorted() == ["label", "settings.app.acsURL4"])
        #expect(preview.backup.appId == "0oaidc1")
        #expect(world.okta.requests == ["GET /api/v1/apps/0oaidc1"], "prepare only reads")

        let client = try self.client(world, config)
        let previous = try await OktaRestore.apply(preview, client: client, options: .init(backupDirectory: backups(world), now: world.context.date),
                                                   logger: EngineWorld.quietLogger)
        #expect(world.okta.requests == ["GET /api/v1/apps/0oaidc1", "GET /api/v1/apps/0oaidc1", "PUT /api/v1/apps/0oaidc1", "GET /api/v1/apps/0oaidc1"],
                "the guard's re-read, one PUT, the read-back")
        var restored = try #require(world.okta.app("0oaidc1")?.objectValue)
        var expected = try #require(original.objectValue)
        restored["lastUpdated"] = nil
        expected["lastUpdated"] = nil
        #expect(restored == expected, "the app exactly as saved")
        #expect(previous != path)
        let replaced = try Backups.load(previous)
        #expect(replaced.app.label == "Renamed by hand", "what the restore replaced is saved first")

        let again = try await prepare(world, path, config)
        #expect(again.differences.isEmpty, "a second restore has nothing to do")
    }

    @Test func theClientVPNAppIsRestoredIntoTheAppTheVPNSectionNames() async throws {
        let world = try EngineWorld()
        world.okta.addIdentityCenterApp(slots: EngineWorld.syncedSlots)
        world.okta.addClientVPNApp(port: .number("35001"))
        let path = try backup(world, "0oavpn1")
        var edited = try #require(world.okta.app("0oavpn1"))
        edited.set(.number("443"), at: ["settings", "app", "port"])
        edited.set("2026-11-20T08:00:00.000Z", at: ["lastUpdated"])
        world.okta.setApp(edited)
        let config = try self.config(world, vpn: true)
        let preview = try await prepare(world, path, config)
        #expect(preview.differences.map(\.field) == ["settings.app.port"])
        _ = try await OktaRestore.apply(preview, client: try self.client(world, config),
                                        options: .init(backupDirectory: backups(world), now: world.context.date), logger: EngineWorld.quietLogger)
        #expect(world.okta.puts == ["PUT /api/v1/apps/0oavpn1"])
        #expect(world.okta.app("0oavpn1")?.value(at: ["settings", "app", "port"]) == .number("35001"))
        #expect(world.okta.app("0oaidc1")?["lastUpdated"] == "2026-01-05T09:00:00.000Z", "the IdC app is untouched")
    }

    @Test func aTileOfThisInstanceIsRestored() async throws {
        let world = try EngineWorld()
        world.okta.addIdentityCenterApp(slots: EngineWorld.syncedSlots)
        let marker = TileMarker(instanceId: try InstanceARN.parse(Self.instanceArn).get().instanceId, region: EngineWorld.osaka, mirroredGroups: []).note(keeping: nil)
        world.okta.addBookmarkApp(id: "0oatile1", label: "AWS access portal - Osaka (ap-northeast-3)", url: "https://example.test/portal", adminNote: marker)
        let path = try backup(world, "0oatile1")
        var edited = try #require(world.okta.app("0oatile1"))
        edited.set("https://elsewhere.example/", at: ["settings", "app", "url"])
        edited.set("2026-11-20T08:00:00.000Z", at: ["lastUpdated"])
        world.okta.setApp(edited)
        let config = try self.config(world)
        let preview = try await prepare(world, path, config)
        #expect(preview.differences.map(\.field) == ["settings.app.url"])
        _ = try await OktaRestore.apply(preview, client: try self.client(world, config),
                                        options: .init(backupDirectory: backups(world), now: world.context.date), logger: EngineWorld.quietLogger)
        #expect(world.okta.app("0oatile1")?.value(at: ["settings", "app", "url"]) == "https://example.test/portal")
    }

    // MARK: Refusals

    @Test func aConcurrentEditBetweenPreviewAndWriteIsAConflictAndNothingIsWritten() async throws {
        let world = try EngineWorld()
        world.okta.addIdentityCenterApp(slots: EngineWorld.syncedSlots)
        let path = try backup(world)
        var edited = try #require(world.okta.app("0oaidc1"))
        edited.set(.null, at: ["settings", "app", "acsURL4"])
        edited.set("2026-11-20T08:00:00.000Z", at: ["lastUpdated"])
        world.okta.setApp(edited)
        let config = try self.config(world)
        let preview = try await prepare(world, path, config)

        // Another admin edits the app after the preview was shown.
        edited.set("Edited meanwhile", at: ["label"])
        edited.set("2026-11-20T09:00:00.000Z", at: ["lastUpdated"])
        world.okta.setApp(edited)
        let error = await #expect(throws: IDCSyncError.self) {
            _ = try await OktaRestore.apply(preview, client: try self.client(world, config),
                                            options: .init(backupDirectory: backups(world), now: world.context.date), logger: EngineWorld.quietLogger)
        }
        #expect(error?.kind == .conflict)
        #expect(error?.diagnostics.map(\.code) == ["okta.concurrent-edit"])
        #expect(error?.diagnostics.first?.message == "the Okta app changed since it was read (app 0oaidc1, lastUpdated 2026-11-20T08:00:00.000Z → 2026-11-20T09:00:00.000Z): someone else edited it. Nothing was written; run the command again to plan against the new state.")
        #expect(world.okta.puts.isEmpty)
        #expect(world.okta.app("0oaidc1")?["label"] == "Edited meanwhile")
    }

    @Test func aBackupOfAnotherIdentityCenterAppIsRefused() async throws {
        let world = try EngineWorld()
        world.okta.addIdentityCenterApp(slots: EngineWorld.syncedSlots)
        world.okta.addIdentityCenterApp(id: "0oaother", slots: [:])
        let path = try backup(world, "0oaother")
        let error = await refused(world, path, try self.config(world))
        #expect(error?.diagnostics.first?.field == "okta.appId")
        #expect(error?.diagnostics.first?.message == "the backup is of app 0oaother, but this config's IAM Identity Center app is 0oaidc1 (okta.appId); idcsync restores only into that app; nothing was written to Okta")
    }

    @Test func aBackupFromAnotherOrgIsRefused() async throws {
        let world = try EngineWorld()
        world.okta.addIdentityCenterApp(slots: EngineWorld.syncedSlots)
        var foreign = try #require(world.okta.app("0oaidc1"))
        foreign.set(.object(["self": .object(["href": "https://other.okta.example/api/v1/apps/0oaidc1"])]), at: ["_links"])
        let path = try Backups.save(try OktaApp(json: foreign), orgURL: "https://other.okta.example", directory: backups(world), now: world.context.date)
        let error = await refused(world, path, try self.config(world))
        #expect(error?.diagnostics.first?.field == "okta.orgUrl")
        #expect(error?.diagnostics.first?.message == "the backup is of an app in the Okta org https://other.okta.example, but okta.orgUrl is \(world.okta.orgURL); nothing was written to Okta")
        #expect(world.okta.requests.isEmpty, "refused before asking Okta")
    }

    @Test func aClientVPNBackupWithoutAVPNSectionIsRefused() async throws {
        let world = try EngineWorld()
        world.okta.addIdentityCenterApp(slots: EngineWorld.syncedSlots)
        world.okta.addClientVPNApp()
        let path = try backup(world, "0oavpn1")
        let error = await refused(world, path, try self.config(world, vpn: false))
        #expect(error?.diagnostics.first?.message == "the backup is of the Client VPN app 0oavpn1, but the config has no vpn section naming it; nothing was written to Okta")
    }

    @Test func aBackupOfAnAppIdcsyncDoesNotWriteIsRefused() async throws {
        let world = try EngineWorld()
        world.okta.addIdentityCenterApp(slots: EngineWorld.syncedSlots)
        world.okta.addIdentityCenterApp(id: "0oasales", slots: [:], name: "salesforce")
        let path = try backup(world, "0oasales")
        let error = await refused(world, path, try self.config(world))
        #expect(error?.diagnostics.first?.message == "the backup is of an app named salesforce; idcsync restores only the apps it writes (amazon_aws_sso, bookmark tiles, aws_clientvpn); nothing was written to Okta")
        #expect(world.okta.requests.isEmpty)
    }

    @Test func aBookmarkAppWithoutThisInstancesMarkerIsRefused() async throws {
        let world = try EngineWorld()
        world.okta.addIdentityCenterApp(slots: EngineWorld.syncedSlots)
        world.okta.addBookmarkApp(id: "0oahandmade", label: "Intranet", url: "https://intranet.example/", adminNote: nil)
        let path = try backup(world, "0oahandmade")
        let error = await refused(world, path, try self.config(world))
        #expect(error?.diagnostics.first?.message == "app 0oahandmade is a Bookmark app that idcsync does not manage (no idcsync marker for this instance in its admin note); idcsync restores only its own tiles; nothing was written to Okta")
    }

    @Test func aBackupThatWouldChangeTheDefaultACSURLOrTakeAFieldAwayIsRefusedFieldByField() async throws {
        let world = try EngineWorld()
        world.okta.addIdentityCenterApp(slots: EngineWorld.syncedSlots)
        var forged = try #require(world.okta.app("0oaidc1")?.objectValue)
        forged["credentials"] = nil
        var settings = forged["settings"]!
        settings.set("https://attacker.example/saml/acs", at: ["app", "acsURL"])
        forged["settings"] = settings
        let path = try Backups.save(try OktaApp(json: .object(forged)), orgURL: world.okta.orgURL, directory: backups(world), now: world.context.date)
        let error = await refused(world, path, try self.config(world))
        let byField = Dictionary(uniqueKeysWithValues: (error?.diagnostics ?? []).map { ($0.field ?? "", $0.message) })
        #expect(byField.keys.sorted() == ["credentials", "settings.app.acsURL"])
        #expect(byField["settings.app.acsURL"]?.hasPrefix("the restore would change it from \"\(FakeOkta.defaultACS)\" to \"https://attacker.example/saml/acs\"; idcsync never changes it") == true,
                "\(byField)")
        #expect(byField["credentials"]?.contains("and the backup does not: a restore would remove it") == true, "\(byField)")
    }

    @Test func anEditedBackupFailsItsDigest() async throws {
        let world = try EngineWorld()
        world.okta.addIdentityCenterApp(slots: EngineWorld.syncedSlots)
        let path = try backup(world)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacingOccurrences(of: "AWS IAM Identity Center", with: "AWS IAM Identity Centre").write(toFile: path, atomically: true, encoding: .utf8)
        let error = await refused(world, path, try self.config(world))
        #expect(error?.diagnostics.first?.message == "the app in the backup does not match its SHA-256: the file was changed or cut short after idcsync wrote it; nothing was written to Okta")
        #expect(world.okta.requests.isEmpty)
    }
}
