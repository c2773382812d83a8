import IDCSyncCore

/// `reconcile` as text, as one JSON document, and as a Prometheus textfile-collector file.
public enum ReconcileRenderer {
    // MARK: Text

    public static func text(_ report: ReconcileReport, style: Style, exitCode: (Outcome) -> Int) -> String {
        var lines: [String] = []
        for target in report.targets {
            let state: String
            switch target.state {
            case .inSync: state = style.green("in sync")
            case .fixed: state = style.green("fixed")
            case .drift where target.refused: state = style.red("drift in parts Terraform owns, not written (exit \(exitCode(target.outcome)))")
            case .drift: state = style.yellow("drift")
            case .error: state = style.red("error (exit \(exitCode(target.outcome)))")
            }
            lines.append("\(style.bold(target.name)): \(state)")
            for check in target.keyPolicies {
                let role = check.isPrimary ? " (primary)" : ""
                let what: String
                switch check.state {
                case .matches: what = "matches"
                case .drift: what = style.yellow("drift: " + (check.difference?.summary ?? "")) + " (fix: \(fix(check.owner, check.isPrimary ? TerraformAddress.primaryKey : replicaAddress(check.region))))"
                case .fixed: what = style.green("fixed") + " (was: " + (check.difference?.summary ?? "") + ")"
                case .missingReplica:
                    what = style.yellow("no replica key") + " (fix: " + (check.owner == .terraform ? "terraform apply with \(replicaAddress(check.region))" : "idcsync regions add \(check.region)") + ")"
                }
                lines.append("  key policy \(check.region)\(role): \(what)")
            }
            if let okta = target.okta {
                let app = "okta app \(okta.appId)" + (okta.appLabel.map { " \"\($0)\"" } ?? "")
                switch okta.state {
                case .inSync: lines.append("  \(app): slots in sync")
                case .drift: lines.append("  \(app): " + style.yellow("\(okta.changes.count) slot change\(okta.changes.count == 1 ? "" : "s") needed") + " (fix: \(fix(okta.owner, TerraformAddress.oktaAppSettings)))")
                case .fixed: lines.append("  \(app): " + style.green("\(okta.changes.count) slot change\(okta.changes.count == 1 ? "" : "s") written and read back") + (okta.backup.map { " (backup \($0))" } ?? ""))
                }
                for slot in okta.changes {
                    lines.append("    slot \(slot.number) \(slot.key): \(slot.before ?? "(empty)") → \(slot.after ?? "(empty)")")
                }
            }
            if let tiles = target.tiles {
                switch tiles.state {
                case .inSync: lines.append("  okta tiles: in place")
                case .drift: lines.append("  okta tiles: " + style.yellow("\(tiles.steps.count) step\(tiles.steps.count == 1 ? "" : "s") needed") + " (fix: \(fix(tiles.owner, "okta_app_bookmark.portal_*")))")
                case .fixed: lines.append("  okta tiles: " + style.green("\(tiles.steps.count) step\(tiles.steps.count == 1 ? "" : "s") done"))
                }
                for step in tiles.steps { lines.append("    \(step)") }
            }
            for diagnostic in target.diagnostics where diagnostic.severity == .error {
                lines.append("  " + style.red(diagnostic.message))
            }
        }
        let counts = Dictionary(grouping: report.targets, by: \.state).mapValues(\.count)
        let summary = [ReconcileTargetReport.State.inSync, .fixed, .drift, .error].compactMap { state -> String? in
            guard let count = counts[state], count > 0 else { return nil }
            return "\(count) \(state == .inSync ? "in sync" : state.rawValue)"
        }.joined(separator: ", ")
        lines.append("")
        if let selection = report.shard {
            lines.append("shard \(selection.shard): \(selection.targets) target\(selection.targets == 1 ? "" : "s") of \(selection.configTargets)")
        }
        lines.append("\(report.targets.count) target\(report.targets.count == 1 ? "" : "s")\(summary.isEmpty ? "" : ": " + summary). "
            + "\(formatSeconds(report.durationSeconds)); requests: \(report.awsRequests) to AWS, \(report.oktaRequests) to Okta.")
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: JSON

    public static func json(_ report: ReconcileReport, exitCode: (Outcome) -> Int) -> JSONValue {
        .object([
            "apply": .bool(report.apply),
            "exitCode": .int(exitCode(report.outcome)),
            "durationSeconds": .number(DecimalText.threeDecimals(report.durationSeconds)),
            "requests": .object(["aws": .int(report.awsRequests), "okta": .int(report.oktaRequests)]),
            "targets": .array(report.targets.map { targetJSON($0, exitCode: exitCode) }),
            // null when the run covered the whole config.
            "shard": report.shard.map { selection in
                .object(["index": .int(selection.shard.index), "count": .int(selection.shard.count),
                         "targets": .int(selection.targets), "configTargets": .int(selection.configTargets)])
            } ?? .null,
        ])
    }

    static func targetJSON(_ target: ReconcileTargetReport, exitCode: (Outcome) -> Int) -> JSONValue {
        .object([
            "name": .string(target.name),
            "state": .string(target.state.rawValue),
            "exitCode": .int(exitCode(target.outcome)),
            "instanceArn": target.instanceArn.map(JSONValue.string) ?? .null,
            "keyPolicies": .array(target.keyPolicies.map { check in
                .object([
                    "region": .string(check.region),
                    "primary": .bool(check.isPrimary),
                    "keyArn": check.keyArn.map(JSONValue.string) ?? .null,
                    "state": .string(check.state.rawValue),
                    "missing": .strings(check.difference?.missing ?? []),
                    "extra": .strings(check.difference?.extra ?? []),
                    "different": .strings(check.difference?.different ?? []),
                    "owner": .string(check.owner.rawValue),
                ])
            }),
            "okta": target.okta.map { okta in
                .object([
                    "appId": .string(okta.appId),
                    "state": .string(okta.state.rawValue),
                    "changes": .array(okta.changes.map { slot in
                        .object([
                            "slot": .int(slot.number), "key": .string(slot.key),
                            "before": slot.before.map(JSONValue.string) ?? .null, "after": slot.after.map(JSONValue.string) ?? .null,
                            "reason": .string(SlotPlanRenderer.code(slot.reason)),
                        ])
                    }),
                    "foreignSlots": .array(okta.foreign.map { .int($0.number) }),
                    "backup": okta.backup.map(JSONValue.string) ?? .null,
                    "owner": .string(okta.owner.rawValue),
                ])
            } ?? .null,
            "tiles": target.tiles.map { .object(["state": .string($0.state.rawValue), "steps": .strings($0.steps), "owner": .string($0.owner.rawValue)]) } ?? .null,
            "durationSeconds": .number(DecimalText.threeDecimals(target.durationSeconds)),
            "oktaRequests": .int(target.oktaRequests),
            "diagnostics": DiagnosticsRenderer.json(target.diagnostics),
        ])
    }

    /// How a part's drift is fixed: `--apply`, or Terraform at this address when it owns the part.
    static func fix(_ owner: Owner, _ address: String) -> String {
        owner == .terraform ? "terraform apply, \(address)" : "--apply"
    }

    static func replicaAddress(_ region: String) -> String {
        (try? Region.parse(region).get()).map(TerraformAddress.replicaKey) ?? "aws_kms_replica_key"
    }

    static func formatSeconds(_ value: Double) -> String {
        value < 10 ? "\(DecimalText.threeDecimals(value)) s" : "\(Int(value.rounded())) s"
    }
}
