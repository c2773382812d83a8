/// A small HCL writer whose output is what `terraform fmt` leaves unchanged: two-space indent, the
/// `=` of a run of consecutive single-line attributes aligned, one blank line between top-level
/// blocks, a final newline. Heredoc bodies are written as given (fmt does not touch them).
public enum HCL {
    public indirect enum Item: Sendable, Equatable {
        /// `name = expression`, the expression already rendered on one line.
        case attribute(String, String)
        /// `name = <<-TAG` … `TAG`, the body's lines written as they are (indented to the block).
        case heredoc(String, tag: String, body: String)
        case block(Block)
        /// `# text`, one line per line of text.
        case comment(String)
        case blank
    }

    public struct Block: Sendable, Equatable {
        public var type: String
        public var labels: [String]
        public var items: [Item]
        public init(_ type: String, _ labels: [String] = [], _ items: [Item]) {
            self.type = type
            self.labels = labels
            self.items = items
        }
    }

    /// A quoted HCL string. `${` and `%{` are escaped as `$${` and `%%{`, so the text stays literal
    /// instead of becoming a template interpolation or directive.
    public static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += "\\u" + hex4(scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return escapeTemplates(out) + "\""
    }

    /// Text for a heredoc body: template sequences escaped, as in a quoted string.
    public static func escapeTemplates(_ text: String) -> String {
        text.replacingOccurrences(of: "${", with: "$${").replacingOccurrences(of: "%{", with: "%%{")
    }

    /// `"a", "b"` as an HCL list on one line.
    public static func list(_ values: [String]) -> String { "[" + values.map(string).joined(separator: ", ") + "]" }

    /// `{ key = value, … }` on one line (keys are bare identifiers).
    public static func object(_ pairs: [(String, String)]) -> String {
        "{ " + pairs.map { "\($0.0) = \($0.1)" }.joined(separator: ", ") + " }"
    }

    /// A file: top-level items (blocks, comments), one blank line after each block.
    public static func render(_ items: [Item]) -> String {
        var lines: [String] = []
        var previousWasBlock = false
        for item in items {
            if previousWasBlock { lines.append("") }
            previousWasBlock = false
            switch item {
            case .block(let block):
                render(block, indent: "", into: &lines)
                previousWasBlock = true
            case .comment(let text):
                lines += text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "#" : "# \($0)" }
            case .blank:
                lines.append("")
            case .attribute, .heredoc:
                render(body: [item], indent: "", into: &lines)
            }
        }
        while lines.last == "" { lines.removeLast() }
        return lines.joined(separator: "\n") + "\n"
    }

    static func render(_ block: Block, indent: String, into lines: inout [String]) {
        let header = ([block.type] + block.labels.map(string)).joined(separator: " ")
        if block.items.isEmpty {
            lines.append(indent + header + " {}")
            return
        }
        lines.append(indent + header + " {")
        render(body: block.items, indent: indent + "  ", into: &lines)
        lines.append(indent + "}")
    }

    static func render(body items: [Item], indent: String, into lines: inout [String]) {
        var index = 0
        while index < items.count {
            if case .attribute = items[index] {
                var run: [(String, String)] = []
                while index < items.count, case .attribute(let name, let value) = items[index] {
                    run.append((name, value))
                    index += 1
                }
                let width = run.map(\.0.count).max() ?? 0
                for (name, value) in run {
                    lines.append(indent + name + String(repeating: " ", count: width - name.count) + " = " + value)
                }
                continue
            }
            switch items[index] {
            case .heredoc(let name, let tag, let body):
                lines.append(indent + name + " = <<-" + tag)
                for line in body.split(separator: "\n", omittingEmptySubsequences: false) {
                    lines.append(line.isEmpty ? "" : indent + "  " + line)
                }
                if lines.last == "" { lines.removeLast() }
                lines.append(indent + tag)
            case .block(let block):
                render(block, indent: indent, into: &lines)
            case .comment(let text):
                lines += text.split(separator: "\n", omittingEmptySubsequences: false).map { indent + ($0.isEmpty ? "#" : "# \($0)") }
            case .blank:
                lines.append("")
            case .attribute:
                break
            }
            index += 1
        }
    }

    private static func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
