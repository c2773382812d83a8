import IDCSyncCore

/// `okta tiles plan|apply`: the steps as text or JSON.
public enum TilesRenderer {
    public static func text(_ plan: TilePlan, idcAppId: String, idcGroups: [String], style: Style) -> String {
        var lines = ["Okta dashboard tiles for the access portals (groups mirrored from the IdC app \(idcAppId): \(idcGroups.isEmpty ? "none" : idcGroups.joined(separator: ", ")))"]
        for tile in plan.desired {
            let opens = tile.region == nil ? "  (the company start URL: it opens a healthy Region's portal)" : ""
            lines.append("  \(tile.name)\(tile.isPrimary ? " (primary)" : "")  \"\(tile.label)\"  \(tile.url)\(opens)")
        }
        lines.append("")
        guard plan.hasChanges else {
            lines.append("No changes: the tiles are in place.")
            return lines.map(TerminalText.line).joined(separator: "\n") + "\n"
        }
        lines.append("Steps:")
        for (index, step) in plan.steps.enumerated() {
            lines.append("  \(index + 1). " + describe(step, style: style))
            if case .update(_, _, let changes) = step {
                for change in changes where change.field != "settings.notes.admin" {
                    lines.append("       \(change.field): \(change.before ?? "(none)") → \(change.after ?? "(none)")")
                }
                if changes.contains(where: { $0.field == "settings.notes.admin" }) {
                    lines.append("       settings.notes.admin: idcsync's marker (the groups it mirrored)")
                }
            }
        }
        return lines.map(TerminalText.line).joined(separator: "\n") + "\n"
    }

    public static func describe(_ step: TilePlan.Step, style: Style) -> String {
        let verb: String
        switch step {
        case .create, .assign: verb = style.green(step.verb)
        case .update, .activate: verb = style.yellow(step.verb)
        case .unassign, .remove: verb = style.red(step.verb)
        }
        return verb + " " + step.detail
    }

    /// `okta tiles apply --output json`: the plan and the steps done.
    public static func applyDocument(_ plan: TilePlan, idcAppId: String, idcGroups: [String], done: [String]) -> JSONValue {
        guard case .object(var document) = json(plan, idcAppId: idcAppId, idcGroups: idcGroups) else { return .null }
        document["done"] = .strings(done)
        return .object(document)
    }

    public static func json(_ plan: TilePlan, idcAppId: String, idcGroups: [String]) -> JSONValue {
        .object([
            "idcAppId": .string(idcAppId),
            "idcGroups": .strings(idcGroups),
            "tiles": .array(plan.desired.map { .object(["region": $0.region.map { .string($0.name) } ?? .null, "primary": .bool($0.isPrimary),
                                                        "label": .string($0.label), "url": .string($0.url), "opens": opens($0.key)]) }),
            "steps": .array(plan.steps.map(stepJSON)),
            "lookalikes": .array(plan.lookalikes.map { .object(["id": .string($0.id), "label": .string($0.label)]) }),
            "changes": .bool(plan.hasChanges),
        ])
    }

    static func stepJSON(_ step: TilePlan.Step) -> JSONValue {
        switch step {
        case .create(let tile, let groups, _):
            return .object(["action": "create", "region": region(tile.key), "opens": opens(tile.key), "label": .string(tile.label), "url": .string(tile.url),
                            "groups": .strings(groups)])
        case .update(let id, let key, let changes):
            return .object(["action": "update", "appId": .string(id), "region": region(key), "opens": opens(key), "changes": .array(changes.map {
                .object(["field": .string($0.field), "before": $0.before.map(JSONValue.string) ?? .null, "after": $0.after.map(JSONValue.string) ?? .null])
            })])
        case .activate(let id, let key):
            return .object(["action": "activate", "appId": .string(id), "region": region(key), "opens": opens(key)])
        case .assign(let id, let key, let groups):
            return .object(["action": "assign", "appId": .string(id), "region": region(key), "opens": opens(key), "groups": .strings(groups)])
        case .unassign(let id, let key, let groups):
            return .object(["action": "unassign", "appId": .string(id), "region": region(key), "opens": opens(key), "groups": .strings(groups)])
        case .remove(let id, let key, let label, let why):
            return .object(["action": "remove", "appId": .string(id), "region": region(key), "opens": opens(key), "label": label.map(JSONValue.string) ?? .null,
                            "why": .string(why)])
        }
    }

    /// The tile's Region, or null for the start URL tile.
    private static func region(_ key: String) -> JSONValue { key == TileMarker.startURLKey ? .null : .string(key) }
    /// `start-url` for the tile that opens the company start URL, `region-portal` for a Region's tile.
    private static func opens(_ key: String) -> JSONValue { key == TileMarker.startURLKey ? "start-url" : "region-portal" }
}
