import IDCSyncCore

/// `vpn plan|apply` as a diff-like step list or JSON.
public enum VPNRenderer {
    public static func describe(_ step: VPNPlan.Step) -> String {
        switch step {
        case .createSAMLProvider(let name): "+ IAM SAML provider \(name) from the Okta app's metadata"
        case .updateSAMLProvider(let arn): "~ IAM SAML provider \(arn): metadata → the Okta app's current metadata"
        case .setOktaPort(let appId, let from): "~ Okta app \(appId) settings.app.port: \(from ?? "(none)") → \(VPNRules.oktaPort)"
        case .createSecurityGroup(let vpcId): "+ security group idcsync-client-vpn in \(vpcId)"
        case .createEndpoint: "+ Client VPN endpoint (federated authentication with the SAML provider)"
        case .modifyEndpoint(let id, let fields): "~ \(id): \(fields.joined(separator: ", "))"
        case .requiresNewEndpoint(let id, let fields): "! \(id) requires a new endpoint to change \(fields.joined(separator: "; ")) (AWS cannot change these; idcsync never recreates an endpoint)"
        case .associate(let subnetId): "+ target network \(subnetId)"
        case .authorize(let rule): "+ authorization rule \(rule.cidr) for \(rule.group.map { "group \($0)" } ?? "all users")"
        case .exportConfiguration: "= client configuration exported and patched for SAML (auth-federate, reneg-sec 0)"
        }
    }

    public static func text(_ plan: VPNPlan, style: Style) -> String {
        var lines: [String] = []
        for step in plan.steps {
            let line = describe(step)
            switch line.first {
            case "+": lines.append(style.green(line))
            case "~": lines.append(style.yellow(line))
            case "!": lines.append(style.red(line))
            default: lines.append(line)
            }
            if step == .createEndpoint {
                let width = plan.newEndpoint.map(\.name.count).max() ?? 0
                for setting in plan.newEndpoint {
                    let name = setting.name + String(repeating: " ", count: width - setting.name.count)
                    lines.append("    \(name)  \(setting.value)\(setting.permanent ? "  (can never be changed after creation)" : "")")
                }
            }
        }
        lines.append("")
        lines.append(plan.hasChanges ? "Run `idcsync vpn apply` to make these changes." : "No changes: the Client VPN is as configured.")
        return lines.joined(separator: "\n") + "\n"
    }

    public static func json(_ plan: VPNPlan, diagnostics: [Diagnostic]) -> JSONValue {
        .object([
            "changes": .bool(plan.hasChanges),
            "requiresNewEndpoint": .bool(plan.requiresNewEndpoint),
            "steps": .strings(plan.steps.map(describe)),
            "newEndpoint": plan.newEndpoint.isEmpty ? .null : .array(plan.newEndpoint.map { setting in
                .object(["name": .string(setting.name), "value": .string(setting.value), "permanent": .bool(setting.permanent)])
            }),
            "diagnostics": DiagnosticsRenderer.json(diagnostics),
        ])
    }
}

extension VPNRenderer {
    /// `vpn apply --output json`: the planned steps, the ones done, and where the client configuration went.
    public static func applyDocument(_ plan: VPNPlan, done: [String], clientConfigurationPath: String?) -> JSONValue {
        .object(["steps": .strings(plan.steps.map(describe)), "done": .strings(done),
                 "clientConfiguration": clientConfigurationPath.map(JSONValue.string) ?? .null])
    }

    /// `vpn ovpn --output json`: the file read, where it went and what the patch changed.
    public static func ovpnDocument(file: String, destination: String, written: Bool, patch: OVPNPatch.Outcome) -> JSONValue {
        .object([
            "file": .string(file),
            "out": .string(destination),
            "changed": .bool(patch.changed),
            "written": .bool(written),
            "added": .strings(patch.added),
            "replaced": .array(patch.replaced.map { replacement in
                .object(["line": .int(replacement.line), "from": .string(replacement.from), "to": .string(replacement.to)])
            }),
            "lineEnding": .string(patch.lineEnding.rawValue),
        ])
    }
}
