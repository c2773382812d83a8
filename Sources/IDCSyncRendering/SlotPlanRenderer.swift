import IDCSyncCore

/// The Okta slot plan: a diff for people (`+` add, `-` clear, `~` replace, `!` foreign) and JSON.
public enum SlotPlanRenderer {
    public struct Context: Sendable {
        public var app: OktaApp
        public var layout: ACSSlotLayout
        public var defaultACS: String?
        public var issuer: String?
        public var tenantId: String
        public var enabledBeforeFebruary2026: Bool
        public var regions: [Region]

        public init(app: OktaApp, layout: ACSSlotLayout, defaultACS: String?, issuer: String?, tenantId: String,
                    enabledBeforeFebruary2026: Bool, regions: [Region]) {
            self.app = app
            self.layout = layout
            self.defaultACS = defaultACS
            self.issuer = issuer
            self.tenantId = tenantId
            self.enabledBeforeFebruary2026 = enabledBeforeFebruary2026
            self.regions = regions
        }
    }

    public static func text(_ plan: SlotPlan, context: Context, style: Style) -> String {
        var lines = [
            style.bold("Okta app \(context.app.id) \"\(context.app.label ?? "")\"") + " (last updated \(context.app.lastUpdated ?? "unknown"))",
            "  default ACS URL  \(context.defaultACS ?? "(empty)")  " + style.dim("(\(context.layout.defaultKey); never changed)"),
            "  issuer           \(context.issuer ?? "(empty)")  " + style.dim("(\(context.layout.issuerKey); never changed)"),
            "  Regions          \(context.regions.map(\.name).joined(separator: ", "))",
            "",
        ]
        let keyWidth = context.layout.slotKeys.map(\.count).max() ?? 8
        let indent = String(repeating: " ", count: 12 + keyWidth + 2)
        for slot in plan.slots where slot.before != nil || slot.after != nil {
            let marker: String
            switch (slot.before, slot.after) {
            case (nil, _?): marker = style.green("+")
            case (_?, nil): marker = style.red("-")
            case (let before?, let after?) where before != after: marker = style.yellow("~")
            default: marker = slot.reason == .foreignKept ? style.yellow("!") : " "
            }
            let head = "  \(marker) " + pad("slot \(slot.number)", 8) + pad(slot.key, keyWidth + 2)
            switch (slot.before, slot.after) {
            case (let before?, let after?) where before != after:
                lines.append(head + before)
                lines.append(indent.dropLast(3) + "→  " + after)
            default:
                lines.append(head + (slot.after ?? slot.before ?? ""))
            }
            lines.append(indent + style.dim(explanation(slot)))
        }
        if plan.slots.allSatisfy({ $0.before == nil && $0.after == nil }) {
            lines.append("  (all 17 slots are empty)")
        }
        lines.append("")
        lines.append(summary(plan))
        return lines.map(TerminalText.line).joined(separator: "\n") + "\n"
    }

    public static func summary(_ plan: SlotPlan) -> String {
        guard plan.hasChanges else { return "No changes: the Okta app's ACS URL slots are in sync." }
        let added = plan.slots.filter { $0.before == nil && $0.after != nil }.count
        let cleared = plan.slots.filter { $0.before != nil && $0.after == nil }.count
        let replaced = plan.slots.filter { $0.before != nil && $0.after != nil && $0.changed }.count
        var parts = ["\(added) to add", "\(cleared) to clear"]
        if replaced > 0 { parts.append("\(replaced) to replace") }
        let foreign = plan.slots.filter { $0.reason == .foreignKept }.count
        if foreign > 0 { parts.append("\(foreign) foreign URL\(foreign == 1 ? "" : "s") kept") }
        return "Plan: " + parts.joined(separator: ", ") + "."
    }

    /// `okta apply --output json`: the plan, the diagnostics, and how the write ended (`outcome`
    /// in-sync, dry-run, declined or applied; `backup`, the app as it was, when written).
    public static func applyDocument(_ plan: SlotPlan, context: Context, diagnostics: [Diagnostic], outcome: String, backup: String?) -> JSONValue {
        var document = json(plan, context: context)
        document["diagnostics"] = DiagnosticsRenderer.json(diagnostics)
        document["result"] = .object(["outcome": .string(outcome), "backup": backup.map(JSONValue.string) ?? .null])
        return .object(document)
    }

    public static func json(_ plan: SlotPlan, context: Context) -> JSONObject {
        func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }
        return [
            "app": .object(["id": .string(context.app.id), "label": optional(context.app.label), "lastUpdated": optional(context.app.lastUpdated)]),
            "defaultAcsUrl": optional(context.defaultACS),
            "issuer": optional(context.issuer),
            "tenantId": .string(context.tenantId),
            "enabledBeforeFebruary2026": .bool(context.enabledBeforeFebruary2026),
            "regions": .strings(context.regions.map(\.name)),
            "slotKeys": .strings(context.layout.slotKeys),
            "inSync": .bool(!plan.hasChanges),
            "changes": .int(plan.changes.count),
            "slots": .array(plan.slots.map { slot in
                .object([
                    "slot": .int(slot.number),
                    "key": .string(slot.key),
                    "before": optional(slot.before),
                    "after": optional(slot.after),
                    "action": .string(action(slot)),
                    "reason": .string(code(slot.reason)),
                    "replacedBecause": slot.replacedBecause.map { .string(code($0)) } ?? .null,
                    "explanation": .string(explanation(slot)),
                ])
            }),
        ]
    }

    static func action(_ slot: SlotPlan.Slot) -> String {
        switch (slot.before, slot.after) {
        case (nil, nil): "none"
        case (nil, _?): "add"
        case (_?, nil): "clear"
        case (let before?, let after?): before == after ? "keep" : "replace"
        }
    }

    public static func code(_ reason: SlotPlan.Reason) -> String {
        switch reason {
        case .empty: "empty"
        case .desired: "desired"
        case .added: "add"
        case .regionNotEnabled: "region-not-enabled"
        case .variantNotConfigured: "variant-not-configured"
        case .sameAsDefault: "same-as-default"
        case .duplicate: "duplicate"
        case .foreignKept: "foreign-kept"
        case .foreignRemoved: "foreign-removed"
        }
    }

    public static func explanation(_ slot: SlotPlan.Slot) -> String {
        guard let replaced = slot.replacedBecause else { return explanation(slot.reason) }
        return explanation(slot.reason) + "; the URL it replaces: " + explanation(replaced)
    }

    public static func explanation(_ reason: SlotPlan.Reason) -> String {
        switch reason {
        case .empty: "empty"
        case .desired(let url): url.label
        case .added(let url): "add the \(url.label)"
        case .regionNotEnabled(let region): "\(region.name) is not a Region of the instance"
        case .variantNotConfigured(let region, let variant): "\(region.name) \(variant.displayName) ACS: \(variant.shortName) is not in okta.acsVariants"
        case .sameAsDefault: "the same URL as the default ACS URL: redundant and harmless, cleared only with a write that is needed anyway"
        case .duplicate(let slot): "a duplicate of slot \(slot): redundant and harmless, cleared only with a write that is needed anyway"
        case .foreignKept: "not an ACS URL of this instance; kept (okta.foreignUrls: keep)"
        case .foreignRemoved: "not an ACS URL of this instance; removed (okta.foreignUrls: remove)"
        }
    }
}
