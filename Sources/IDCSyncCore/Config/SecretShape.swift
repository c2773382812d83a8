/// Values that look like credentials, so a config diagnostic never quotes one: the config holds no
/// secrets, but a token pasted into `tokenFile:`, a PEM pasted into `privateKeyFile:` or a password
/// in a URL would otherwise be echoed by the message that refuses it.
public enum SecretShape {
    public static let placeholder = "<redacted>"

    /// An Okta API token, an `SSWS`/`Bearer` header value, a JWT, a PEM block, an AWS access key id
    /// or secret key, or any long random-looking word (letters of both cases and digits).
    public static func looksLikeSecret(_ value: String) -> Bool {
        let text = value.trimmingWhitespace()
        if text.contains("-----BEGIN") || text.contains("PRIVATE KEY") { return true }
        let lowered = text.lowercased()
        if lowered.hasPrefix("ssws ") || lowered.hasPrefix("bearer ") || lowered.hasPrefix("dpop ") { return true }
        if hasUserInfo(text) { return true }
        return text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).contains { isSecretWord($0) }
    }

    /// The message with every secret-looking word, PEM block and URL user:password replaced.
    public static func mask(_ message: String) -> String {
        var text = message
        // A PEM block, armour to armour (or to the end when it was cut).
        while let begin = text.firstRange(of: "-----BEGIN") {
            var end = text.endIndex
            if let armour = text[begin.upperBound...].firstRange(of: "-----END") {
                end = text[armour.upperBound...].firstRange(of: "-----")?.upperBound ?? text.endIndex
            }
            text.replaceSubrange(begin.lowerBound..<end, with: placeholder)
        }
        var out = ""
        var word = ""
        func flush() {
            out += isSecretWord(Substring(word)) ? placeholder : maskUserInfo(word)
            word = ""
        }
        for character in text {
            if character.isWhitespace || "\"'`(),;<>[]{}".contains(character) {
                flush()
                out.append(character)
            } else {
                word.append(character)
            }
        }
        flush()
        return out
    }

    /// A word of the shapes credentials have.
    static func isSecretWord(_ word: Substring) -> Bool {
        let text = word.hasSuffix(".") || word.hasSuffix(":") ? word.dropLast() : word
        guard text.count >= 20 else { return false }
        let scalars = text.unicodeScalars
        func only(_ allowed: (Unicode.Scalar) -> Bool) -> Bool { scalars.allSatisfy(allowed) }
        let alphanumeric: (Unicode.Scalar) -> Bool = { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) }
        let upper = scalars.contains { ("A"..."Z").contains($0) }
        let lower = scalars.contains { ("a"..."z").contains($0) }
        let digit = scalars.contains { ("0"..."9").contains($0) }
        // An Okta API token: 00 and 40 base64url characters.
        if text.count == 42, text.hasPrefix("00"), only({ alphanumeric($0) || $0 == "-" || $0 == "_" }) { return true }
        // A JWT (access token, assertion, DPoP proof).
        if text.hasPrefix("eyJ"), text.filter({ $0 == "." }).count == 2 { return true }
        // An AWS access key id.
        if text.count == 20, text.hasPrefix("AKIA") || text.hasPrefix("ASIA"), only({ alphanumeric($0) && !("a"..."z").contains($0) }) { return true }
        // An AWS secret access key: 40 base64 characters.
        if text.count == 40, only({ alphanumeric($0) || $0 == "/" || $0 == "+" }), upper, lower, digit { return true }
        // Any other long random-looking token (no path or host: no `/`, `.` or `:`; no word of
        // seven or more lowercase letters, which names such as AWSReservedSSO_AdministratorAccess have).
        return text.count >= 32 && only({ alphanumeric($0) || $0 == "-" || $0 == "_" || $0 == "+" || $0 == "=" }) && upper && lower && digit
            && longestLowercaseRun(text) < 7
    }

    private static func longestLowercaseRun(_ text: Substring) -> Int {
        var longest = 0
        var run = 0
        for scalar in text.unicodeScalars {
            run = ("a"..."z").contains(scalar) ? run + 1 : 0
            longest = max(longest, run)
        }
        return longest
    }

    /// `scheme://user:password@host`.
    static func hasUserInfo(_ text: String) -> Bool { maskUserInfo(text) != text }

    private static func maskUserInfo(_ word: String) -> String {
        guard let scheme = word.range(of: "://") else { return word }
        let rest = word[scheme.upperBound...]
        let authority = rest.prefix { !"/?#".contains($0) }
        guard let at = authority.lastIndex(of: "@") else { return word }
        return String(word[..<scheme.upperBound]) + placeholder + String(word[at...])
    }
}
