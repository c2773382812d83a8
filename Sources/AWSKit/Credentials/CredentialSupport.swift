#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Crypto
import IDCSyncCore

// Small Foundation-free helpers shared by the credential providers: SHA-1 names of the SSO token
// cache and URL host checks.

enum CredentialText {
    /// The lowercase hex SHA-1 of the UTF-8 text (the SSO token cache file name).
    static func sha1Hex(_ text: String) -> String {
        var hasher = Insecure.SHA1()
        Array(text.utf8).withUnsafeBytes { hasher.update(bufferPointer: $0) }
        let hexDigits = Array("0123456789abcdef")
        var result = ""
        for byte in hasher.finalize() {
            result.append(hexDigits[Int(byte >> 4)])
            result.append(hexDigits[Int(byte & 0x0F)])
        }
        return result
    }

    /// The first line of a text, trimmed and cut to `limit` characters (for quoting stderr or an
    /// error body in a message).
    static func firstLine(_ text: String, limit: Int = 200) -> String {
        let line = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
            .map { String($0).trimmingWhitespace() }.first { !$0.isEmpty } ?? ""
        return line.count > limit ? String(line.prefix(limit)) + "..." : line
    }

    /// `~/...` for paths inside `home`, for messages.
    static func display(_ path: String, home: String) -> String {
        let base = home.hasSuffix("/") ? String(home.dropLast()) : home
        guard !base.isEmpty, path.hasPrefix(base + "/") else { return path }
        return "~" + path.dropFirst(base.count)
    }

    /// `~` and `$NAME`/`${NAME}` expansion of a path from the environment, as botocore does with
    /// `os.path.expanduser` and `os.path.expandvars` (unknown variables stay as written).
    static func expandPath(_ path: String, environment: [String: String], home: String) -> String {
        var text = path
        if text == "~" { text = home } else if text.hasPrefix("~/") { text = home + text.dropFirst(1) }
        guard text.contains("$") else { return text }
        var result = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            guard character == "$" else { result.append(character); index = text.index(after: index); continue }
            var nameStart = text.index(after: index)
            var braced = false
            if nameStart < text.endIndex, text[nameStart] == "{" { braced = true; nameStart = text.index(after: nameStart) }
            var nameEnd = nameStart
            while nameEnd < text.endIndex, text[nameEnd].isASCII, text[nameEnd].isLetter || text[nameEnd].isNumber || text[nameEnd] == "_" {
                nameEnd = text.index(after: nameEnd)
            }
            let name = String(text[nameStart..<nameEnd])
            var end = nameEnd
            if braced {
                guard end < text.endIndex, text[end] == "}" else { result.append(character); index = text.index(after: index); continue }
                end = text.index(after: end)
            }
            if !name.isEmpty, let value = environment[name] {
                result += value
            } else {
                result += text[index..<end]
            }
            index = end
        }
        return result
    }
}

/// The parts of an absolute URL that credential endpoints are checked by.
struct CredentialURL: Sendable, Equatable {
    var scheme: String
    /// Lowercased, without the brackets of an IPv6 literal.
    var host: String
    var port: Int?

    init?(_ text: String) {
        guard let schemeEnd = text.firstRange(of: "://") else { return nil }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard !scheme.isEmpty, scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") })
        else { return nil }
        let rest = text[schemeEnd.upperBound...]
        var authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return nil }
                portText = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        guard !host.isEmpty else { return nil }
        if let portText {
            if portText.isEmpty {
                self.port = nil
            } else {
                guard let port = Int(portText), (0...65_535).contains(port) else { return nil }
                self.port = port
            }
        } else {
            self.port = nil
        }
        self.scheme = scheme
        self.host = host.lowercased()
    }

    /// Whether the host is a loopback IP address (127.0.0.0/8 or ::1), as Python's
    /// `ipaddress.ip_address(host).is_loopback`. Names (other than the literal) do not count.
    var isLoopbackAddress: Bool {
        if let octets = Self.ipv4(host) { return octets[0] == 127 }
        if let groups = Self.ipv6(host) { return groups == [0, 0, 0, 0, 0, 0, 0, 1] }
        return false
    }

    /// Whether the host equals an IP literal or name, comparing IPv6 addresses by value.
    func hostMatches(_ other: String) -> Bool {
        if let mine = Self.ipv6(host), let theirs = Self.ipv6(other.lowercased()) { return mine == theirs }
        return host == other.lowercased()
    }

    static func ipv4(_ text: String) -> [Int]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var octets: [Int] = []
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }),
                  part.count == 1 || part.first != "0", let value = Int(part), value <= 255
            else { return nil }
            octets.append(value)
        }
        return octets
    }

    static func ipv6(_ text: String) -> [UInt16]? {
        guard text.contains(":") else { return nil }
        let halves = text.components(separatedByDoubleColon: ())
        func groups(_ part: Substring) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result: [UInt16] = []
            for group in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard (1...4).contains(group.count), let value = UInt16(group, radix: 16) else { return nil }
                result.append(value)
            }
            return result
        }
        switch halves.count {
        case 1:
            guard let all = groups(halves[0]), all.count == 8 else { return nil }
            return all
        case 2:
            guard let head = groups(halves[0]), let tail = groups(halves[1]), head.count + tail.count <= 7 else { return nil }
            return head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        default:
            return nil
        }
    }
}

private extension String {
    /// Splits at every `::` (at most one is valid in an IPv6 address).
    func components(separatedByDoubleColon _: Void) -> [Substring] {
        var result: [Substring] = []
        var start = startIndex
        var index = startIndex
        while index < endIndex {
            let next = self.index(after: index)
            if self[index] == ":", next < endIndex, self[next] == ":" {
                result.append(self[start..<index])
                start = self.index(after: next)
                index = start
            } else {
                index = next
            }
        }
        result.append(self[start...])
        return result
    }
}

/// Reading credential fields from JSON answers.
enum CredentialJSON {
    static func string(_ value: JSONValue?) -> String? {
        guard case .string(let text)? = value else { return nil }
        return text
    }

    static func number(_ value: JSONValue?) -> Double? {
        switch value {
        case .number(let text)?: Double(text)
        case .string(let text)?: Double(text)
        default: nil
        }
    }
}
