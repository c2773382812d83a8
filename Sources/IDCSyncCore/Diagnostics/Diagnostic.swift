/// A finding about the user's input or about generated output, rendered once by the caller
/// (like a compiler diagnostic): where it is, what is wrong, and what to do.
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable, Comparable {
        case note, warning, error
        public static func < (lhs: Severity, rhs: Severity) -> Bool {
            let order: [Severity] = [.note, .warning, .error]
            return order.firstIndex(of: lhs)! < order.firstIndex(of: rhs)!
        }
    }

    public var severity: Severity
    /// A stable machine-readable code, e.g. `config.unknown-key`.
    public var code: String
    public var message: String
    public var location: FileLocation?
    /// The config field the finding is about, as a dotted path (`okta.orgUrl`, `instance.regions[2]`).
    public var field: String?

    public init(_ severity: Severity, code: String, _ message: String, field: String? = nil, location: FileLocation? = nil) {
        self.severity = severity
        self.code = code
        self.message = message
        self.field = field
        self.location = location
    }

    /// `file:line:column: severity: field: message`, the form editors and CI logs link to.
    public var description: String {
        var text = ""
        if let location { text += "\(location): " }
        text += "\(severity.rawValue): "
        if let field { text += "\(field): " }
        return text + message
    }
}

extension Diagnostic: Hashable {
    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(message)
    }
}

public struct FileLocation: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: Int?

    public init(file: String, line: Int? = nil, column: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String {
        guard let line else { return file }
        guard let column else { return "\(file):\(line)" }
        return "\(file):\(line):\(column)"
    }
}

/// Thrown when the input cannot be used; carries every error found, not only the first.
public struct DiagnosticsError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
