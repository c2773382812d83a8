/// An IPv4 network in CIDR notation (`10.100.0.0/22`), for the Client VPN address rules.
public struct IPv4CIDR: Sendable, Equatable, CustomStringConvertible {
    /// The network address (host bits zero).
    public var network: UInt32
    public var prefix: Int

    /// Parses `a.b.c.d/n`. Host bits must be zero, as AWS requires for a client CIDR.
    public struct ParseError: Error, Sendable, Equatable {
        public var message: String
    }

    public static func parse(_ text: String) -> Result<IPv4CIDR, ParseError> {
        func fail(_ why: String) -> Result<IPv4CIDR, ParseError> {
            .failure(ParseError(message: "\"\(text)\" is not an IPv4 CIDR block: \(why) (e.g. 10.100.0.0/22)"))
        }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let prefix = Int(parts[1]), (0...32).contains(prefix) else { return fail("it needs an address and a prefix length 0-32") }
        let octets = parts[0].split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return fail("the address needs four numbers") }
        var address: UInt32 = 0
        for octet in octets {
            guard let value = UInt32(octet), value <= 255, octet.count <= 3 else { return fail("\(octet) is not a number 0-255") }
            address = address << 8 | value
        }
        let cidr = IPv4CIDR(network: address & mask(prefix), prefix: prefix)
        guard cidr.network == address else { return fail("host bits are set; the network is \(cidr)") }
        return .success(cidr)
    }

    static func mask(_ prefix: Int) -> UInt32 { prefix == 0 ? 0 : UInt32.max << (32 - prefix) }

    public var last: UInt32 { network | ~Self.mask(prefix) }

    public func contains(_ other: IPv4CIDR) -> Bool { other.prefix >= prefix && other.network & Self.mask(prefix) == network }

    public func overlaps(_ other: IPv4CIDR) -> Bool { network <= other.last && other.network <= last }

    public var description: String {
        "\(network >> 24).\(network >> 16 & 255).\(network >> 8 & 255).\(network & 255)/\(prefix)"
    }
}
