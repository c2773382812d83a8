#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The one place that knows every secret value of the run and scrubs text before idcsync prints or
/// writes it. `Secret` registers its value when it is made (Okta API token, access token, AWS secret
/// key and session token); the private key PEM, the client assertion and the DPoP proofs are
/// registered where they are read or minted. Beyond the registered values, a credential that follows
/// an authorization scheme (`SSWS`, `Bearer`, `DPoP`) and anything shaped like a JWT are scrubbed,
/// so a server that echoes a credential idcsync never held is not printed either.
public enum Redactor {
    public static let placeholder = "<redacted>"

    /// Shorter values are not registered: they would blank out ordinary words, and no credential
    /// idcsync handles is that short.
    static let minimumLength = 8

    private static let registry = Registry()

    /// Adds a secret value: as given, trimmed, each of its lines (a PEM's base64 lines) and the forms
    /// a JSON string or a form body gives it.
    public static func register(_ value: String) {
        var forms: Set<String> = []
        func add(_ form: String) {
            if form.utf8.count >= minimumLength { forms.insert(form) }
        }
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        add(value)
        add(trimmed)
        for line in value.split(whereSeparator: { $0.isNewline }) {
            let text = line.trimmingCharacters(in: .whitespaces)
            // PEM armour lines are not secret, and .ovpn files idcsync writes carry them.
            if !text.hasPrefix("-----") { add(text) }
        }
        add(jsonEscaped(trimmed))
        add(PercentEncoding.encode(trimmed))
        registry.add(forms)
    }

    static func isRegistered(_ value: String) -> Bool { registry.forms.contains(Array(value.utf8)) }

    /// Whether the text holds a registered secret of this run (patterns aside): for files that
    /// must be written exactly or not at all, such as backups.
    public static func containsRegisteredSecret(_ text: String) -> Bool {
        var bytes = Array(text.utf8)
        for form in registry.forms where replace(form, in: &bytes) { return true }
        return false
    }

    /// The text without any registered secret, credential after an authorization scheme, or JWT.
    /// Byte-level and Foundation-free: it runs on every line idcsync prints.
    public static func redact(_ text: String) -> String {
        var result = text
        let forms = registry.forms
        if !forms.isEmpty {
            var bytes = Array(text.utf8)
            var changed = false
            for form in forms where replace(form, in: &bytes) { changed = true }
            if changed { result = String(decoding: bytes, as: UTF8.self) }
        }
        return redactPatterns(result)
    }

    /// Replaces every occurrence of `needle` with the placeholder (libc's `memchr` and `memcmp`: the
    /// registry is searched on every write). A valid UTF-8 needle found in valid UTF-8 always starts and ends on
    /// character boundaries.
    private static func replace(_ needle: [UInt8], in bytes: inout [UInt8]) -> Bool {
        guard !needle.isEmpty, bytes.count >= needle.count else { return false }
        var matches: [Int] = []
        bytes.withUnsafeBytes { haystack in
            needle.withUnsafeBytes { pattern in
                guard let base = haystack.baseAddress else { return }
                let first = Int32(pattern[0])
                var offset = 0
                while offset + pattern.count <= haystack.count,
                      let found = memchr(base + offset, first, haystack.count - pattern.count + 1 - offset) {
                    let position = base.distance(to: UnsafeRawPointer(found))
                    if memcmp(found, pattern.baseAddress!, pattern.count) == 0 {
                        matches.append(position)
                        offset = position + pattern.count
                    } else {
                        offset = position + 1
                    }
                }
            }
        }
        guard !matches.isEmpty else { return false }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var copied = 0
        for position in matches {
            out.append(contentsOf: bytes[copied..<position])
            out.append(contentsOf: placeholderBytes)
            copied = position + needle.count
        }
        out.append(contentsOf: bytes[copied...])
        bytes = out
        return true
    }

    private static let placeholderBytes = Array(placeholder.utf8)

    /// Text from a server or a file, made safe to embed in one line of a message: redacted, and
    /// every control character (line breaks included) escaped, so it cannot forge a line.
    public static func singleLine(_ text: String) -> String {
        escapeControlCharacters(redact(text), keepLineBreaks: false)
    }

    /// Text about to be printed: redacted, control characters escaped except line breaks, tabs and
    /// the styling sequences idcsync itself emits (SGR colours, erase line after a carriage return).
    public static func printable(_ text: String) -> String {
        escapeControlCharacters(redact(text), keepLineBreaks: true)
    }

