#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Crypto
import Foundation
import HTTPKit
import IDCSyncCore
import SystemKit

/// A backup as idcsync writes it: the app exactly as read, inside an envelope that says where it came
/// from and proves the app was not changed or cut short since (SHA-256 of the app's compact JSON).
/// `okta restore` writes only what such an envelope proves.
public struct OktaBackup: Sendable, Equatable {
    public static let formatVersion = 1

    public var orgURL: String
    public var appId: String
    public var appName: String?
    /// When idcsync saved it (UTC, ISO 8601).
    public var savedAt: String
    public var app: OktaApp

    /// The file's JSON: the envelope's fields, then the app.
    var document: JSONValue {
        .object([
            "idcsyncBackup": .object([
                "formatVersion": .int(Self.formatVersion), "orgUrl": .string(orgURL), "appId": .string(appId),
                "appName": appName.map(JSONValue.string) ?? .null, "savedAt": .string(savedAt), "sha256": .string(Self.digest(app)),
            ]),
            "app": app.json,
        ])
    }

    static func digest(_ app: OktaApp) -> String {
        SHA256.hash(data: Array(JSONWriter.compact(app.json).utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

/// Backups of Okta apps as read before a write: one file each, mode 0600, in a folder that only the
/// user can write (created 0700), written atomically, named after the app and the UTC time.
public enum Backups {
    public static func save(_ app: OktaApp, orgURL: String, directory: String, now: Date) throws(IDCSyncError) -> String {
        try prepareDirectory(directory)
        let stamp = Timestamp.fileStamp(now.timeIntervalSince1970)
        let savedAt = Timestamp.iso8601(now.timeIntervalSince1970, milliseconds: true)
        let backup = OktaBackup(orgURL: orgURL, appId: app.id, appName: app.name, savedAt: savedAt, app: app)
        let safeId = String(app.id.filter { $0.isASCII && ($0.isLetter || $0.isNumber) })
        var path = (directory as NSString).appendingPathComponent("okta-app-\(safeId)-\(stamp).json")
        var suffix = 1
        // Never replace an earlier backup, even one from the same millisecond.
        while exists(path) {
            suffix += 1
            path = (directory as NSString).appendingPathComponent("okta-app-\(safeId)-\(stamp)-\(suffix).json")
        }
        let text = JSONWriter.pretty(backup.document)
        // A backup holds the app exactly as read, or nothing: an app that carries one of this run's
        // credentials (a hostile or broken server echoing it) is neither saved nor written.
        guard !Redactor.containsRegisteredSecret(text) else {
            throw IDCSyncError(.failure, [Diagnostic(.error, code: "io.backup",
                "the app as Okta returned it contains a credential of this run (the API token, a key or a token); idcsync does not save it to a file, so nothing was written to Okta. Check the app in the Okta admin console and what sits between idcsync and Okta.")])
        }
        do {
            try AtomicFile.write(text, to: path, mode: 0o600)
        } catch {
            throw IDCSyncError(.failure, [Diagnostic(.error, code: "io.backup", "cannot write the backup: \(error); nothing was written to Okta")])
        }
        return path
    }

    /// The backup folder: an existing one must be a real folder (not a symbolic link) owned by this
    /// user and not writable by others; a missing one is created 0700 inside an existing parent.
    static func prepareDirectory(_ directory: String) throws(IDCSyncError) {
        func refuse(_ message: String) -> IDCSyncError {
            IDCSyncError(.configuration, [Diagnostic(.error, code: "io.backup-folder", "backup folder \(directory): \(message); nothing was written to Okta", field: "okta.backupDir")])
        }
        var info = stat()
        if lstat(directory, &info) != 0 {
            let code = errno
            guard code == ENOENT else { throw refuse("cannot use it: \(TextFile.describe(code))") }
            guard mkdir(directory, 0o700) == 0 else {
                let code = errno
                if code == ENOENT {
                    throw refuse("its parent folder does not exist; idcsync creates only the backup folder itself: create the parent, or pick another with --backup-dir or okta.backupDir")
                }
                throw refuse("cannot create it: \(TextFile.describe(code))")
            }
            guard lstat(directory, &info) == 0 else { throw refuse("cannot use it: \(TextFile.describe(errno))") }
        }
        let kind = info.st_mode & S_IFMT
        guard kind != S_IFLNK else {
            throw refuse("it is a symbolic link; give the folder it points to, after checking it is yours (backups hold the app a whole company signs in through)")
        }
        guard kind == S_IFDIR else { throw refuse("it is not a folder") }
        guard info.st_uid == geteuid() else {
            throw refuse("it belongs to user id \(info.st_uid), not to the user running idcsync (\(geteuid())); use a folder of your own")
        }
        guard info.st_mode & 0o022 == 0 else {
            throw refuse("others can write to it (mode \(String(info.st_mode & 0o777, radix: 8))); run `chmod 700 \(directory)` or pick another folder")
        }
    }

    private static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// Reads and verifies a backup: an envelope idcsync wrote, unchanged since (SHA-256), whose app
    /// is the one the envelope names. Anything else is refused, saying why and what to do.
    public static func load(_ path: String) throws(IDCSyncError) -> OktaBackup {
        func refuse(_ message: String) -> IDCSyncError {
            .config("usage.backup", "\(message); nothing was written to Okta", file: path)
        }
        let text: String
        switch TextFile.contents(of: path) {
        case .success(let contents): text = contents
        case .failure(let failure): throw refuse("cannot read the backup: \(failure)")
        }
        let json: JSONValue
        do { json = try JSONParser.parse(text) } catch { throw refuse("not a backup written by idcsync: not valid JSON (\(error))") }
        guard let envelope = json["idcsyncBackup"]?.objectValue else {
            if json["id"] != nil && json["name"] != nil {
                throw refuse("""
                    this is an Okta app without idcsync's backup envelope (as idcsync wrote backups before they could be verified, or as another tool saves them). \
                    idcsync cannot prove which org and app it belongs to or that it is complete, so it will not write it to Okta. \
                    To use it: check its id, name and _links.self.href are the app you mean, then put back what you need by hand in the Okta admin console \
                    (the app's Sign On tab), or let `idcsync okta apply` fill the ACS URL slots from the instance's Regions
                    """)
            }
            throw refuse("not a backup written by idcsync (no idcsyncBackup envelope)")
        }
        guard envelope["formatVersion"] == .int(OktaBackup.formatVersion) else {
            throw refuse("backup format \(AppDiff.describe(envelope["formatVersion"])) is not one this idcsync reads (\(OktaBackup.formatVersion)); use the idcsync version that wrote it")
        }
        guard let orgURL = envelope["orgUrl"]?.stringValue, let appId = envelope["appId"]?.stringValue,
              let savedAt = envelope["savedAt"]?.stringValue, let digest = envelope["sha256"]?.stringValue
        else { throw refuse("the backup envelope lacks orgUrl, appId, savedAt or sha256") }
        guard let appJSON = json["app"] else { throw refuse("the backup has no app") }
        let app: OktaApp
        do { app = try OktaApp(json: appJSON) } catch { throw refuse("the backup's app is not an Okta app: \(error.message)") }
        guard OktaBackup.digest(app) == digest.lowercased() else {
            throw refuse("the app in the backup does not match its SHA-256: the file was changed or cut short after idcsync wrote it")
        }
        guard app.id == appId else { throw refuse("the envelope names app \(appId), but the app in it is \(app.id)") }
        let appName = envelope["appName"]?.stringValue
        guard app.name == appName else { throw refuse("the envelope names an app called \(appName ?? "(none)"), but the app in it is \(app.name ?? "(none)")") }
        if let link = app.selfLink, !OktaBackup.sameOrg(link, orgURL) {
            throw refuse("the app's own link \(link) is not in the org the envelope names (\(orgURL))")
        }
        return OktaBackup(orgURL: orgURL, appId: appId, appName: appName, savedAt: savedAt, app: app)
    }
}

extension OktaBackup {
    /// Whether a URL is in an org (base URLs compared without case and trailing slashes).
    static func sameOrg(_ url: String, _ orgURL: String) -> Bool {
        let org = normalizedOrg(orgURL)
        let candidate = url.lowercased()
        return candidate == org || candidate.hasPrefix(org + "/")
    }

    static func normalizedOrg(_ url: String) -> String {
        var org = url.lowercased()
        while org.hasSuffix("/") { org.removeLast() }
        return org
    }
}
