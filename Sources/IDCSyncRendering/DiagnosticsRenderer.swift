import IDCSyncCore

public enum DiagnosticsRenderer {
    /// One line per diagnostic, compiler style: `file:line:col: error: field: message`.
    public static func text(_ diagnostics: [Diagnostic], style: Style) -> String {
        diagnostics.map { diagnostic in
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

    public static func json(_ diagnostics: [Diagnostic]) -> JSONValue {
        .array(diagnostics.map { diagnostic in
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
    public static func errorDocument(exitCode: Int32, diagnostics: [Diagnostic]) -> String {
        JSONWriter.pretty(.object([
            "error": .object([
                "exitCode": .int(Int(exitCode)),
                "message": .string(diagnostics.first { $0.severity == .error }?.message ?? "failed"),
                "diagnostics": json(diagnostics),
            ]),
        ]))
    }
}
