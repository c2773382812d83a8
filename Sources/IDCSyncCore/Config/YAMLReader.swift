import Yams

/// Typed access to a composed YAML tree that records diagnostics (with line and column) instead of
/// stopping at the first problem, so one run reports every mistake in the file.
final class YAMLReader {
    let file: String
    private(set) var diagnostics: [Diagnostic] = []
    /// Where each field was read, so later cross-field checks can point at the line.
    private(set) var locations: [String: FileLocation] = [:]

    init(file: String) { self.file = file }

    struct Pair {
        var key: String
        var keyNode: Node
        var value: Node
    }

    var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    func location(_ node: Node?) -> FileLocation {
        FileLocation(file: file, line: node?.mark?.line, column: node?.mark?.column)
    }

    func error(_ code: String, _ message: String, field: String?, at node: Node?) {
        diagnostics.append(Diagnostic(.error, code: "config.\(code)", message, field: field, location: location(node)))
    }

    func warning(_ code: String, _ message: String, field: String?, at node: Node?) {
        diagnostics.append(Diagnostic(.warning, code: "config.\(code)", message, field: field, location: location(node)))
    }

    func add(_ diagnostic: Diagnostic) { diagnostics.append(diagnostic) }

    /// A diagnostic about a field read earlier, located where it was read.
    func report(_ severity: Diagnostic.Severity, _ code: String, _ message: String, field: String) {
        diagnostics.append(Diagnostic(severity, code: "config.\(code)", message, field: field,
                                      location: locations[field] ?? FileLocation(file: file)))
    }

    // MARK: Structure

    /// The key/value pairs of a mapping, or `nil` (with an error) when the node is not one.
    func mapping(_ node: Node, field: String) -> [Pair]? {
        locations[field] = location(node)
        if isNull(node) { return [] }
        guard let mapping = node.mapping else {
            error("type", "expected a section of `key: value` lines, found \(describe(node))", field: field, at: node)
            return nil
        }
        var pairs: [Pair] = []
        for (keyNode, value) in mapping {
            guard let key = keyNode.scalar?.string else {
                error("type", "keys must be plain names, found \(describe(keyNode))", field: field, at: keyNode)
                continue
            }
            pairs.append(Pair(key: key, keyNode: keyNode, value: value))
        }
        return pairs
    }

    /// Unknown keys reported so far. Past `suggestedKeys` no "did you mean" is computed: only the
    /// first 50 diagnostics are shown, and 500,000 unknown keys spent most of the run on it.
    private var unknownKeys = 0
    static let suggestedKeys = 100

    /// Reports keys that are not in `allowed`, with a "did you mean" from the same section, a pointer to
    /// the section where the key does belong, or the rule about secrets.
    func checkKeys(_ pairs: [Pair], allowed: [String], section: String, elsewhere: [String: String] = [:],
                   secrets: [String: String] = [:]) {
        for pair in pairs where !allowed.contains(pair.key) {
            let field = section.isEmpty ? pair.key : "\(section).\(pair.key)"
            if let secretRule = secrets[pair.key.lowercased()] {
                error("secret-in-file", "secrets never live in the config file; \(secretRule)", field: field, at: pair.keyNode)
                continue
            }
            var message = "unknown key \"\(pair.key)\""
            unknownKeys += 1
            if unknownKeys <= Self.suggestedKeys {
                if let suggestion = Suggestions.closest(to: pair.key, in: allowed) {
                    message += "; did you mean \"\(suggestion)\"?"
                } else if let home = elsewhere.first(where: { $0.key.lowercased() == pair.key.lowercased() })?.value {
                    message += "; \(pair.key) belongs under \(home):"
                }
            }
            message += " Allowed \(section.isEmpty ? "at the top level" : "in \(section)"): \(allowed.joined(separator: ", "))"
            error("unknown-key", message, field: field, at: pair.keyNode)
        }
    }

    // MARK: Scalars

