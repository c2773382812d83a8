import IDCSyncCore

/// `okta restore`: the whole-app diff, current → backup, shown before anything is written.
public enum RestoreRenderer {
    public struct Context: Sendable {
        public var backupPath: String
        public var appId: String
        public var appName: String?
        public var label: String?
        public var savedAt: String
        public var currentLastUpdated: String?
        public init(backupPath: String, appId: String, appName: String?, label: String?, savedAt: String, currentLastUpdated: String?) {
            self.backupPath = backupPath
            self.appId = appId
            self.appName = appName
            self.label = label
            self.savedAt = savedAt
            self.currentLastUpdated = currentLastUpdated
        }
    }

    public static func text(_ differences: [FieldDifference], context: Context, style: Style) -> String {
        var lines = ["Okta app \(context.appId) \"\(context.label ?? "")\" (\(context.appName ?? "?"), last updated \(context.currentLastUpdated ?? "?")) → the backup saved \(context.savedAt)", ""]
        guard !differences.isEmpty else {
            return (lines + ["No changes: the app already is as the backup saved it."]).joined(separator: "\n") + "\n"
        }
        let width = differences.map(\.field.count).max() ?? 0
        for difference in differences {
            let field = difference.field.padding(toLength: width)
            lines.append("\(style.yellow("~")) \(field)  \(AppDiff.describe(difference.before)) → \(AppDiff.describe(difference.after))")
        }
        lines.append("")
        lines.append("Restore: \(differences.count) field\(differences.count == 1 ? "" : "s") to change.")
        return lines.joined(separator: "\n") + "\n"
    }

    /// `okta restore --output json`: the differences and how the restore ended (`outcome` in-sync,
    /// dry-run, declined or restored; `backupOfPreviousState`, the app as it was, when written).
    public static func restoreDocument(_ differences: [FieldDifference], context: Context, outcome: String, backupOfPreviousState: String?) -> JSONValue {
        var document = json(differences, context: context)
        document["result"] = .object(["outcome": .string(outcome), "backupOfPreviousState": backupOfPreviousState.map(JSONValue.string) ?? .null])
        return .object(document)
    }

    public static func json(_ differences: [FieldDifference], context: Context) -> JSONObject {
        [
            "backup": .string(context.backupPath), "appId": .string(context.appId), "appName": context.appName.map(JSONValue.string) ?? .null,
            "savedAt": .string(context.savedAt), "currentLastUpdated": context.currentLastUpdated.map(JSONValue.string) ?? .null,
            "inSync": .bool(differences.isEmpty),
            "changes": .array(differences.map { difference in
                .object(["field": .string(difference.field), "current": difference.before ?? .null, "backup": difference.after ?? .null,
                         "currentPresent": .bool(difference.before != nil), "backupPresent": .bool(difference.after != nil)])
            }),
        ]
    }
}

extension String {
    fileprivate func padding(toLength length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }
}
