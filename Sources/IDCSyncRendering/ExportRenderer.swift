import IDCSyncCore

/// `export terraform`: the files on stdout with `# file:` separators, or one JSON document.
public enum ExportRenderer {
    /// Every file after a `# file: NAME` line (a comment in HCL; the JSON file is the last one, so
    /// the separators are easy to split on).
    public static func text(_ export: TerraformExport) -> String {
        export.files.map { "# file: \($0.name)\n" + $0.contents }.joined(separator: "\n")
    }

    public static func json(_ export: TerraformExport, written: [String]?, diagnostics: [Diagnostic]) -> JSONValue {
        var providers: JSONObject = ["aws": .object(["source": "hashicorp/aws", "version": .string(TerraformExporter.awsProviderVersion)])]
        if export.files.contains(where: { $0.name == "okta.tf" }) {
            providers["okta"] = .object(["source": "okta/okta", "version": .string(TerraformExporter.oktaProviderVersion)])
        }
        return .object([
            "terraformVersion": .string(TerraformExporter.terraformVersion),
            "providers": .object(providers),
            "files": .array(export.files.map { .object(["name": .string($0.name), "contents": .string($0.contents)]) }),
            "resources": .array(export.resources.map { resource in
                .object([
                    "address": .string(resource.address),
                    "type": .string(resource.type),
                    "provider": resource.provider.map(JSONValue.string) ?? .null,
                    "importId": resource.importId.map(JSONValue.string) ?? .null,
                    "docUrl": .string(resource.docURL),
                ])
            }),
            "imports": .array(export.resources.compactMap { resource in
                resource.importId.map { id in
                    .object(["to": .string(resource.address), "id": .string(id), "provider": resource.provider.map(JSONValue.string) ?? .null])
                }
            }),
            "written": written.map(JSONValue.strings) ?? .null,
            "diagnostics": DiagnosticsRenderer.json(diagnostics),
        ])
    }
}
