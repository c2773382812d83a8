import IDCSyncCore

/// The JSON of the commands whose result is files written: `bookmarks --out` and `init`.
public enum FilesRenderer {
    /// A file written, as `bookmarks --output json` lists it.
    public struct WrittenFile: Sendable {
        public var path: String
        public var format: String
        public var language: String?

        public init(path: String, format: String, language: String?) {
            self.path = path
            self.format = format
            self.language = language
        }
    }

    public static func guidesDocument(outDir: String, files: [WrittenFile], diagnostics: [Diagnostic]) -> JSONValue {
        .object([
            "outDir": .string(outDir),
            "files": .array(files.map { file in
                .object(["path": .string(file.path), "format": .string(file.format), "language": file.language.map(JSONValue.string) ?? .null])
            }),
            "diagnostics": DiagnosticsRenderer.json(diagnostics),
        ])
    }

    public static func initDocument(path: String) -> JSONValue {
        .object(["path": .string(path), "written": true])
    }
}
