import Foundation
import IDCSyncCore

/// Backups of Okta apps as read before a write: one JSON file each, mode 0600 in a 0700 folder,
/// written atomically, named after the app and the UTC time.
public enum Backups {
    /// Top-level fields Okta ignores on PUT (it sets them itself), so they may differ after a restore.
    static let readOnlyFields: Set<String> = ["id", "name", "status", "created", "lastUpdated", "_links", "_embedded"]

    public static func save(_ app: OktaApp, directory: String, now: Date) throws(CommandError) -> String {
        let manager = FileManager.default
        do {
            try manager.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw CommandError(.failure, [Diagnostic(.error, code: "io.backup", "cannot create the backup folder \(directory): \(error.localizedDescription); nothing was written to Okta")])
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss.SSS'Z'"
        let safeId = String(app.id.filter { $0.isLetter || $0.isNumber })
        let path = (directory as NSString).appendingPathComponent("okta-app-\(safeId)-\(formatter.string(from: now)).json")
        let temporary = path + ".tmp"
        let data = Data(JSONWriter.pretty(app.json).utf8)
        guard manager.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw CommandError(.failure, [Diagnostic(.error, code: "io.backup", "cannot write the backup \(temporary); nothing was written to Okta")])
        }
        guard rename(temporary, path) == 0 else {
            try? manager.removeItem(atPath: temporary)
            throw CommandError(.failure, [Diagnostic(.error, code: "io.backup", "cannot move the backup into place at \(path); nothing was written to Okta")])
        }
        return path
    }

    public static func load(_ path: String) throws(CommandError) -> OktaApp {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .config("usage.backup", "cannot read the backup \(path)", file: path)
        }
        do {
            return try OktaApp(json: try JSONParser.parse(Array(data)))
        } catch let error as JSONParser.Failure {
            throw .config("usage.backup", "\(path) is not a backup written by idcsync: not JSON (\(error))", file: path)
        } catch let error as OktaAppError {
            throw .config("usage.backup", "\(path) is not a backup of an Okta app: \(error.message)", file: path)
        } catch {
            throw .config("usage.backup", "\(path): \(error)", file: path)
        }
    }

    /// Top-level fields (and each `settings` member) whose values differ, ignoring read-only fields.
    static func differences(saved: OktaApp, now: OktaApp) -> [String] {
        guard let before = saved.json.objectValue, let after = now.json.objectValue else { return ["the whole app"] }
        var result: [String] = []
        for key in Set(before.keys).union(after.keys).sorted() where !readOnlyFields.contains(key) {
            if key == "settings", let settingsBefore = before[key]?.objectValue, let settingsAfter = after[key]?.objectValue {
                for member in Set(settingsBefore.keys).union(settingsAfter.keys).sorted() where settingsBefore[member] != settingsAfter[member] {
                    result.append("settings.\(member)")
                }
            } else if before[key] != after[key] {
                result.append(key)
            }
        }
        return result
    }
}
