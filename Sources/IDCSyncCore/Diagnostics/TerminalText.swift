/// Text from a server or a file made safe for one line of a terminal: control characters (line
/// breaks, carriage returns, escapes, bidirectional overrides) written as `\n`, `\r`, `\x1b`,
/// `\u202e`, so a value cannot forge a line such as "idcsync: in sync" or move the cursor. The same
/// rules as HTTPKit's `Redactor`, for the renderers, which only see IDCSyncCore.
public enum TerminalText {
    /// One rendered line: every control character escaped except the styling `Style` emits.
    public static func line(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            if let length = styleLength(scalars, at: index) {
                out.append(contentsOf: scalars[index..<index + length])
                index += length
                continue
            }
            append(scalars[index], to: &out)
            index += 1
        }
        return String(out)
    }

    /// A value: every control character escaped.
    public static func escape(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { append(scalar, to: &out) }
        return String(out)
    }

    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    private static func append(_ scalar: Unicode.Scalar, to out: inout String.UnicodeScalarView) {
        guard isControl(scalar) else { return out.append(scalar) }
        let escaped: String
        switch scalar {
        case "\n": escaped = "\\n"
        case "\r": escaped = "\\r"
        case "\t": escaped = "\\t"
        default:
            let digits = String(scalar.value, radix: 16)
            escaped = scalar.value <= 0xFF ? "\\x" + String(repeating: "0", count: 2 - digits.count) + digits
                : "\\u" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
        }
        out.append(contentsOf: escaped.unicodeScalars)
    }

    /// `ESC [ code m` for the codes `Style` writes (reset, bold, dim, red, green, yellow, cyan).
    private static let styleCodes: Set<String> = ["0", "1", "2", "31", "32", "33", "36"]

    private static func styleLength(_ scalars: [Unicode.Scalar], at start: Int) -> Int? {
        guard scalars[start] == "\u{1B}", start + 1 < scalars.count, scalars[start + 1] == "[" else { return nil }
        var code = ""
        var index = start + 2
        while index < scalars.count, code.count < 3, ("0"..."9").contains(scalars[index]) {
            code.unicodeScalars.append(scalars[index])
            index += 1
        }
        guard index < scalars.count, scalars[index] == "m", styleCodes.contains(code) else { return nil }
        return index - start + 1
    }
}
