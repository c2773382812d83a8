#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Crypto
import IDCSyncCore

// Small Foundation-free helpers shared by the credential providers: ISO 8601 timestamps, SHA-1
// names of the SSO token cache, percent-encoding and URL host checks.

/// ISO 8601 timestamps as AWS writes them: `2026-11-21T10:00:00Z`, with optional fractional seconds,
/// a numeric offset (`+00:00`, `+0000`, `+00`) or the `UTC` suffix older AWS CLI versions wrote into
/// the SSO token cache. Parsed by hand, so no Foundation formatter quirk (locale, fractional
/// seconds, lenient parsing) decides what is accepted.
enum ISO8601Timestamp {
    /// Seconds since 1970, or `nil` when the text is not such a timestamp. A timestamp without a
    /// zone is read as UTC.
    static func parse(_ text: String) -> Double? {
        let b = Array(text.trimmingWhitespace().utf8)
        func digits(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= b.count else { return nil }
            var value = 0
            for byte in b[start..<(start + count)] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        func byte(_ index: Int) -> UInt8? { index < b.count ? b[index] : nil }
        guard let year = digits(0, 4), byte(4) == UInt8(ascii: "-"), let month = digits(5, 2), byte(7) == UInt8(ascii: "-"),
              let day = digits(8, 2), let separator = byte(10), [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")].contains(separator),
              let hour = digits(11, 2), byte(13) == UInt8(ascii: ":"), let minute = digits(14, 2), byte(16) == UInt8(ascii: ":"),
              let second = digits(17, 2)
        else { return nil }
        guard (1...12).contains(month), (1...daysInMonth(year: year, month: month)).contains(day),
              hour <= 23, minute <= 59, second <= 60
        else { return nil }
        var index = 19
        var fraction = 0.0
        if let mark = byte(index), mark == UInt8(ascii: ".") || mark == UInt8(ascii: ",") {
            index += 1
            var scale = 0.1
            let start = index
            while let digit = byte(index), digit >= 48, digit <= 57 {
                fraction += Double(digit - 48) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        var offset = 0
        let zone = String(decoding: b[index...], as: UTF8.self)
        switch zone.uppercased() {
        case "", "Z", "UTC", "GMT":
            break
        default:
            let z = Array(zone.utf8)
            guard z[0] == UInt8(ascii: "+") || z[0] == UInt8(ascii: "-") else { return nil }
            let sign = z[0] == UInt8(ascii: "-") ? -1 : 1
            var rest = Array(z.dropFirst())
            if rest.count == 5, rest[2] == UInt8(ascii: ":") { rest.remove(at: 2) }
            guard rest.count == 2 || rest.count == 4, rest.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
            let values = rest.map { Int($0 - 48) }
            let hours = values[0] * 10 + values[1]
            let minutes = values.count == 4 ? values[2] * 10 + values[3] : 0
            guard hours <= 23, minutes <= 59 else { return nil }
            offset = sign * (hours * 3600 + minutes * 60)
        }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + min(second, 59) - offset
        return Double(seconds) + fraction
    }

    /// `2026-11-21T10:00:00Z` (whole seconds, UTC).
    static func format(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded(.down))
        let days = Int((Double(whole) / 86_400).rounded(.down))
        let secondOfDay = whole - days * 86_400
        let (year, month, day) = civilFromDays(days)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let yearText = String(year)
        let paddedYear = String(repeating: "0", count: max(0, 4 - yearText.count)) + yearText
        return "\(paddedYear)-\(two(month))-\(two(day))T\(two(secondOfDay / 3600)):\(two(secondOfDay % 3600 / 60)):\(two(secondOfDay % 60))Z"
    }

    private static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    private static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

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

    /// RFC 3986 percent-encoding of a query value (everything but unreserved characters).
    static func percentEncode(_ text: String) -> String {
        let hexDigits = Array("0123456789ABCDEF")
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                result.append(Character(Unicode.Scalar(byte)))
            default:
                result.append("%")
                result.append(hexDigits[Int(byte >> 4)])
                result.append(hexDigits[Int(byte & 0x0F)])
            }
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
