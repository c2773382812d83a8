import Foundation
import Testing
@testable import idcsync

// Every `idcsync ...` command line shown in README.md and runbooks/*.md must parse with the current
// command-line interface, so that an operator who copies one under stress never meets
// "Unknown option". The lines are parsed (IDCSync.parseAsRoot, which also runs every validate()),
// never run.
//
// Which lines count (DocumentedCommandExtractor):
// - lines inside fenced code blocks (``` or ~~~, any language), and `$ idcsync ...` prompt lines
//   anywhere; a leading `$ ` prompt is dropped;
// - a line ending in `\` continues on the next line (the text is joined, the first line's number kept);
// - shell words are split as sh does for plain, 'single' and "double" quoted text; an unquoted `#`
//   at the start of a word starts a comment;
// - the command ends at the first unquoted `|`, `&`, `;`, `<`, `>` or `)`: pipes (`| jq ...`),
//   lists (`&& ...`, `|| ...`) and redirections (`> file`, `2>&1`) are not part of it; but
//   `<name>` (letters, digits, `-`, `_`, `.` between the brackets) is a placeholder, not a redirection;
// - leading `NAME=value` words with an upper-case NAME (environment prefixes) and a leading `env`
//   or `exec` are skipped;
// - the command word is `idcsync` or a path ending in `/idcsync` (`/usr/local/bin/idcsync`); a
//   systemd line `ExecStart=/usr/local/bin/idcsync ...` (any `Exec...=` key) counts too, other
//   `Key=value` lines (`Description=Run idcsync ...`) do not.
//
// Placeholders are replaced before parsing (DocumentedCommandExtractor.substitute):
// - `REGION`, `<region>` (any case, any `<...>` naming a region) and `$REGION` / `${...REGION...}`
//   become `ap-northeast-3`;
// - `N` and `<n>` / `<count>` become `4`; `D` and `<duration>` become `1h`;
// - any other `<...>` inside a word becomes `x`, any other `$NAME` / `${NAME}` becomes `placeholder`;
// - other upper-case words (`BACKUP`, `PATH`, `DIR`, `F`) stay as written: they are string values.

struct DocumentedCommand: Sendable, CustomStringConvertible {
    var file: String
    var line: Int
    var text: String
    var arguments: [String]
    /// Set when the line could not be split into words (an unterminated quote).
    var splitError: String?

    var description: String { "\(file):\(line): \(text)" }
}

enum DocumentedCommandExtractor {
    /// The `idcsync` command lines of a Markdown document.
    static func extract(markdown: String, file: String) -> [DocumentedCommand] {
        let lines = markdown.components(separatedBy: "\n")
        var commands: [DocumentedCommand] = []
        var fence: (character: Character, length: Int)?
        var pending: (line: Int, text: String)?
        for (index, rawLine) in lines.enumerated() {
            let number = index + 1
            let line = rawLine.hasSuffix("\r") ? String(rawLine.dropLast()) : rawLine
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if pending == nil, let marker = fenceMarker(trimmed) {
                if let open = fence {
                    if marker.character == open.character, marker.length >= open.length, marker.info.isEmpty { fence = nil }
                } else {
                    fence = (marker.character, marker.length)
                }
                continue
            }
            guard fence != nil || pending != nil || trimmed.hasPrefix("$ idcsync ") else { continue }
            // Line continuations: join, keep the first line's number.
            var text = line
            let continues = text.hasSuffix("\\")
            if continues { text.removeLast() }
            if let started = pending {
                pending = (started.line, started.text + " " + text.trimmingCharacters(in: .whitespaces))
            } else {
                pending = (number, text)
            }
            if continues && index + 1 < lines.count { continue }
            let logical = pending!
            pending = nil
            if let command = command(in: logical.text, file: file, line: logical.line) { commands.append(command) }
        }
        return commands
    }

    /// The idcsync command on one logical line, or nil when the line runs something else.
    static func command(in text: String, file: String, line: Int) -> DocumentedCommand? {
        var body = text.trimmingCharacters(in: .whitespaces)
        if body.hasPrefix("$ ") { body = String(body.dropFirst(2)).trimmingCharacters(in: .whitespaces) }
        let split = words(body)
        var words = split.words
        // A systemd `ExecStart=/usr/local/bin/idcsync ...` (ExecStartPre=, ExecStartPost=, ...).
        if let first = words.first, first.hasPrefix("Exec"), let equals = first.firstIndex(of: "=") {
            words[0] = String(first[first.index(after: equals)...])
        }
        while let first = words.first {
            if first == "env" || first == "exec" { words.removeFirst(); continue }
            if environmentAssignment(first) != nil { words.removeFirst(); continue }
            break
        }
        guard let commandWord = words.first, isIDCSync(commandWord) else { return nil }
        return DocumentedCommand(file: file, line: line, text: body, arguments: words.dropFirst().map(substitute), splitError: split.error)
    }

