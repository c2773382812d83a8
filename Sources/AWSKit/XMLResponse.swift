import Foundation

/// An AWS Query/XML response or error document, read once by `XMLNode.parse` (the one XML reader):
/// the few flat values idcsync needs (`<Account>`, `<Code>`, ...) by name, and the whole tree for
/// nested responses.
public struct XMLResponse: Sendable {
    public let text: String
    /// The document element as a tree (for nested responses: EC2 `<xxxSet><item>`, Query `<member>`),
    /// or `nil` when the text holds no element.
    public let document: XMLNode?

    public init(_ bytes: [UInt8]) {
        text = String(decoding: bytes, as: UTF8.self)
        document = XMLNode.parse(bytes)
    }

    /// The text of the first element with this local name (namespace prefixes ignored).
    public func value(_ name: String) -> String? { values(name).first }

    /// The text of every element with this local name that holds only text, in document order (an
    /// empty element, `<Item/>` or `<Item></Item>`, is the empty string).
    public func values(_ name: String) -> [String] {
        var results: [String] = []
        func visit(_ node: XMLNode) {
            if node.name == name, node.children.isEmpty { results.append(node.text) }
            for child in node.children { visit(child) }
        }
        if let document { visit(document) }
        return results
    }
}

/// One element of an XML document: its local name (namespace prefix dropped), its own text
/// (entities decoded, CDATA kept as is, white space kept) and its child elements. Attributes,
/// comments, processing instructions and DOCTYPEs are skipped. Enough for AWS response documents;
/// not a validating parser: a mismatched end tag closes the innermost open element.
public struct XMLNode: Sendable, Equatable {
    public var name: String
    public var text: String
    public var children: [XMLNode]

    public init(name: String, text: String = "", children: [XMLNode] = []) {
        self.name = name
        self.text = text
        self.children = children
    }

    /// The first child element with this local name.
    public func child(_ name: String) -> XMLNode? { children.first { $0.name == name } }

    /// The child elements with this local name, in document order.
    public func children(_ name: String) -> [XMLNode] { children.filter { $0.name == name } }

    /// The text of the child element reached by these names (`status`, `code`), if there is one.
    public func string(_ path: String...) -> String? {
        var node = self
        for name in path {
            guard let next = node.child(name) else { return nil }
            node = next
        }
        return node.text
    }

    /// The elements of a list: the children of the first child with this name, whatever they are
    /// called (`<vpcSet><item>` in EC2, `<SAMLProviderList><member>` in Query). Empty when absent.
    public func list(_ name: String) -> [XMLNode] { child(name)?.children ?? [] }

    /// The strings of a list of scalars (`<dnsServer><item>10.0.0.2</item></dnsServer>`).
    public func strings(_ name: String) -> [String] { list(name).map(\.text) }

    /// `true` / `false` (AWS XML booleans), else `nil`.
    public func bool(_ path: String...) -> Bool? {
        var node: XMLNode? = self
        for name in path { node = node?.child(name) }
        switch node?.text.trimmingCharacters(in: .whitespacesAndNewlines) {
        case "true": return true
        case "false": return false
        default: return nil
        }
    }

    /// An integer child, else `nil`.
    public func int(_ path: String...) -> Int? {
        var node: XMLNode? = self
        for name in path { node = node?.child(name) }
        return node.flatMap { Int($0.text.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// The document element of `bytes`, or `nil` when there is none.
    public static func parse(_ bytes: [UInt8]) -> XMLNode? {
        var stack = [XMLNode(name: "")]
        var texts = [""]
        var qualifiedNames = [""]
        var index = 0
        let count = bytes.count
        func starts(_ marker: String, at position: Int) -> Bool {
            let m = Array(marker.utf8)
            guard position + m.count <= count else { return false }
            return Array(bytes[position..<(position + m.count)]) == m
        }
        func find(_ marker: String, from position: Int) -> Int? {
            let m = Array(marker.utf8)
            var i = position
            while i + m.count <= count {
                if bytes[i] == m[0], Array(bytes[i..<(i + m.count)]) == m { return i }
                i += 1
            }
            return nil
        }
        func close() {
            guard stack.count > 1 else { return }
            var node = stack.removeLast()
            node.text = texts.removeLast()
            qualifiedNames.removeLast()
            stack[stack.count - 1].children.append(node)
        }
        while index < count {
            guard bytes[index] == UInt8(ascii: "<") else {
                var end = index
                while end < count, bytes[end] != UInt8(ascii: "<") { end += 1 }
                texts[texts.count - 1] += decode(String(decoding: bytes[index..<end], as: UTF8.self))
                index = end
                continue
            }
            if starts("<!--", at: index) {
                index = (find("-->", from: index + 4) ?? count - 3) + 3
            } else if starts("<![CDATA[", at: index) {
                let end = find("]]>", from: index + 9) ?? count
                texts[texts.count - 1] += String(decoding: bytes[(index + 9)..<end], as: UTF8.self)
                index = min(end + 3, count)
            } else if starts("<?", at: index) {
                index = (find("?>", from: index + 2) ?? count - 2) + 2
            } else {
                // A start, end or declaration tag: up to the `>` outside quotes.
                var end = index + 1
                var quote: UInt8?
                while end < count {
                    let byte = bytes[end]
                    if let q = quote { if byte == q { quote = nil } } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                        quote = byte
                    } else if byte == UInt8(ascii: ">") { break }
                    end += 1
                }
                let tag = bytes[(index + 1)..<min(end, count)]
                index = end + 1
                if tag.first == UInt8(ascii: "!") { continue }
                if tag.first == UInt8(ascii: "/") {
                    let qualified = String(decoding: tag.dropFirst(), as: UTF8.self).trimmingCharacters(in: .whitespaces)
                    if let open = qualifiedNames.lastIndex(of: qualified), open > 0 {
                        while qualifiedNames.count > open { close() }
                    } else {
                        close()
                    }
                    continue
                }
                let selfClosing = tag.last == UInt8(ascii: "/")
                let qualified = String(decoding: tag.prefix { ![UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"),
                                                                UInt8(ascii: "/")].contains($0) }, as: UTF8.self)
                let local = qualified.split(separator: ":").last.map(String.init) ?? qualified
                stack.append(XMLNode(name: local))
                texts.append("")
                qualifiedNames.append(qualified)
                if selfClosing { close() }
            }
        }
        while stack.count > 1 { close() }
        return stack[0].children.first
    }

    /// Text with the predefined and numeric character references decoded; an unknown one stays as written.
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
