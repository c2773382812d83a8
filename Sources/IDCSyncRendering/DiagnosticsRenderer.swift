import IDCSyncCore

public enum DiagnosticsRenderer {
    /// At most this many diagnostics are shown (text and JSON), errors first, then a note with how
    /// many more there were: a file with 500,000 unknown keys must not print 68 MB.
    public static let maximumShown = 50

    /// The diagnostics to show: all of them up to `maximumShown`; beyond that the first errors,
    /// then warnings and notes, and a final note counting the rest.
    public static func capped(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        guard diagnostics.count > maximumShown else { return diagnostics }
        let ordered = diagnostics.filter { $0.severity == .error } + diagnostics.filter { $0.severity == .warning }
            + diagnostics.filter { $0.severity == .note }
        let rest = ordered.dropFirst(maximumShown)
        var counts: [String] = []
        for (severity, name) in [(Diagnostic.Severity.error, "error"), (.warning, "warning"), (.note, "note")] {
            let count = rest.count { $0.severity == severity }
            if count > 0 { counts.append("\(count) \(name)\(count == 1 ? "" : "s")") }
        }
        return Array(ordered.prefix(maximumShown)) + [Diagnostic(.note, code: "diagnostics.more",
            "and \(rest.count) more not shown (\(counts.joined(separator: ", "))); fix the ones above and run again to see the rest")]
    }

    /// One line per diagnostic, compiler style: `file:line:col: error: field: message`; at most
    /// `maximumShown` (see `capped`).
    public static func text(_ diagnostics: [Diagnostic], style: Style) -> String {
        capped(diagnostics).map { diagnostic in
            var line = ""
            if let location = diagnostic.location { line += style.bold("\(location): ") }
            switch diagnostic.severity {
            case .error: line += style.red("error: ")
            case .warning: line += style.yellow("warning: ")
            case .note: line += style.cyan("note: ")
            }
            if let field = diagnostic.field { line += style.bold(field) + ": " }
            return line + diagnostic.message
        }.joined(separator: "\n")
    }

    /// At most `maximumShown` diagnostics and the note counting the rest (see `capped`).
    public static func json(_ diagnostics: [Diagnostic]) -> JSONValue {
        .array(capped(diagnostics).map { diagnostic in
            var object: JSONObject = [
                "severity": .string(diagnostic.severity.rawValue),
                "code": .string(diagnostic.code),
                "message": .string(diagnostic.message),
            ]
            object["field"] = diagnostic.field.map(JSONValue.string) ?? .null
            object["file"] = diagnostic.location.map { .string($0.file) } ?? .null
            object["line"] = diagnostic.location?.line.map(JSONValue.int) ?? .null
            object["column"] = diagnostic.location?.column.map(JSONValue.int) ?? .null
            return .object(object)
        })
    }

    /// The one document `--output json` prints on stdout when a command fails.
    public static func errorDocument(exitCode: Int, diagnostics: [Diagnostic]) -> String {
        JSONWriter.pretty(.object([
            "error": .object([
                "exitCode": .int(exitCode),
                "message": .string(diagnostics.first { $0.severity == .error }?.message ?? "failed"),
                "diagnostics": json(diagnostics),
            ]),
        ]))
    }
}
