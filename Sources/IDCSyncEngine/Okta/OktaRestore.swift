import IDCSyncCore
import Logging
import OktaKit

/// What `okta restore` would do: the verified backup, the app it goes into as it is now, every field
/// that would change (current → backup), and the app that would be sent.
public struct RestorePreview: Sendable, Equatable {
    public var backupPath: String
    public var backup: OktaBackup
    public var current: OktaApp
    /// The backup's app with the fields Okta ignores on PUT (id, status, timestamps, links) as the
    /// current app has them, so the read-back can be compared field by field.
    public var desired: OktaApp
    public var differences: [FieldDifference]
}

/// `okta restore BACKUP`: puts back an app exactly as idcsync saved it, and only what the backup
/// proves: its envelope and SHA-256 (Backups.load), the configured org, the app the config names
/// (or discovers) with the same name, and never a field taken away from the app.
public enum OktaRestore {
    /// What restoring this backup would write, for the ownership decision; read from the file alone.
    public static func parts(backupPath: String) throws(IDCSyncError) -> [OwnedPart] {
        let backup = try Backups.load(backupPath)
        switch backup.appName {
        case OktaTiles.bookmarkAppName?: return [.tile(region: nil)]
        case VPNWorkflow.oktaAppName?: return [.vpnOktaApp(appId: backup.appId)]
        default: return [.oktaAppSettings(appId: backup.appId)]
        }
    }

    public static func prepare(backupPath: String, config: Config, target: Target, client: OktaClient) async throws(IDCSyncError) -> RestorePreview {
        let backup = try Backups.load(backupPath)
        func refuse(_ message: String, field: String? = nil) -> IDCSyncError {
            .config("usage.backup", "\(message); nothing was written to Okta", field: field, file: backupPath)
        }
        let okta = target.okta ?? OktaConfig()
        guard OktaBackup.normalizedOrg(backup.orgURL) == OktaBackup.normalizedOrg(client.orgURL) else {
            throw refuse("the backup is of an app in the Okta org \(backup.orgURL), but okta.orgUrl is \(client.orgURL)", field: "okta.orgUrl")
        }
        let current: OktaApp
        var clearable: Set<String> = []
        var fixed: Set<String> = []
        switch backup.appName {
        case OktaSync.appName?:
            current = try await OktaSync.locateApp(okta, client: client)
            guard current.id == backup.appId else {
                throw refuse("the backup is of app \(backup.appId), but this config's IAM Identity Center app is \(current.id)\(okta.appId == nil ? " (the only \(OktaSync.appName) app in the org)" : " (okta.appId)"); idcsync restores only into that app", field: "okta.appId")
            }
            if let layout = try? ACSSlotLayout.discover(in: current, configured: okta.slotKeys) {
                clearable = Set(layout.slotKeys)
                fixed = [layout.defaultKey, layout.issuerKey]
            } else {
                fixed = ["acsURL", "entityID"]
            }
        case VPNWorkflow.oktaAppName?:
            guard let vpn = config.vpn else {
                throw refuse("the backup is of the Client VPN app \(backup.appId), but the config has no vpn section naming it")
            }
            current = try await VPNWorkflow.locateApp(vpn, client: client)
            try OktaSync.checkShape(current, requested: current.id, name: VPNWorkflow.oktaAppName)
            guard current.id == backup.appId else {
                throw refuse("the backup is of app \(backup.appId), but this config's Client VPN app is \(current.id); idcsync restores only into that app", field: "vpn.oktaAppId")
            }
        case OktaTiles.bookmarkAppName?:
            current = try await OktaSync.read(backup.appId, client)
            guard current.name == OktaTiles.bookmarkAppName else {
                throw refuse("the backup says app \(backup.appId) is a \(OktaTiles.bookmarkAppName) app, but in Okta it is \(current.name ?? "(no name)")")
            }
            guard let marker = TileApp(app: current).marker,
                  target.instance.arn.map({ $0.instanceId == marker.instanceId }) ?? true
            else {
                throw refuse("app \(backup.appId) is a Bookmark app that idcsync does not manage (no idcsync marker for this instance in its admin note); idcsync restores only its own tiles")
            }
        default:
            throw refuse("the backup is of an app named \(backup.appName ?? "(none)"); idcsync restores only the apps it writes (\(OktaSync.appName), \(OktaTiles.bookmarkAppName) tiles, \(VPNWorkflow.oktaAppName))")
        }

        let refusals = RestoreCheck.refusals(current: current, backup: backup.app, clearable: clearable, fixed: fixed)
        guard refusals.isEmpty else {
            throw IDCSyncError(.configuration, refusals.map { refusal in
                Diagnostic(.error, code: "usage.backup", "\(refusal.reason); idcsync does not restore this backup, nothing was written to Okta",
                           field: refusal.field, location: FileLocation(file: backupPath))
            })
        }
        var desired = backup.app.json
        for field in AppDiff.ignoredOnPut {
            if let value = current.json[field] { desired.set(value, at: [field]) } else if var object = desired.objectValue {
                object[field] = nil
                desired = .object(object)
            }
        }
        let desiredApp: OktaApp
        do { desiredApp = try OktaApp(json: desired) } catch { throw refuse(error.message) }
        return RestorePreview(backupPath: backupPath, backup: backup, current: current, desired: desiredApp,
                              differences: AppDiff.differences(current.json, backup.app.json, ignoring: AppDiff.ignoredOnPut))
    }

    /// Writes the backup's app through the guarded write (a backup of the current state first, the
    /// `lastUpdated` guard, the PUT and a field-by-field read-back). Returns the new backup's path.
    public static func apply(_ preview: RestorePreview, client: OktaClient, options: OktaSync.WriteOptions, logger: Logger) async throws(IDCSyncError) -> String {
        try await OktaSync.guardedReplace(preview.current, with: preview.desired, client: client, options: options, logger: logger)
    }
}
