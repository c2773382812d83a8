import IDCSyncCore

/// `regions list` as a table or JSON, and the steps of `regions add|remove`.
public enum RegionsRenderer {
    public static func table(_ rows: [RegionRow], style: Style) -> String {
        let headers = ["REGION", "ROLE", "IDENTITY CENTER", "KMS KEY", "KEY POLICY", "OKTA SLOTS"]
        let cells = rows.map { row -> [String] in
            [row.region, row.isPrimary ? "primary" : (row.identityCenter == nil ? "key only" : "additional"),
             row.identityCenter?.rawValue ?? "not enabled", row.key.map { row.isPrimary ? "\($0) (primary)" : $0.rawValue } ?? "no replica",
             policyText(row.keyPolicy), row.okta]
        }
        var widths = headers.map(\.count)
        for line in cells { for (index, cell) in line.enumerated() { widths[index] = max(widths[index], cell.count) } }
        var lines = [zip(headers, widths).map { pad($0, $1 + 2) }.joined().trimmingTrailingSpaces()]
        for (row, line) in zip(rows, cells) {
            var text = ""
            for (index, cell) in line.enumerated() {
                let padded = pad(cell, widths[index] + 2)
                switch index {
                case 2: text += row.identityCenter == .active ? style.green(padded) : style.yellow(padded)
                case 4: text += row.keyPolicy?.matches == true ? style.green(padded) : style.red(padded)
                case 5: text += cell.hasPrefix("complete") || cell == "-" ? padded : style.yellow(padded)
                default: text += padded
                }
            }
            lines.append(text.trimmingTrailingSpaces())
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func policyText(_ comparison: PolicyComparison?) -> String {
        guard let comparison else { return "-" }
        return comparison.matches ? "matches" : "drift: " + comparison.summary
    }

    public static func json(_ rows: [RegionRow]) -> JSONValue {
        .array(rows.map { row in
            .object([
                "region": .string(row.region),
                "primary": .bool(row.isPrimary),
                "identityCenter": row.identityCenter.map { .string($0.rawValue) } ?? .null,
                "kmsKey": row.key.map { .string($0.rawValue) } ?? .null,
                "keyPolicy": row.keyPolicy.map { comparison in
                    .object([
                        "matches": .bool(comparison.matches), "missing": .strings(comparison.missing),
                        "extra": .strings(comparison.extra), "different": .strings(comparison.different),
                    ])
                } ?? .null,
                "okta": .string(row.okta),
            ])
        })
    }

    public static func steps(_ steps: [RegionStep], style: Style) -> String {
        steps.enumerated().map { index, step in
            let number = "\(index + 1). "
            switch step.state {
            case .pending: return "  " + number + style.bold(step.title)
            case .done(let why): return "  " + number + style.dim("\(step.title): \(why)")
            case .skipped(let why): return "  " + number + style.dim("\(step.title): skipped, \(why)")
            }
        }.joined(separator: "\n") + "\n"
    }

    public static func stepsJSON(_ steps: [RegionStep]) -> JSONValue {
        .array(steps.map { step in
            var object: JSONObject = ["step": .string(step.kind.rawValue), "title": .string(step.title)]
            switch step.state {
            case .pending: object["state"] = "pending"
            case .done(let why): object["state"] = "done"; object["detail"] = .string(why)
            case .skipped(let why): object["state"] = "skipped"; object["detail"] = .string(why)
            }
            return .object(object)
        })
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var text = self
        while text.hasSuffix(" ") { text.removeLast() }
        return text
    }
}

extension RegionsRenderer {
    /// `regions add|remove --output json`: what was planned or done, and the requests it took.
    public static func changeDocument(action: String, region: String, instanceArn: String, outcome: String, steps: [RegionStep],
                                      awsRequests: Int, oktaRequests: Int, diagnostics: [Diagnostic]) -> JSONValue {
        .object([
            "action": .string(action), "region": .string(region),
            "instanceArn": .string(instanceArn), "outcome": .string(outcome),
            "steps": stepsJSON(steps),
            "requests": .object(["aws": .int(awsRequests), "okta": .int(oktaRequests)]),
            "diagnostics": DiagnosticsRenderer.json(diagnostics),
        ])
    }

    /// `regions list --output json`.
    public static func listDocument(instanceArn: String, primaryRegion: String, keyArn: String, oktaAppId: String?, rows: [RegionRow],
                                    diagnostics: [Diagnostic]) -> JSONValue {
        .object([
            "instanceArn": .string(instanceArn), "primaryRegion": .string(primaryRegion),
            "kmsKeyArn": .string(keyArn), "oktaAppId": oktaAppId.map(JSONValue.string) ?? .null,
            "regions": json(rows),
            "diagnostics": DiagnosticsRenderer.json(diagnostics),
        ])
    }
}
