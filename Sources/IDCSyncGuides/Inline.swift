/// The two inline marks guide prose may carry: `code` and `<https://...>` links.
enum Inline {
    enum Token: Equatable {
        case text(String)
        case code(String)
        case link(String)
    }

    static func tokens(_ text: String) -> [Token] {
        var result: [Token] = []
        var rest = Substring(text)
        var plain = ""
        func flush() {
            if !plain.isEmpty { result.append(.text(plain)) }
            plain = ""
        }
        while let first = rest.first {
            if first == "`", let close = rest.dropFirst().firstIndex(of: "`") {
                flush()
                result.append(.code(String(rest[rest.index(after: rest.startIndex)..<close])))
                rest = rest[rest.index(after: close)...]
            } else if rest.hasPrefix("<https://") || rest.hasPrefix("<http://"), let close = rest.firstIndex(of: ">") {
                flush()
                result.append(.link(String(rest[rest.index(after: rest.startIndex)..<close])))
                rest = rest[rest.index(after: close)...]
            } else {
                plain.append(first)
                rest = rest.dropFirst()
            }
        }
        flush()
        return result
    }

    static func html(_ text: String) -> String {
        tokens(text).map { token in
            switch token {
            case .text(let text): Escape.html(text)
            case .code(let code): "<code>\(Escape.html(code))</code>"
            case .link(let url): "<a href=\"\(Escape.html(url))\">\(Escape.html(url))</a>"
            }
        }.joined()
    }

    /// Without marks, for titles and comments.
    static func plain(_ text: String) -> String {
        tokens(text).map { token in
            switch token {
            case .text(let text), .code(let text), .link(let text): text
            }
        }.joined()
    }
}

enum Escape {
    /// Text and attribute values in HTML (and in the Netscape bookmark file, which browsers read as HTML).
    static func html(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// A Markdown table cell: a pipe would end the cell, a newline the row.
    static func markdownCell(_ text: String) -> String {
        text.replacing("|", with: "\\|").replacing("\n", with: " ")
    }
}
