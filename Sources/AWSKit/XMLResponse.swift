/// Reads the few values idcsync needs from AWS Query/XML responses (`<Account>`, `<Code>`, ...)
/// without an XML library: element text by name, entities decoded. Enough for flat response and
/// error documents; not a general XML parser.
public struct XMLResponse: Sendable {
    public let text: String

    public init(_ bytes: [UInt8]) { text = String(decoding: bytes, as: UTF8.self) }

    /// The text of the first element with this local name (namespace prefixes ignored).
    public func value(_ name: String) -> String? { values(name).first }

    /// The text of every element with this local name, in document order.
    public func values(_ name: String) -> [String] {
        var results: [String] = []
        var rest = Substring(text)
        while let open = rest.range(of: "<") {
            rest = rest[open.upperBound...]
            guard let close = rest.firstIndex(of: ">") else { break }
            let tag = rest[..<close]
            rest = rest[rest.index(after: close)...]
            guard !tag.hasPrefix("/"), !tag.hasPrefix("?"), !tag.hasPrefix("!"), !tag.hasSuffix("/") else { continue }
            let qualified = tag.split(separator: " ", maxSplits: 1).first.map(String.init) ?? ""
            let local = qualified.split(separator: ":").last.map(String.init) ?? qualified
            guard local == name, let end = rest.range(of: "</\(qualified)>") else { continue }
            let content = rest[..<end.lowerBound]
            if !content.contains("<") { results.append(Self.decode(String(content))) }
        }
        return results
    }

    static func decode(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var result = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            result += rest[..<amp]
            rest = rest[amp...]
            guard let semi = rest.firstIndex(of: ";") else { break }
            let entity = rest[rest.index(after: rest.startIndex)..<semi]
            switch entity {
            case "amp": result += "&"
            case "lt": result += "<"
            case "gt": result += ">"
            case "quot": result += "\""
            case "apos": result += "'"
            default:
                if entity.hasPrefix("#x"), let code = UInt32(entity.dropFirst(2), radix: 16), let scalar = Unicode.Scalar(code) {
                    result.unicodeScalars.append(scalar)
                } else if entity.hasPrefix("#"), let code = UInt32(entity.dropFirst()), let scalar = Unicode.Scalar(code) {
                    result.unicodeScalars.append(scalar)
                } else {
                    result += "&\(entity);"
                }
            }
            rest = rest[rest.index(after: semi)...]
        }
        return result + rest
    }
}