    static func isIDCSync(_ word: String) -> Bool {
        word == "idcsync" || word.hasSuffix("/idcsync")
    }

    /// `NAME=value` as a shell environment prefix: an upper-case name (so that a systemd
    /// `Description=Run idcsync ...` is not taken for one).
    static func environmentAssignment(_ word: String) -> (name: String, value: String)? {
        guard let equals = word.firstIndex(of: "=") else { return nil }
        let name = word[..<equals]
        guard let first = name.first, first.isUppercase || first == "_",
              name.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber || $0 == "_") }) else { return nil }
        return (String(name), String(word[word.index(after: equals)...]))
    }

    /// Splits a line into shell words up to the first unquoted control or redirection character or
    /// comment. Quotes are removed; `$NAME` is kept literally for `substitute`.
    static func words(_ line: String) -> (words: [String], error: String?) {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        let characters = Array(line)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            index += 1
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
                continue
            }
            switch character {
            case "'", "\"":
                quote = character
                inWord = true
            case " ", "\t":
                if inWord { words.append(current); current = ""; inWord = false }
            case "#" where !inWord:
                return (words, nil)
            case "<" where placeholderLength(characters, from: index) != nil:
                // `<region>`: a placeholder, not a redirection.
                let length = placeholderLength(characters, from: index)!
                current.append(contentsOf: characters[(index - 1)..<(index + length)])
                index += length
                inWord = true
            case "|", "&", ";", "<", ">", ")":
                // `2>` or `2>&1`: the digits name a file descriptor, not an argument.
                if inWord, character == ">" || character == "<", !current.isEmpty, current.allSatisfy(\.isNumber) { return (words, nil) }
                if inWord { words.append(current) }
                return (words, nil)
            default:
                current.append(character)
                inWord = true
            }
        }
        if let open = quote { return (words, "unterminated \(open) quote") }
        if inWord { words.append(current) }
        return (words, nil)
    }

    /// The length of `name>` when `<` at `start - 1` opens a placeholder: letters, digits, `-`, `_`
    /// and `.`, then `>`.
    static func placeholderLength(_ characters: [Character], from start: Int) -> Int? {
        var end = start
        while end < characters.count, characters[end].isLetter || characters[end].isNumber || "-_.".contains(characters[end]) { end += 1 }
        guard end > start, end < characters.count, characters[end] == ">" else { return nil }
        return end - start + 1
    }

    static let region = "ap-northeast-3"

    /// Replaces a placeholder word with a value the parser accepts (rules at the top of this file).
    static func substitute(_ word: String) -> String {
        switch word {
        case "REGION": return region
        case "N": return "4"
        case "D": return "1h"
        default: break
        }
        var result = word
        // <...> placeholders.
        while let open = result.firstIndex(of: "<"), let close = result[open...].firstIndex(of: ">") {
            let name = result[result.index(after: open)..<close].lowercased()
            let whole = open == result.startIndex && close == result.index(before: result.endIndex)
            let value: String
            if name.contains("region") { value = region }
            else if whole && (name == "n" || name == "count") { value = "4" }
            else if whole && name == "duration" { value = "1h" }
            else { value = "x" }
            result.replaceSubrange(open...close, with: value)
        }
        // $NAME and ${NAME} shell variables.
        while let dollar = result.firstIndex(of: "$") {
            var end = result.index(after: dollar)
            var name = ""
            if end < result.endIndex, result[end] == "{" {
                guard let close = result[end...].firstIndex(of: "}") else { break }
                name = String(result[result.index(after: end)..<close])
                end = result.index(after: close)
            } else {
                while end < result.endIndex, result[end].isLetter || result[end].isNumber || result[end] == "_" {
                    name.append(result[end])
                    end = result.index(after: end)
                }
            }
            if name.isEmpty { break }
            result.replaceSubrange(dollar..<end, with: name.uppercased().contains("REGION") ? region : "placeholder")
        }
        return result
    }

    /// A fence opener or closer: three or more backticks or tildes, then the info string.
    static func fenceMarker(_ trimmed: String) -> (character: Character, length: Int, info: String)? {
        guard let first = trimmed.first, first == "`" || first == "~" else { return nil }
        let length = trimmed.prefix(while: { $0 == first }).count
        guard length >= 3 else { return nil }
        return (first, length, trimmed.dropFirst(length).trimmingCharacters(in: .whitespaces))
    }
}

