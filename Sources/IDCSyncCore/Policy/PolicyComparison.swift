/// Compares a policy as KMS returns it with the generated one by meaning, not text: KMS may reformat
/// the document, a one-element list and a plain string are the same, and the order of actions,
/// principals, resources and condition values does not matter. Statements are matched by Sid.
public struct PolicyComparison: Sendable, Equatable {
    public var missing: [String]
    public var extra: [String]
    public var different: [String]

    public init(missing: [String], extra: [String], different: [String]) {
        self.missing = missing
        self.extra = extra
        self.different = different
    }

    public var matches: Bool { missing.isEmpty && extra.isEmpty && different.isEmpty }

    /// "missing: A, B; extra: C; different: D"
    public var summary: String {
        guard !matches else { return "matches" }
        var parts: [String] = []
        if !missing.isEmpty { parts.append("missing \(missing.joined(separator: ", "))") }
        if !extra.isEmpty { parts.append("extra \(extra.joined(separator: ", "))") }
        if !different.isEmpty { parts.append("different \(different.joined(separator: ", "))") }
        return parts.joined(separator: "; ")
    }

    public static func compare(actual text: String, expected: PolicyDocument) -> PolicyComparison? {
        guard let actual = try? JSONParser.parse(text) else { return nil }
        return compare(actual: actual, expected: expected.json)
    }

    public static func compare(actual: JSONValue, expected: JSONValue) -> PolicyComparison {
        let want = statements(expected)
        let have = statements(actual)
        let missing = want.keys.filter { have[$0] == nil }.sorted()
        let extra = have.keys.filter { want[$0] == nil }.sorted()
        let different = want.keys.filter { key in have[key].map { $0 != want[key] } ?? false }.sorted()
        return PolicyComparison(missing: missing, extra: extra, different: different)
    }

    /// Statements by Sid (unnamed ones by position), each normalised.
    static func statements(_ policy: JSONValue) -> [String: NormalizedStatement] {
        let list: [JSONValue]
        switch policy["Statement"] {
        case .array(let elements)?: list = elements
        case .object?: list = [policy["Statement"]!]
        default: list = []
        }
        var result: [String: NormalizedStatement] = [:]
        for (index, statement) in list.enumerated() {
            let sid = statement["Sid"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? "(statement \(index + 1) without Sid)"
            result[sid] = NormalizedStatement(statement)
        }
        return result
    }

    struct NormalizedStatement: Equatable {
        var effect: String
        var principal: [String: Set<String>]
        var notPrincipal: [String: Set<String>]
        var action: Set<String>
        var notAction: Set<String>
        var resource: Set<String>
        var notResource: Set<String>
        var condition: [String: [String: Set<String>]]

        init(_ statement: JSONValue) {
            effect = statement["Effect"]?.stringValue ?? ""
            principal = Self.principals(statement["Principal"])
            notPrincipal = Self.principals(statement["NotPrincipal"])
            action = Set(Self.strings(statement["Action"]).map { $0.lowercased() })
            notAction = Set(Self.strings(statement["NotAction"]).map { $0.lowercased() })
            resource = Set(Self.strings(statement["Resource"]))
            notResource = Set(Self.strings(statement["NotResource"]))
            var conditions: [String: [String: Set<String>]] = [:]
            for block in statement["Condition"]?.objectValue?.members ?? [] {
                var keys: [String: Set<String>] = [:]
                for entry in block.value.objectValue?.members ?? [] {
                    keys[entry.key.lowercased()] = Set(Self.strings(entry.value))
                }
                conditions[block.key.lowercased()] = keys
            }
            condition = conditions
        }

        /// `"*"` and `{"AWS": "*"}` mean the same principal.
        static func principals(_ value: JSONValue?) -> [String: Set<String>] {
            guard let value else { return [:] }
            if value.stringValue == "*" { return ["AWS": ["*"]] }
            var result: [String: Set<String>] = [:]
            for member in value.objectValue?.members ?? [] { result[member.key] = Set(strings(member.value)) }
            return result
        }

        static func strings(_ value: JSONValue?) -> [String] {
            switch value {
            case .string(let text)?: [text]
            case .array(let elements)?: elements.compactMap(scalarText)
            case let other?: scalarText(other).map { [$0] } ?? []
            case nil: []
            }
        }

        static func scalarText(_ value: JSONValue) -> String? {
            switch value {
            case .string(let text): text
            case .bool(let flag): flag ? "true" : "false"
            case .number(let text): text
            default: nil
            }
        }
    }
}
