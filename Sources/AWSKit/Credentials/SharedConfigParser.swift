import IDCSyncCore

/// One `[section]` of an INI file, with its settings (names lowercased, values trimmed).
struct INISection: Sendable, Equatable {
    var name: String
    var values: [String: String]
    /// The line of the section header (1-based).
    var line: Int
}

/// Why an INI file cannot be read. The message names the line but never quotes it: a broken line may
/// hold a secret key.
struct INIParseError: Error, Sendable, Equatable, CustomStringConvertible {
    var line: Int
    var reason: String
    var description: String { "line \(line): \(reason)" }
}

/// The AWS shared config and credentials files, read as botocore's `configloader` reads them
/// (Python's `RawConfigParser` with its defaults):
///
/// - `[section]` headers (the name is everything between the first `[` and the last `]`); a section
///   may appear only once; `[DEFAULT]` supplies values to every other section;
/// - `key = value` or `key: value`, split at the first `=` or `:`; keys are lowercased, keys and
///   values trimmed; a key may appear only once per section;
/// - whole-line comments starting with `#` or `;` (after optional indentation); there are no inline
///   comments, so `region = us-east-1 # x` keeps `# x` in the value, as the AWS CLI does;
/// - a line indented deeper than its key continues the value (joined with newlines); a value that
///   starts on the next line is a nested block (`s3 =` then indented `key = value` lines), kept
///   as raw text here since idcsync reads no nested setting, but checked like botocore checks it.
enum SharedConfigParser {
    static func parse(_ text: String) throws(INIParseError) -> [INISection] {
        var names: [String] = []
        var lines: [Int] = []
        var values: [[String: [String]]] = []
        var defaults: [String: [String]] = [:]
        enum Cursor: Equatable { case none, defaults, section(Int) }
        var cursor = Cursor.none
        var option: String?
        var indentLevel = 0

        func append(_ piece: String, to key: String) {
            switch cursor {
            case .none: break
            case .defaults: defaults[key, default: []].append(piece)
            case .section(let index): values[index][key, default: []].append(piece)
            }
        }

        var body = Substring(text)
        if body.hasPrefix("\u{FEFF}") { body = body.dropFirst() }
        let rawLines = body.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
        for (offset, rawLine) in rawLines.enumerated() {
            let lineNumber = offset + 1
            let line = String(rawLine)
            let stripped = line.trimmingWhitespace()
            let isComment = stripped.hasPrefix("#") || stripped.hasPrefix(";")
            let value = isComment ? "" : stripped
            if value.isEmpty {
                // A blank line inside a multi-line value stays part of it (trailing ones are dropped
                // at the end); a comment line adds nothing and ends nothing.
                if !isComment, let option, !option.isEmpty { append("", to: option) }
                continue
            }
            let indent = line.prefix { $0.isWhitespace }.count
            if cursor != .none, let option, !option.isEmpty, indent > indentLevel {
                append(value, to: option)
                continue
            }
            indentLevel = indent
            if let header = sectionHeader(value) {
                if header == "DEFAULT" {
                    cursor = .defaults
                } else if names.contains(header) {
                    throw INIParseError(line: lineNumber, reason: "section [\(header)] appears more than once")
                } else {
                    names.append(header)
                    lines.append(lineNumber)
                    values.append([:])
                    cursor = .section(names.count - 1)
                }
                option = nil
                continue
            }
            guard cursor != .none else {
                throw INIParseError(line: lineNumber, reason: "a setting before the first [section] header")
            }
            guard let delimiter = value.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw INIParseError(line: lineNumber, reason: "expected \"key = value\", a [section] header or a comment")
            }
            let key = String(value[..<delimiter]).trimmingWhitespace().lowercased()
            guard !key.isEmpty else {
                throw INIParseError(line: lineNumber, reason: "a setting without a name before '\(value[delimiter])'")
            }
            let existing: [String]? = switch cursor {
            case .none: nil
            case .defaults: defaults[key]
            case .section(let index): values[index][key]
            }
            if existing != nil {
                let section = switch cursor {
                case .section(let index): names[index]
                default: "DEFAULT"
                }
                throw INIParseError(line: lineNumber, reason: "\"\(key)\" is set more than once in [\(section)]")
            }
            append(String(value[value.index(after: delimiter)...]).trimmingWhitespace(), to: key)
            option = key
        }