    /// A non-empty string, or `nil` with an error when the value is missing or not a single value.
    func string(_ node: Node, field: String) -> String? {
        locations[field] = location(node)
        guard let scalar = node.scalar else {
            error("type", "expected a single value, found \(describe(node))", field: field, at: node)
            return nil
        }
        if isNull(node) || scalar.string.trimmingWhitespace().isEmpty {
            error("empty", "has no value; give one or remove the key", field: field, at: node)
            return nil
        }
        return scalar.string
    }

    func bool(_ node: Node, field: String) -> Bool? {
        locations[field] = location(node)
        guard let scalar = node.scalar, scalar.style == .plain, let value = yamlBool(scalar.string) else {
            error("type", "expected true or false, found \(describe(node))", field: field, at: node)
            return nil
        }
        return value
    }

    func int(_ node: Node, field: String) -> Int? {
        guard let scalar = node.scalar, scalar.style == .plain, let value = Int(scalar.string) else {
            error("type", "expected a whole number, found \(describe(node))", field: field, at: node)
            return nil
        }
        return value
    }

    /// The elements of a list, or `nil` with an error (a single value is not silently taken as a list).
    func sequence(_ node: Node, field: String, example: String) -> [Node]? {
        locations[field] = location(node)
        if isNull(node) { return [] }
        guard let sequence = node.sequence else {
            error("type", "expected a list such as \(example), found \(describe(node))", field: field, at: node)
            return nil
        }
        return Array(sequence)
    }

    func strings(_ node: Node, field: String, example: String) -> [(String, Node)]? {
        guard let elements = sequence(node, field: field, example: example) else { return nil }
        var result: [(String, Node)] = []
        for (index, element) in elements.enumerated() {
            if let text = string(element, field: "\(field)[\(index)]") { result.append((text, element)) }
        }
        return result
    }

    /// An enumeration value, with a "did you mean" among the allowed spellings.
    func choice<T: RawRepresentable & CaseIterable>(_ node: Node, field: String, as type: T.Type) -> T? where T.RawValue == String {
        guard let text = string(node, field: field) else { return nil }
        if let value = T(rawValue: text) { return value }
        let allowed = T.allCases.map(\.rawValue)
        var message = "\"\(text)\" is not allowed"
        if let suggestion = Suggestions.closest(to: text, in: allowed) { message += "; did you mean \"\(suggestion)\"?" }
        error("value", message + " Allowed: \(allowed.joined(separator: ", "))", field: field, at: node)
        return nil
    }

    /// Parses with an identifier parser, turning its failure into a located error.
    func parse<T>(_ node: Node, field: String, _ parser: (String) -> Result<T, IdentifierError>) -> T? {
        guard let text = string(node, field: field) else { return nil }
        switch parser(text) {
        case .success(let value): return value
        case .failure(let failure):
            error("value", failure.message, field: field, at: node)
            return nil
        }
    }

    /// A list without repeats; a repeat is an error that names both places.
    func uniqueList<T: Hashable>(_ node: Node, field: String, example: String, what: String, _ parser: (String) -> Result<T, IdentifierError>) -> [T]? {
        guard let elements = sequence(node, field: field, example: example) else { return nil }
        var values: [T] = []
        var firstPlace: [T: Node] = [:]
        for (index, element) in elements.enumerated() {
            guard let value = parse(element, field: "\(field)[\(index)]", parser) else { continue }
            if let first = firstPlace[value] {
                error("duplicate", "\(what) \"\(element.scalar?.string ?? "")\" is listed twice (first at line \(first.mark?.line ?? 0)); list each once",
                      field: "\(field)[\(index)]", at: element)
                continue
            }
            firstPlace[value] = element
            values.append(value)
        }
        return values
    }

    func isNull(_ node: Node) -> Bool {
        guard let scalar = node.scalar else { return false }
        return scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a section (key: value lines)"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            return isNull(node) ? "nothing" : "\"\(scalar.string)\""
        }
    }
}

/// YAML 1.1 booleans, as the default resolver reads plain scalars (a quoted "true" stays a string).
private func yamlBool(_ text: String) -> Bool? {
    switch text.lowercased() {
    case "true", "yes", "on": true
    case "false", "no", "off": false
    default: nil
    }
}

extension String {
    /// The text without leading and trailing white space (Foundation-free).
    public func trimmingWhitespace() -> String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}
