/// Patches an AWS Client VPN client configuration (the `.ovpn` file that
/// ExportClientVpnClientConfiguration or the console's "Download client configuration" gives) for
/// SAML federated authentication. Pure: bytes in, bytes out, no file access.
///
/// What federated authentication needs in the file (sources, checked for this change):
/// - AWS Client VPN Administrator Guide, "Single sign-on — SAML 2.0-based federated authentication"
///   (https://docs.aws.amazon.com/vpn/latest/clientvpn-admin/federated-authentication.html) and
///   "Enable SAML for AWS Client VPN" (client-auth-enable-saml.html): export the client
///   configuration and load it into the AWS provided client, the only client that can do SAML; it
///   receives the SAML response on http://127.0.0.1:35001 ("There are no available ports":
///   client-no-port.html).
/// - `auth-federate` is the directive the AWS provided client (and the OpenVPN forks that copy its
///   flow, e.g. schwabe/ics-openvpn pull request 1891, samm-git/aws-vpn-client) recognises as "this
///   endpoint uses SAML"; `reneg-sec 0` turns off OpenVPN's hourly TLS renegotiation, which would
///   need a fresh SAML sign-in (a browser round trip) every hour and drops the tunnel otherwise.
///   Both take the plain forms written here: `auth-federate` alone, `reneg-sec 0`.
///   (docs/domain-facts.md section 4.)
///
/// Decisions:
/// - Everything else stays byte for byte: line endings (CRLF or LF, the file's dominant one is used
///   for the added lines), inline `<ca>`/`<cert>`/`<key>`/`<tls-auth>` blocks, comments, a missing
///   final newline (still missing after an append at the end).
/// - The new lines go right before the first inline `<ca>` block, among the directives OpenVPN
///   reads before the certificates; without a `<ca>` block, at the end.
/// - A `reneg-sec N` with N other than 0 is not left next to a second `reneg-sec 0` (OpenVPN would
///   take the last one, which is fragile to reason about): its directive and arguments are replaced
///   by `reneg-sec 0` on the same line (indentation and a trailing comment kept), and the
///   replacement is reported. Every such line is replaced, so whichever OpenVPN reads last is 0.
/// - Idempotent: a file that has both directives (reneg-sec with 0) comes back unchanged.
public enum OVPNPatch {
    public static let authFederate = "auth-federate"
    public static let renegSecZero = "reneg-sec 0"

    public enum LineEnding: String, Sendable, Equatable {
        case lf = "LF"
        case crlf = "CRLF"

        var bytes: [UInt8] { self == .lf ? [0x0A] : [0x0D, 0x0A] }
    }

    /// A `reneg-sec` line whose value was replaced.
    public struct Replacement: Sendable, Equatable {
        /// 1-based line number in the input.
        public var line: Int
        /// The directive as it was (`reneg-sec 3600`).
        public var from: String
        /// What it became (`reneg-sec 0`).
        public var to: String

        public init(line: Int, from: String, to: String) {
            self.line = line
            self.from = from
            self.to = to
        }
    }

    public struct Outcome: Sendable, Equatable {
        /// The patched file (the input itself when nothing was needed).
        public var bytes: [UInt8]
        /// Directives added, in file order (`auth-federate`, `reneg-sec 0`).
        public var added: [String]
        public var replaced: [Replacement]
        public var lineEnding: LineEnding
        /// Where the added lines went, as a byte offset into the input (nil when none were added),
        /// and their bytes with line endings. Everything before the offset, and everything after
        /// the inserted bytes apart from `replaced` lines, is the input's.
        public var insertionOffset: Int?
        public var insertedBytes: [UInt8]

        public var changed: Bool { !added.isEmpty || !replaced.isEmpty }
        public var text: String { String(decoding: bytes, as: UTF8.self) }
    }

    /// Why a file is not patched. `code` is stable (`vpn.ovpn.*`); `message` says what was found or missing.
    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        public var code: String
        public var message: String

        public init(code: String, _ message: String) {
            self.code = code
            self.message = message
        }

