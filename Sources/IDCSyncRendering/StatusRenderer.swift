import IDCSyncCore

/// `idcsync status` as a short table for people under stress, or one JSON document with every probe.
public enum StatusRenderer {
    public static func text(_ report: StatusReport, style: Style) -> String {
        var lines: [String] = []
        let regionWidth = max(16, (report.regions.map { $0.region.name.count + 2 }.max() ?? 0))
        lines.append(style.bold(pad("REGION", regionWidth) + pad("ROLE", 12) + pad("STATUS", 10) + pad("LATENCY", 9) + "WHY"))
        for region in report.regions {
            let status = pad(region.health.rawValue, 10)
            let colored = region.health == .up ? style.green(status) : region.health == .degraded ? style.yellow(status) : style.red(status)
            lines.append(pad(region.region.name, regionWidth) + pad(region.isPrimary ? "primary" : "additional", 12) + colored
                         + pad(region.latency.map(StatusPlanner.seconds) ?? "-", 9) + (region.reason ?? ""))
        }
        lines.append("")
        lines.append(style.bold("Probes") + style.dim(" (no credentials; each bounded by \(StatusPlanner.seconds(report.timeout)), slow after \(StatusPlanner.seconds(report.slowAfter)))"))
        for result in report.regions.flatMap(\.probes) + (report.startURLProbe.map { [$0] } ?? []) {
            let status = pad(result.health.rawValue, 10)
            let colored = result.health == .up ? style.green(status) : result.health == .degraded ? style.yellow(status) : style.red(status)
            let answer = result.observation.status.map { "\(result.observation.method ?? "HEAD") \($0)" + (result.observation.location.map { " -> \($0)" } ?? "") }
            lines.append("  " + pad(result.probe.region?.name ?? "start URL", regionWidth) + pad(result.probe.role.rawValue, 10) + colored
                         + pad(StatusPlanner.seconds(result.observation.latency), 9) + result.probe.url
                         + style.dim("  " + (result.reason ?? answer ?? "")))
        }
        if let start = report.startURL {
            lines.append("")
            let landed = report.regions.first { $0.region == start.landing }
            let text = landed.map { "\(start.explanation), which is \($0.health.rawValue)" } ?? start.explanation
            lines.append(style.bold("Start URL ") + start.url + " " + (landed?.health == .up ? text : style.red(text)))
        }
        lines.append("")
        if let url = report.recommendedURL {
            let headline = report.verdict == .primaryUp ? "Give people:" : report.verdict == .failover ? "Fail over. Give people:" : "Nothing is fully up. Best available:"
            lines.append(style.bold(headline) + " " + url)
        } else {
            lines.append(style.red(style.bold("No Region's portal answers.")) + " Check from another network before concluding AWS is down.")
        }
        lines.append(style.dim("(\(report.recommendation))"))
        return lines.map { line in String(line.reversed().drop { $0 == " " }.reversed()) }.joined(separator: "\n") + "\n"
    }

    public static func json(_ report: StatusReport, exitCode: Int) -> JSONValue {
        func optional(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        func milliseconds(_ duration: Duration) -> JSONValue { .int(Int(StatusPlanner.milliseconds(duration))) }
        func probe(_ result: ProbeResult) -> JSONValue {
            let observation = result.observation
            return .object([
                "role": .string(result.probe.role.rawValue),
                "region": optional(result.probe.region?.name),
                "variant": optional(result.probe.variant?.rawValue),
                "url": .string(result.probe.url),
                "health": .string(result.health.rawValue),
                "reason": optional(result.reason),
                "failure": optional(observation.failure?.rawValue),
                "method": optional(observation.method),
                "httpStatus": observation.status.map(JSONValue.int) ?? .null,
                "location": optional(observation.location),
                "latencyMs": milliseconds(observation.latency),
                "phasesMs": .object(JSONObject(observation.phases.sorted { $0.key < $1.key }.map {
                    ($0.key, .number(tenths($0.value)))
                })),
                "addresses": .array(observation.addresses.map(JSONValue.string)),
            ])
        }
        var start: JSONValue = .null
        if let check = report.startURL {
            start = .object([
                "url": .string(check.url),
                "ok": .bool(check.landing != nil),
                "landsIn": optional(check.landing?.name),
                "explanation": .string(check.explanation),
                "probe": report.startURLProbe.map(probe) ?? .null,
            ])
        }
        return .object([
            "verdict": .string(report.verdict.rawValue),
            "exitCode": .int(exitCode),
            "recommendedUrl": optional(report.recommendedURL),
            "recommendation": .string(report.recommendation),
            "timeoutMs": milliseconds(report.timeout),
            "slowAfterMs": milliseconds(report.slowAfter),
            "regions": .array(report.regions.map { region in
                .object([
                    "region": .string(region.region.name),
                    "primary": .bool(region.isPrimary),
                    "health": .string(region.health.rawValue),
                    "reason": optional(region.reason),
                    "latencyMs": region.latency.map(milliseconds) ?? .null,
                    "portalUrl": optional(region.portalURL),
                    "probes": .array(region.probes.map(probe)),
                ])
            }),
            "startUrl": start,
            "diagnostics": DiagnosticsRenderer.json(report.diagnostics),
        ])
    }

    /// Milliseconds with one decimal, as JSON number text.
    static func tenths(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
