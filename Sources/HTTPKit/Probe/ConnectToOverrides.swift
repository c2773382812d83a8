/// Test hook with curl's `--connect-to` semantics, read from IDCSYNC_TEST_CONNECT_TO:
/// comma-separated entries `HOST:PORT:ADDRESS:PORT`, e.g.
/// `ssoins-1234567890abcdef.us-east-1.portal.amazonaws.com:443:127.0.0.1:50443`.
///
/// When set, ONLY the listed host:port pairs resolve (to the given address and port); every other
/// host fails with a DNS failure saying it is not listed: real DNS is never used. TLS SNI, the
/// certificate's host check and the Host header still use the URL's host. An IPv6 address is
/// written in brackets: `host:443:[::1]:50443`.
public struct ConnectToOverrides: Sendable, Equatable {
    public static let environmentVariable = "IDCSYNC_TEST_CONNECT_TO"

    public struct Entry: Sendable, Equatable {
        public var host: String
        public var port: Int
        public var address: String
        public var addressPort: Int

        public init(host: String, port: Int, address: String, addressPort: Int) {
            self.host = host.lowercased()
            self.port = port
            self.address = address
            self.addressPort = addressPort
        }
    }

    public var entries: [Entry]

    public init(entries: [Entry]) { self.entries = entries }

    /// The entry for this host (case-insensitive) and port.
    public func target(host: String, port: Int) -> Entry? {
        let host = host.lowercased()
        return entries.first { $0.host == host && $0.port == port }
    }

    public static func parse(_ text: String) -> Result<ConnectToOverrides, ConnectToParseError> {
        var entries: [Entry] = []
        for raw in text.split(separator: ",", omittingEmptySubsequences: false) {
            let entry = raw.trimmingCharacters(in: " \t")
            guard let parsed = parseEntry(entry) else { return .failure(ConnectToParseError(entry: entry)) }
            entries.append(parsed)
        }
        return .success(ConnectToOverrides(entries: entries))
    }

    /// The overrides from IDCSYNC_TEST_CONNECT_TO in `environment`; nil when unset or empty.
    public static func fromEnvironment(_ environment: [String: String]) -> Result<ConnectToOverrides, ConnectToParseError>? {
        guard let text = environment[environmentVariable], !text.isEmpty else { return nil }
        return parse(text)
    }

    private static func parseEntry(_ entry: String) -> Entry? {
        // HOST:PORT:ADDRESS:PORT, ADDRESS possibly [IPv6].
        guard let firstColon = entry.firstIndex(of: ":") else { return nil }
        let host = String(entry[..<firstColon])
        let rest = entry[entry.index(after: firstColon)...]
        guard let secondColon = rest.firstIndex(of: ":") else { return nil }
        let portText = rest[..<secondColon]
        let target = rest[rest.index(after: secondColon)...]
        guard let lastColon = target.lastIndex(of: ":") else { return nil }
        var address = String(target[..<lastColon])
        let addressPortText = target[target.index(after: lastColon)...]
        if address.hasPrefix("[") && address.hasSuffix("]") {
            address = String(address.dropFirst().dropLast())
            guard address.contains(":") else { return nil }
        } else if address.contains(":") {
            return nil
        }
        guard !host.isEmpty, !host.contains("/"), !host.contains(" "), !address.isEmpty,
              let port = portNumber(portText), let addressPort = portNumber(addressPortText),
              isIPAddress(address) else { return nil }
        return Entry(host: host.lowercased(), port: port, address: address, addressPort: addressPort)
    }

    private static func portNumber(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.count <= 5, text.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(text),
              (1...65535).contains(value) else { return nil }
        return value
    }

    private static func isIPAddress(_ text: String) -> Bool {
        if text.contains(":") { return text.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." } }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in
            !part.isEmpty && part.count <= 3 && part.allSatisfy { $0.isASCII && $0.isNumber } && Int(part)! <= 255
        }
    }
}

/// A malformed IDCSYNC_TEST_CONNECT_TO entry.
public struct ConnectToParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The entry as written (trimmed).
    public var entry: String

    public var description: String {
        "\(ConnectToOverrides.environmentVariable): entry \"\(entry)\" is not HOST:PORT:ADDRESS:PORT "
            + "(for example \"portal.example.com:443:127.0.0.1:50443\"; ADDRESS is an IP address, IPv6 in brackets; ports 1-65535); "
            + "fix or unset the variable (it is a test hook)"
    }
}