        func join(_ pieces: [String]) -> String {
            var text = pieces.joined(separator: "\n")
            while let last = text.last, last.isWhitespace { text.removeLast() }
            return text
        }
        let joinedDefaults = defaults.mapValues(join)
        var sections: [INISection] = []
        for index in names.indices {
            var joined = values[index].mapValues(join)
            for (key, value) in joinedDefaults where joined[key] == nil { joined[key] = value }
            for (key, value) in joined where value.hasPrefix("\n") {
                for nested in value.split(separator: "\n") where !String(nested).trimmingWhitespace().isEmpty && !nested.contains("=") {
                    throw INIParseError(line: lines[index], reason: "the nested block of \"\(key)\" in [\(names[index])] has a line without '='")
                }
            }
            sections.append(INISection(name: names[index], values: joined, line: lines[index]))
        }
        return sections
    }

    /// The name of a `[section]` header line, or `nil`.
    static func sectionHeader(_ line: String) -> String? {
        guard line.hasPrefix("["), let close = line.lastIndex(of: "]") else { return nil }
        let name = line[line.index(after: line.startIndex)..<close]
        return name.isEmpty ? nil : String(name)
    }

    /// The profiles and sso-sessions of a config file, as botocore's `build_profile_map`: `[default]`
    /// and `[profile NAME]` are profiles (`[profile "my name"]` may quote), `[sso-session NAME]`
    /// are SSO sessions, anything else (`[NAME]` without `profile`) is not a profile. A later
    /// section of the same profile replaces an earlier one (`[default]` vs `[profile default]`).
    static func profileMap(_ sections: [INISection]) -> (profiles: [String: [String: String]], ssoSessions: [String: [String: String]]) {
        var profiles: [String: [String: String]] = [:]
        var ssoSessions: [String: [String: String]] = [:]
        for section in sections {
            if section.name.hasPrefix("profile") {
                if let name = qualifiedName(section.name) { profiles[name] = section.values }
            } else if section.name.hasPrefix("sso-session") {
                if let name = qualifiedName(section.name) { ssoSessions[name] = section.values }
            } else if section.name == "default" {
                profiles["default"] = section.values
            }
        }
        return (profiles, ssoSessions)
    }

    /// The second word of `profile NAME` / `sso-session NAME` split as Python's `shlex.split` does
    /// (quotes and backslashes), or `nil` unless there are exactly two words.
    static func qualifiedName(_ header: String) -> String? {
        guard let words = shellWords(header), words.count == 2 else { return nil }
        return words[1]
    }

    /// POSIX shell-like word splitting (`shlex.split`): whitespace separates words, single quotes
    /// keep everything, double quotes keep everything but `\"` and `\\`, a backslash outside quotes
    /// escapes the next character. `nil` for an unterminated quote or a trailing backslash.
    static func shellWords(_ text: String) -> [String]? {
        var words: [String] = []
        var current = ""
        var inWord = false
        var iterator = Array(text).makeIterator()
        while let character = iterator.next() {
            switch character {
            case _ where character.isWhitespace:
                if inWord { words.append(current); current = ""; inWord = false }
            case "'":
                inWord = true
                var closed = false
                while let next = iterator.next() {
                    if next == "'" { closed = true; break }
                    current.append(next)
                }
                guard closed else { return nil }
            case "\"":
                inWord = true
                var closed = false
                while let next = iterator.next() {
                    if next == "\"" { closed = true; break }
                    if next == "\\" {
                        guard let escaped = iterator.next() else { return nil }
                        if escaped != "\"" && escaped != "\\" { current.append("\\") }
                        current.append(escaped)
                    } else {
                        current.append(next)
                    }
                }
                guard closed else { return nil }
            case "\\":
                guard let escaped = iterator.next() else { return nil }
                inWord = true
                current.append(escaped)
            default:
                inWord = true
                current.append(character)
            }
        }
        if inWord { words.append(current) }
        return words
    }
}