        public var description: String { message }
    }

    public static func patch(_ text: String) throws(Refusal) -> Outcome {
        try patch(bytes: Array(text.utf8))
    }

    public static func patch(bytes input: [UInt8]) throws(Refusal) -> Outcome {
        guard !input.isEmpty, input.contains(where: { !isSpace($0) }) else {
            throw Refusal(code: "vpn.ovpn.empty", "the file is empty; expected the client configuration exported from the Client VPN endpoint")
        }
        guard !input.contains(0) else {
            throw Refusal(code: "vpn.ovpn.binary", "the file is binary (it contains NUL bytes), not an OpenVPN client configuration")
        }
        guard String(validating: input, as: UTF8.self) != nil else {
            throw Refusal(code: "vpn.ovpn.not-utf8", "the file is not UTF-8 text (binary?), not an OpenVPN client configuration")
        }

        let lines = splitLines(input)
        let scan = try Scan(lines: lines, input: input)
        try scan.validate()

        let ending = lineEnding(lines)
        var edits: [(range: Range<Int>, bytes: [UInt8])] = []
        var replaced: [Replacement] = []
        for directive in scan.renegSec where directive.arguments.first != "0" {
            let range = directive.span
            replaced.append(Replacement(line: directive.line, from: String(decoding: input[range], as: UTF8.self), to: renegSecZero))
            edits.append((range, Array(renegSecZero.utf8)))
        }

        var added: [String] = []
        if !scan.has(authFederate) { added.append(authFederate) }
        if scan.renegSec.isEmpty { added.append(renegSecZero) }

        var insertionOffset: Int?
        var inserted: [UInt8] = []
        if !added.isEmpty {
            if let ca = scan.firstCALine {
                insertionOffset = lines[ca].start
                for line in added { inserted += Array(line.utf8) + ending.bytes }
            } else {
                insertionOffset = input.count
                let endsWithNewline = input.last == 0x0A
                // Keep a missing final newline missing: the separator goes first, none at the end.
                for line in added {
                    if !endsWithNewline { inserted += ending.bytes }
                    inserted += Array(line.utf8)
                    if endsWithNewline { inserted += ending.bytes }
                }
            }
            edits.append((insertionOffset! ..< insertionOffset!, inserted))
        }

        var output: [UInt8] = []
        output.reserveCapacity(input.count + inserted.count)
        var cursor = 0
        for edit in edits.sorted(by: { $0.range.lowerBound < $1.range.lowerBound }) {
            output += input[cursor ..< edit.range.lowerBound]
            output += edit.bytes
            cursor = edit.range.upperBound
        }
        output += input[cursor...]
        return Outcome(bytes: output, added: added, replaced: replaced, lineEnding: ending,
                       insertionOffset: insertionOffset, insertedBytes: inserted)
    }

    // MARK: - Reading the file

    struct Line {
        var number: Int
        /// Offsets into the input: the line's first byte, the end of its content (before CR LF or
        /// LF), the end including the line ending.
        var start: Int
        var contentEnd: Int
        var end: Int
        var crlf: Bool
        var lf: Bool
    }

    struct Directive {
        var name: String
        var arguments: [String]
        var line: Int
        /// From the directive's first byte to its last argument's last byte.
        var span: Range<Int>
    }

    static func splitLines(_ input: [UInt8]) -> [Line] {
        var lines: [Line] = []
        var start = 0
        var index = 0
        while index < input.count {
            if input[index] == 0x0A {
                let crlf = index > start && input[index - 1] == 0x0D
                lines.append(Line(number: lines.count + 1, start: start, contentEnd: crlf ? index - 1 : index, end: index + 1, crlf: crlf, lf: true))
                start = index + 1
            }
            index += 1
        }
        if start < input.count {
            lines.append(Line(number: lines.count + 1, start: start, contentEnd: input.count, end: input.count, crlf: false, lf: false))
        }
        return lines
    }

    /// CRLF when most lines end so, else LF.
    static func lineEnding(_ lines: [Line]) -> LineEnding {
        let crlf = lines.filter(\.crlf).count
        let lf = lines.filter { $0.lf && !$0.crlf }.count
        return crlf > lf ? .crlf : .lf
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A || byte == 0x0B || byte == 0x0C
    }

    /// The tokens of one line as OpenVPN splits them: whitespace-separated, a token starting with
    /// `#` or `;` starts a comment, a leading `--` on the directive is allowed. Returns each token
    /// with its byte range.
    static func tokens(_ input: [UInt8], _ line: Line) -> [(text: String, range: Range<Int>)] {
        var result: [(String, Range<Int>)] = []
        var index = line.start
        // A UTF-8 byte order mark before the first line.
        if index == 0, line.contentEnd >= 3, input[0] == 0xEF, input[1] == 0xBB, input[2] == 0xBF { index = 3 }
        while index < line.contentEnd {
            while index < line.contentEnd, isSpace(input[index]) { index += 1 }
            guard index < line.contentEnd else { break }
            if input[index] == UInt8(ascii: "#") || input[index] == UInt8(ascii: ";") { break }
            let start = index
            while index < line.contentEnd, !isSpace(input[index]) { index += 1 }
            result.append((String(decoding: input[start ..< index], as: UTF8.self), start ..< index))
        }
        return result
    }

    struct Scan {
        var directives: [Directive] = []
        var firstCALine: Int?

        init(lines: [Line], input: [UInt8]) throws(Refusal) {
            var block: (tag: String, line: Int)?
            for (index, line) in lines.enumerated() {
                let words = OVPNPatch.tokens(input, line)
                if let open = block {
                    if words.count == 1, words[0].text == "</\(open.tag)>" { block = nil }
                    continue
                }
                guard let first = words.first else { continue }
                let word = first.text
                if word.hasPrefix("<"), word.hasSuffix(">"), !word.hasPrefix("</"), word.count > 2 {
                    let tag = String(word.dropFirst().dropLast())
                    block = (tag, line.number)
                    if tag == "ca", firstCALine == nil { firstCALine = index }
                    continue
                }
                let name = word.hasPrefix("--") ? String(word.dropFirst(2)) : word
                directives.append(Directive(name: name, arguments: words.dropFirst().map(\.text), line: line.number,
                                            span: first.range.lowerBound ..< words.last!.range.upperBound))
            }
            if let open = block {
                throw Refusal(code: "vpn.ovpn.unclosed-block", "the inline <\(open.tag)> block that starts on line \(open.line) is never closed with </\(open.tag)>; the file is truncated or not an OpenVPN client configuration")
            }
        }

        func has(_ name: String) -> Bool { directives.contains { $0.name == name } }
        func all(_ name: String) -> [Directive] { directives.filter { $0.name == name } }
        var renegSec: [Directive] { all("reneg-sec") }

        func validate() throws(Refusal) {
            let serverNames: Set<String> = ["server", "server-ipv6", "server-bridge", "tls-server"]
            if let server = directives.first(where: { serverNames.contains($0.name) || ($0.name == "mode" && $0.arguments.first == "server") }) {
                let shown = ([server.name] + server.arguments).joined(separator: " ")
                throw Refusal(code: "vpn.ovpn.server-config", "the file looks like an OpenVPN server configuration (`\(shown)` on line \(server.line)), not a client configuration exported from a Client VPN endpoint")
            }
            var missing: [String] = []
            if !has("client") && !(has("tls-client") && has("pull")) {
                missing.append("a `client` directive (or `tls-client` with `pull`)")
            }
            if !all("remote").contains(where: { !$0.arguments.isEmpty }) {
                missing.append("a `remote HOST PORT` line")
            }
            let devices = all("dev")
            if !devices.contains(where: { device in device.arguments.first.map { $0.hasPrefix("tun") || $0.hasPrefix("tap") } ?? false }) {
                if let other = devices.first {
                    missing.append("`dev tun` or `dev tap` (line \(other.line) has `\(([other.name] + other.arguments).joined(separator: " "))`)")
                } else {
                    missing.append("a `dev tun` or `dev tap` line")
                }
            }
            guard missing.isEmpty else {
                throw Refusal(code: "vpn.ovpn.not-client-config", "not an OpenVPN client configuration: missing \(missing.joined(separator: ", ")); export it with `aws ec2 export-client-vpn-client-configuration` or the console's \"Download client configuration\"")
            }
        }
    }
}
