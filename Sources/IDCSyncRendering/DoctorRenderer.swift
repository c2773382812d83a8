import IDCSyncCore

/// `doctor` as a checklist or one JSON document.
public enum DoctorRenderer {
    public static func text(_ report: DoctorReport, style: Style) -> String {
        var lines: [String] = []
        for check in report.checks {
            let mark: String
            switch check.status {
            case .pass: mark = style.green("PASS")
            case .warn: mark = style.yellow("WARN")
            case .fail: mark = style.red("FAIL")
            case .skip: mark = style.dim("SKIP")
            }
            lines.append("\(mark)  \(style.bold(check.title)) [\(check.id)]")
            lines.append("      \(check.detail)")
            if let fix = check.fix, check.status == .warn || check.status == .fail {
                lines.append("      fix: \(fix)")
            }
        }
        lines.append("")
        var summary = "\(report.count(.pass)) passed, \(report.count(.warn)) warning\(report.count(.warn) == 1 ? "" : "s"), \(report.count(.fail)) failed"
        if report.count(.skip) > 0 { summary += ", \(report.count(.skip)) skipped" }
        lines.append(report.outcome == .ok ? "Ready for a primary-Region outage: \(summary)." : "Not ready for a primary-Region outage: \(summary).")
        return lines.joined(separator: "\n") + "\n"
    }

    public static func json(_ report: DoctorReport, exitCode: (Outcome) -> Int) -> JSONValue {
        .object([
            "target": .string(report.target),
            "ready": .bool(report.outcome == .ok),
            "exitCode": .int(exitCode(report.outcome)),
            "checks": .array(report.checks.map { check in
                .object([
                    "id": .string(check.id), "title": .string(check.title), "status": .string(check.status.rawValue),
                    "detail": .string(check.detail), "fix": check.fix.map(JSONValue.string) ?? .null,
                ])
            }),
        ])
    }
}