/// README.md and every runbook, relative to the repository root.
private let documentedFiles: [String] = {
    let runbooks = (try? FileManager.default.contentsOfDirectory(atPath: repositoryRoot.appendingPathComponent("runbooks").path)) ?? []
    return ["README.md"] + runbooks.filter { $0.hasSuffix(".md") }.sorted().map { "runbooks/\($0)" }
}()

private func documentedCommands(in file: String) throws -> [DocumentedCommand] {
    let text = try String(contentsOf: repositoryRoot.appendingPathComponent(file), encoding: .utf8)
    return DocumentedCommandExtractor.extract(markdown: text, file: file)
}

/// nil when the arguments parse (help, version and completion-script requests count as parsing);
/// otherwise the parser's message.
func parseFailure(_ arguments: [String]) -> String? {
    do {
        _ = try IDCSync.parseAsRoot(arguments)
        return nil
    } catch {
        if IDCSync.exitCode(for: error).isSuccess { return nil }
        return IDCSync.message(for: error)
    }
}

@Suite("documented commands")
struct DocumentedCommandsTests {
    @Test("every idcsync line in README.md and runbooks/*.md parses", arguments: documentedFiles)
    func everyDocumentedLineParses(file: String) throws {
        for command in try documentedCommands(in: file) {
            if let error = command.splitError {
                Issue.record("\(command.file):\(command.line): cannot split `\(command.text)` into words: \(error)")
                continue
            }
            if let message = parseFailure(command.arguments) {
                Issue.record("\(command.file):\(command.line): `\(command.text)` does not parse: \(message)")
            }
        }
    }

    @Test("the extractor finds the documented lines (so the test cannot pass on none)")
    func extractorFindsEnoughLines() throws {
        #expect(documentedFiles.contains("README.md"))
        #expect(documentedFiles.count >= 7, "README.md and the runbooks: \(documentedFiles)")
        var total = 0
        for file in documentedFiles {
            let count = try documentedCommands(in: file).count
            total += count
            if file == "README.md" { #expect(count > 20, "README.md: only \(count) idcsync lines found") }
        }
        #expect(total > 40, "only \(total) idcsync lines found in \(documentedFiles)")
    }

    @Test("extraction rules: fences, prompts, comments, pipes, redirections, prefixes, continuations, placeholders")
    func extractionRules() {
        let markdown = """
        Prose mentioning idcsync urls is not a command, nor is `idcsync regions add REGION` inline.
        $ idcsync urls --region <region>
        ```sh
        idcsync okta plan --quiet > plan.txt   # a comment
        AWS_PROFILE=management OKTA_API_TOKEN="a b" idcsync regions list --output json | jq '.regions[]'
        idcsync regions add REGION \\
          --yes --timeout D
        aws sso login --sso-session idc-ap-northeast-3
        idcsync policy kms --quiet | diff -u policies/kms-key-policy.json -
        idcsync urls 2>/dev/null && echo ok
        idcsync okta restore idcsync-backups/okta-app-<id>-<time>.json
        idcsync regions list --aws-region "$AWS_REGION" --config "${CONFIG_DIR}/idcsync.yaml"
        ```
        ~~~ini
        ExecStart=/usr/local/bin/idcsync regions list --quiet
        Description=Run idcsync reconcile every hour
        ~~~
        idcsync init outside a fence is prose
        """
        let commands = DocumentedCommandExtractor.extract(markdown: markdown, file: "x.md")
        #expect(commands.map(\.line) == [2, 4, 5, 6, 9, 10, 11, 12, 15])
        #expect(commands.map(\.arguments) == [
            ["urls", "--region", "ap-northeast-3"],
            ["okta", "plan", "--quiet"],
            ["regions", "list", "--output", "json"],
            ["regions", "add", "ap-northeast-3", "--yes", "--timeout", "1h"],
            ["policy", "kms", "--quiet"],
            ["urls"],
            ["okta", "restore", "idcsync-backups/okta-app-x-x.json"],
            ["regions", "list", "--aws-region", "ap-northeast-3", "--config", "placeholder/idcsync.yaml"],
            ["regions", "list", "--quiet"],
        ])
        for command in commands {
            #expect(parseFailure(command.arguments) == nil, "\(command)")
        }
        #expect(parseFailure(["urls", "--no-such-flag"]) != nil)
        #expect(parseFailure(["regions", "add", "not-a-region"]) != nil)
        #expect(DocumentedCommandExtractor.command(in: "idcsync urls 'open", file: "x.md", line: 1)?.splitError != nil)
    }
}