    /// Whether the text holds a control character: C0 (tab and line breaks too), DEL, C1, the
    /// Unicode line and paragraph separators, and the bidirectional overrides.
    public static func containsControlCharacter(_ text: String) -> Bool {
        text.unicodeScalars.contains(where: isControl)
    }

    /// The first control character in words (`a line break`, `U+0007`), for refusals that must
    /// not show the value.
    public static func describeControlCharacter(in text: String) -> String? {
        guard let scalar = text.unicodeScalars.first(where: isControl) else { return nil }
        switch scalar {
        case "\n", "\r", "\u{2028}", "\u{2029}": return "a line break"
        case "\t": return "a tab"
        default: return "the control character U+" + hex(scalar.value, width: 4).uppercased()
        }
    }

    /// A byte test that lets ordinary text through without decoding it: C0 and DEL are single
    /// bytes, C1 is 0xC2 0x80...0x9F, the separators and overrides 0xE2 0x80 0xA8...0xAE and
    /// 0xE2 0x81 0xA6...0xA9.
    private static func mayHaveControl(_ text: String, keepLineBreaks: Bool) -> Bool {
        let bytes = Array(text.utf8)
        for (index, byte) in bytes.enumerated() {
            switch byte {
            case 0x0A, 0x09:
                if !keepLineBreaks { return true }
            case 0x00...0x1F, 0x7F: return true
            case 0xC2 where index + 1 < bytes.count && (0x80...0x9F).contains(bytes[index + 1]): return true
            case 0xE2 where index + 2 < bytes.count:
                if bytes[index + 1] == 0x80 && (0xA8...0xAE).contains(bytes[index + 2]) { return true }
                if bytes[index + 1] == 0x81 && (0xA6...0xA9).contains(bytes[index + 2]) { return true }
            default: continue
            }
        }
        return false
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// `\n`, `\r`, `\t`, `\x1b`, `\u202e`: visible, and never a line, a colour or a cursor move.
    public static func escapeControlCharacters(_ text: String, keepLineBreaks: Bool) -> String {
        guard mayHaveControl(text, keepLineBreaks: keepLineBreaks) else { return text }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if keepLineBreaks {
                if scalar == "\n" || scalar == "\t" {
                    out.append(scalar)
                    index += 1
                    continue
                }
                if let length = ownSequenceLength(scalars, at: index) {
                    out.append(contentsOf: scalars[index..<index + length])
                    index += length
                    continue
                }
            }
            if isControl(scalar) {
                let escaped: String
                switch scalar {
                case "\n": escaped = "\\n"
                case "\r": escaped = "\\r"
                case "\t": escaped = "\\t"
                default: escaped = scalar.value <= 0xFF ? "\\x" + hex(scalar.value, width: 2) : "\\u" + hex(scalar.value, width: 4)
                }
                out.append(contentsOf: escaped.unicodeScalars)
            } else {
                out.append(scalar)
            }
            index += 1
        }
        return String(out)
    }

    /// The terminal sequences idcsync writes itself: `ESC [ digits (; digits) m` (Style's colours),
    /// `ESC [ 2 K` (erase line) and a carriage return right before it (the progress line).
    private static func ownSequenceLength(_ scalars: [Unicode.Scalar], at start: Int) -> Int? {
        var index = start
        if scalars[index] == "\r" {
            index += 1
            guard index < scalars.count, scalars[index] == "\u{1B}" else { return nil }
            guard let rest = csiLength(scalars, at: index), scalars[index + rest - 1] == "K" else { return nil }
            return rest + 1
        }
        guard scalars[index] == "\u{1B}" else { return nil }
        return csiLength(scalars, at: index)
    }

    private static func csiLength(_ scalars: [Unicode.Scalar], at start: Int) -> Int? {
        guard start + 2 < scalars.count, scalars[start + 1] == "[" else { return nil }
        var index = start + 2
        var digits = 0
        while index < scalars.count, digits <= 8, ("0"..."9").contains(scalars[index]) || scalars[index] == ";" {
            index += 1
            digits += 1
        }
        guard digits > 0, digits <= 8, index < scalars.count, scalars[index] == "m" || scalars[index] == "K" else { return nil }
        return index - start + 1
    }

    // MARK: Patterns

    /// Schemes whose next word is a credential (`Authorization: SSWS <token>` echoed in an error).
    private static let schemes: Set<String> = ["ssws", "bearer", "dpop"]
    /// A word after a scheme shorter than this is prose, not a credential.
    private static let schemeCredentialMinimum = 12

