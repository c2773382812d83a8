/// Form parameters of a Query or EC2 call, flattened as botocore's `QuerySerializer` and
/// `EC2Serializer` flatten them:
/// - Query: a list is `Name.member.1`, `Name.member.2`, ...; an empty list is sent as `Name=`.
/// - EC2: a list is `Name.1`, `Name.2`, ... (the member's name is never used); an empty list is
///   not sent. Structures in lists nest as `Name.1.Field` (`Filter.1.Value.1`).
/// Booleans are `true`/`false`, integers decimal; a `nil` value is not sent.
public struct QueryParameters: Sendable {
    public enum Style: Sendable, Equatable {
        case query, ec2

        init(_ wireProtocol: AWSService.WireProtocol) {
            if case .ec2 = wireProtocol { self = .ec2 } else { self = .query }
        }
    }

    public let style: Style
    public private(set) var pairs: [(String, String)] = []

    public init(_ style: Style) { self.style = style }

    /// The parameters for a call to `service`.
    public init(for service: AWSService) { self.init(Style(service.wireProtocol)) }

    public mutating func set(_ name: String, _ value: String?) {
        if let value { pairs.append((name, value)) }
    }

    public mutating func set(_ name: String, _ value: Bool?) {
        if let value { pairs.append((name, value ? "true" : "false")) }
    }

    public mutating func set(_ name: String, _ value: Int?) {
        if let value { pairs.append((name, String(value))) }
    }

    /// The name of the list element at `index` (from 1).
    public func element(_ name: String, _ index: Int) -> String {
        switch style {
        case .query: "\(name).member.\(index)"
        case .ec2: "\(name).\(index)"
        }
    }

    /// A list of strings.
    public mutating func list(_ name: String, _ values: [String]) {
        list(name, values) { parameters, prefix, value in parameters.set(prefix, value) }
    }

    /// A list of structures: `fields` sets each element's members under the element's prefix.
    public mutating func list<Element>(_ name: String, _ elements: [Element],
                                       _ fields: (inout QueryParameters, _ prefix: String, Element) -> Void) {
        if elements.isEmpty {
            if style == .query { pairs.append((name, "")) }
            return
        }
        for (offset, element) in elements.enumerated() { fields(&self, self.element(name, offset + 1), element) }
    }

    /// A list of `Key`/`Value` tags (IAM `Tags.member.N.Key`, EC2 `Tag.N.Key`).
    public mutating func tags(_ name: String, _ tags: [AWSTag]) {
        list(name, tags) { parameters, prefix, tag in
            parameters.set("\(prefix).Key", tag.key)
            parameters.set("\(prefix).Value", tag.value)
        }
    }
}

/// A resource tag (EC2, IAM).
public struct AWSTag: Sendable, Equatable, Hashable {
    public var key: String
    public var value: String

    public init(_ key: String, _ value: String) {
        self.key = key
        self.value = value
    }
}
