/// One difference between two JSON documents: a field (a path of object keys) whose value is not the
/// same. `nil` means the field is absent; `.null` is an explicit null, which is not the same thing.
public struct FieldDifference: Sendable, Equatable {
    public var path: [String]
    public var before: JSONValue?
    public var after: JSONValue?

    public init(path: [String], before: JSONValue?, after: JSONValue?) {
        self.path = path
        self.before = before
        self.after = after
    }

    /// `settings.app.acsURL3`.
    public var field: String { path.joined(separator: ".") }
}

/// Field-by-field comparison of Okta apps (or any JSON documents).
public enum AppDiff {
    /// Fields Okta manages itself: never sent back as written, so never compared after a write.
    public static let serverManaged: Set<String> = ["lastUpdated", "_links", "_embedded"]
    /// Fields Okta ignores on PUT (domain-facts section 2): a restore cannot change them.
    public static let ignoredOnPut: Set<String> = ["id", "name", "status", "created", "lastUpdated", "_links", "_embedded"]

    /// Every field whose value differs, descending into objects; arrays and scalars are compared
    /// whole. Top-level keys in `ignoring` are skipped. Order: `before`'s keys, then keys only in `after`.
    public static func differences(_ before: JSONValue, _ after: JSONValue, ignoring: Set<String> = []) -> [FieldDifference] {
        var result: [FieldDifference] = []
        walk(before, after, path: [], ignoring: ignoring, into: &result)
        return result
    }

    private static func walk(_ before: JSONValue?, _ after: JSONValue?, path: [String], ignoring: Set<String>, into result: inout [FieldDifference]) {
        if case .object(let left)? = before, case .object(let right)? = after {
            var keys = left.keys
            for key in right.keys where left[key] == nil { keys.append(key) }
            for key in keys where !(path.isEmpty && ignoring.contains(key)) {
                walk(left[key], right[key], path: path + [key], ignoring: ignoring, into: &result)
            }
            return
        }
        if before != after { result.append(FieldDifference(path: path, before: before, after: after)) }
    }

    /// A value for a message: JSON text, `(absent)` for a missing field, cut at 200 characters.
    public static func describe(_ value: JSONValue?) -> String {
        guard let value else { return "(absent)" }
        let text = JSONWriter.compact(value)
        return text.count > 200 ? String(text.prefix(200)) + "…" : text
    }
}

/// Why a backup must not be restored over the current app. A restore is a full replace of the app
/// a whole company signs in through: it may put slot values back, never take away what the app has.
public struct RestoreRefusal: Sendable, Equatable {
    public var field: String
    public var reason: String
}

public enum RestoreCheck {
    /// The refusals for restoring `backup` over `current`. `clearable` are the `settings.app` keys a
    /// restore may set back to null (the ACS URL slots, which `okta apply` fills); `fixed` are the
    /// `settings.app` keys a restore must never change (the default ACS URL and the issuer: idcsync
    /// never changes them, so a backup that differs there was not taken by idcsync of this app, or
    /// the app was reconfigured since).
    public static func refusals(current: OktaApp, backup: OktaApp, clearable: Set<String>, fixed: Set<String>) -> [RestoreRefusal] {
        var refusals: [RestoreRefusal] = []
        if current.id != backup.id {
            refusals.append(RestoreRefusal(field: "id", reason: "the backup is of app \(backup.id), not \(current.id)"))
        }
        if current.name != backup.name {
            refusals.append(RestoreRefusal(field: "name", reason: "the backup is of an app named \(backup.name ?? "(none)"), but app \(current.id) is \(current.name ?? "(none)")"))
        }
        for difference in AppDiff.differences(current.json, backup.json, ignoring: AppDiff.ignoredOnPut) {
            let path = difference.path
            let settingsKey = path.count == 3 && path[0] == "settings" && path[1] == "app" ? path[2] : nil
            if let key = settingsKey, fixed.contains(key) {
                refusals.append(RestoreRefusal(field: difference.field,
                    reason: "the restore would change it from \(AppDiff.describe(difference.before)) to \(AppDiff.describe(difference.after)); idcsync never changes it"))
                continue
            }
            if path == ["signOnMode"] {
                refusals.append(RestoreRefusal(field: difference.field,
                    reason: "the restore would change the sign-on mode from \(AppDiff.describe(difference.before)) to \(AppDiff.describe(difference.after))"))
                continue
            }
            guard let before = difference.before, before != .null else { continue }
            if difference.after == nil {
                refusals.append(RestoreRefusal(field: difference.field, reason: "the app has it (\(AppDiff.describe(before))) and the backup does not: a restore would remove it"))
            } else if difference.after == .null, !(settingsKey.map(clearable.contains) ?? false) {
                refusals.append(RestoreRefusal(field: difference.field, reason: "the app has \(AppDiff.describe(before)) and the backup null: a restore would clear it"))
            }
        }
        return refusals
    }
}