    static func redactPatterns(_ text: String) -> String {
        guard mayHavePattern(text) else { return text }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var index = 0
        var previousWord: String?
        while index < scalars.count {
            let scalar = scalars[index]
            guard isWordCharacter(scalar) else {
                if !(scalar == " " || scalar == "\t") { previousWord = nil }
                out.append(scalar)
                index += 1
                continue
            }
            var end = index
            while end < scalars.count, isWordCharacter(scalars[end]) { end += 1 }
            // A sentence's full stop is not part of the word.
            var wordEnd = end
            while wordEnd > index + 1, scalars[wordEnd - 1] == "." { wordEnd -= 1 }
            let word = scalars[index..<wordEnd]
            if isJWT(word) || (previousWord.map { schemes.contains($0) } == true && isCredential(word, next: end < scalars.count ? scalars[end] : nil)) {
                out.append(contentsOf: placeholder.unicodeScalars)
                out.append(contentsOf: scalars[wordEnd..<end])
                previousWord = nil
            } else {
                out.append(contentsOf: scalars[index..<end])
                var plain = String.UnicodeScalarView()
                plain.append(contentsOf: word)
                previousWord = String(plain).lowercased()
            }
            index = end
        }
        return String(out)
    }

    /// A cheap test that skips the scan for ordinary text: `eyJ`, or a scheme name and a space.
    private static func mayHavePattern(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        func lower(_ byte: UInt8) -> UInt8 { (0x41...0x5A).contains(byte) ? byte | 0x20 : byte }
        func matches(_ word: [UInt8], at index: Int, caseSensitive: Bool) -> Bool {
            guard index + word.count <= bytes.count else { return false }
            for offset in 0..<word.count where (caseSensitive ? bytes[index + offset] : lower(bytes[index + offset])) != word[offset] { return false }
            return true
        }
        for index in bytes.indices {
            switch lower(bytes[index]) {
            case 0x65 where matches(jwtStart, at: index, caseSensitive: true): return true
            case 0x73, 0x62, 0x64:
                if schemeWords.contains(where: { matches($0, at: index, caseSensitive: false) }) { return true }
            default: continue
            }
        }
        return false
    }

    private static let jwtStart = Array("eyJ".utf8)
    private static let schemeWords = ["ssws ", "bearer ", "dpop "].map { Array($0.utf8) }

    /// token68 (RFC 9110) and the JWT dot: letters, digits, `-._~+/` and trailing `=`.
    private static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        guard scalar.isASCII else { return false }
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "-", ".", "_", "~", "+", "/", "=": return true
        default: return false
        }
    }

    /// A credential after a scheme: token68 (`=` only at the end), long enough, and not an
    /// auth-param such as `realm="…"` or `error=invalid_token`.
    private static func isCredential(_ word: ArraySlice<Unicode.Scalar>, next: Unicode.Scalar?) -> Bool {
        guard word.count >= schemeCredentialMinimum, next != "\"" else { return false }
        let body = word.reversed().drop { $0 == "=" }
        return !body.contains("=") && !body.isEmpty
    }

    /// `eyJ…` (base64url of `{"`) with two dots: a JWS such as an access token, assertion or proof.
    private static func isJWT(_ word: ArraySlice<Unicode.Scalar>) -> Bool {
        guard word.count >= 20, word.starts(with: "eyJ".unicodeScalars) else { return false }
        return word.filter { $0 == "." }.count == 2
    }

    // MARK: Helpers

    private static func jsonEscaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += "\\u" + hex(scalar.value, width: 4) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// The registered forms as UTF-8, longest first so a value is replaced before any of its lines.
    private final class Registry: @unchecked Sendable {
        // A plain mutex: the registry is read on every write, and a process-wide one lives for ever.
        private let mutex: UnsafeMutablePointer<pthread_mutex_t> = {
            let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
            pthread_mutex_init(mutex, nil)
            return mutex
        }()
        private var sorted: [[UInt8]] = []
        private var known: Set<String> = []

        func add(_ forms: Set<String>) {
            pthread_mutex_lock(mutex)
            defer { pthread_mutex_unlock(mutex) }
            let new = forms.subtracting(known)
            guard !new.isEmpty else { return }
            known.formUnion(new)
            sorted = known.map { Array($0.utf8) }.sorted { $0.count != $1.count ? $0.count > $1.count : $0.lexicographicallyPrecedes($1) }
        }

        var forms: [[UInt8]] {
            pthread_mutex_lock(mutex)
            defer { pthread_mutex_unlock(mutex) }
            return sorted
        }
    }
}
