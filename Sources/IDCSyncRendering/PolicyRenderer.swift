import IDCSyncCore

/// JSON envelopes for the policy commands. In text mode the policy document itself is the output.
public enum PolicyRenderer {
    public static func keyPolicyJSON(policy: GeneratedPolicy, pinned: Bool, keyArn: KeyARN?, delegatedAdministrators: [AccountID],
                                     delegatedAdministratorPolicy: PolicyDocument?, diagnostics: [Diagnostic]) -> JSONValue {
        .object([
            "keyPolicy": policy.document.json,
            "characters": .int(policy.characters),
            "maximumCharacters": .int(KeyPolicy.maximumCharacters),
            "pinned": .bool(pinned),
            "keyArn": keyArn.map { .string($0.value) } ?? .null,
            "delegatedAdministrators": .strings(delegatedAdministrators.map(\.value)),
            "delegatedAdministratorPolicy": delegatedAdministratorPolicy?.json ?? .null,
            "diagnostics": DiagnosticsRenderer.json(diagnostics),
        ])
    }

    public static func runnerPolicyJSON(role: RunnerRole, policy: GeneratedPolicy, diagnostics: [Diagnostic]) -> JSONValue {
        .object([
            "for": .string(role.rawValue),
            "policy": policy.document.json,
            "operations": .strings(role.operations.map(\.rawValue)),
            "diagnostics": DiagnosticsRenderer.json(diagnostics),
        ])
    }

    /// The header printed before the delegated administrators' IAM policy on stderr in text mode.
    public static func delegatedAdministratorHeader(accounts: [AccountID]) -> String {
        let list = accounts.map(\.value).joined(separator: ", ")
        return "Delegated administrator account\(accounts.count == 1 ? "" : "s") \(list) also need\(accounts.count == 1 ? "s" : "") this IAM policy on the roles that administer IAM Identity Center there (print it alone with --document delegated-admin):"
    }
}
