import IDCSyncCore

/// `idcsync urls` as a terminal table, a Markdown document or JSON.
public enum URLRenderer {
    public static func text(input: URLCatalogInput, regions: [RegionURLs], style: Style) -> String {
        var lines = [summary(input)]
        let kindWidth = 8
        let variantWidth = URLVariant.allCases.map(\.displayName.count).max()! + 2
        let statusWidth = "does not work".count + 2
        let indent = String(repeating: " ", count: 2 + kindWidth + variantWidth + statusWidth)
        for region in regions {
            lines.append("")
            lines.append(style.bold("\(region.region.name) (\(role(region)))"))
            for entry in region.entries {
                let status = statusText(entry.status)
                let styledStatus: String
                switch entry.status {
                case .works: styledStatus = style.green(pad(status, statusWidth))
                case .doesNotWork: styledStatus = style.red(pad(status, statusWidth))
                case .unknown: styledStatus = style.yellow(pad(status, statusWidth))
                }
                lines.append("  " + pad(kindName(entry.variant), kindWidth) + pad(entry.variant.displayName, variantWidth)
                             + styledStatus + (entry.url ?? style.dim("(no URL)")))
                lines.append(indent + style.dim(entry.explanation))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func markdown(input: URLCatalogInput, regions: [RegionURLs]) -> String {
        var lines = ["# IAM Identity Center sign-in and portal URLs", "", summary(input)]
        for region in regions {
            lines += ["", "## \(region.region.name) (\(role(region)))", "",
                      "| Kind | Variant | Works here | URL | Notes |", "| --- | --- | --- | --- | --- |"]
            for entry in region.entries {
                let url = entry.url.map { "`\($0)`" } ?? "(none)"
                let cells = [kindName(entry.variant), entry.variant.displayName, statusText(entry.status), url, entry.explanation]
                lines.append("| " + cells.map(escapeCell).joined(separator: " | ") + " |")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func json(input: URLCatalogInput, regions: [RegionURLs], diagnostics: [Diagnostic]) -> JSONValue {
        func optional(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        return .object([
            "partition": .string(input.partition.rawValue),
            "primaryRegion": .string(input.primaryRegion.name),
            "instanceId": optional(input.instanceId),
            "identityStoreId": optional(input.identityStoreId?.value),
            "tenantId": optional(input.tenantId),
            "customAlias": optional(input.customAlias),
            "enabledBeforeFebruary2026": input.enabledBeforeFebruary2026.map(JSONValue.bool) ?? .null,
            "regions": .array(regions.map { region in
                .object([
                    "region": .string(region.region.name),
                    "primary": .bool(region.isPrimary),
                    "enabled": .bool(region.isEnabled),
                    "urls": .array(region.entries.map { entry in
                        .object([
                            "kind": .string(entry.variant.kind.rawValue),
                            "variant": .string(entry.variant.shortName),
                            "url": optional(entry.url),
                            "status": .string(entry.status.rawValue),
                            "reason": optional(entry.reason?.rawValue),
                            "explanation": .string(entry.explanation),
                            "source": optional(entry.source?.rawValue),
                        ])
                    }),
                ])
            }),
            "diagnostics": DiagnosticsRenderer.json(diagnostics),
        ])
    }

    private static func summary(_ input: URLCatalogInput) -> String {
        var parts = ["partition \(input.partition.rawValue)", "primary Region \(input.primaryRegion.name)"]
        if let id = input.instanceId { parts.append("instance \(id)") }
        if let store = input.identityStoreId { parts.append("identity store \(store.value)") }
        parts.append("tenant id \(input.tenantId ?? "unknown")")
        return "Instance: " + parts.joined(separator: ", ")
    }

    private static func role(_ region: RegionURLs) -> String {
        if region.isPrimary { return "primary Region" }
        return region.isEnabled ? "additional Region" : "not yet added"
    }

    private static func kindName(_ variant: URLVariant) -> String { variant.kind == .acs ? "ACS" : "portal" }

    private static func statusText(_ status: URLEntry.Status) -> String {
        switch status {
        case .works: "works"
        case .doesNotWork: "does not work"
        case .unknown: "unknown"
        }
    }

    private static func escapeCell(_ text: String) -> String { text.replacing("|", with: "\\|") }
}
