/// The company start URL (`instance.startUrl`): an https URL on the company's own domain that redirects
/// to a healthy Region's access portal (AWS Security Blog, "Regional routing for AWS access portals:
/// Implementing custom vanity domains for IAM Identity Center"). The AWS CLI v2 accepts it as
/// `sso_start_url` from 2.35.13 on and follows its one redirect.
public struct StartURL: Sendable, Hashable, CustomStringConvertible {
    /// As written, without a trailing slash after the host.
    public let value: String
    /// Lower-cased host name.
    public let host: String
    public let port: Int?

    public var description: String { value }

    public static func parse(_ text: String) -> Result<StartURL, IdentifierError> {
        let example = "https://aws.example.com"
        guard text.hasPrefix("https://") else {
            let hint = text.hasPrefix("http://") ? "; the AWS CLI refuses a start URL that is not https" : ""
            return .failure(IdentifierError("\"\(text)\" is not an https URL; give the company start URL, e.g. \(example)\(hint)"))
        }
        let rest = text.dropFirst("https://".count)
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let tail = rest.dropFirst(authority.count)
        if authority.contains("@") {
            return .failure(IdentifierError("\"\(text)\" carries a user name or password; give the plain URL, e.g. \(example)"))
        }
        if tail.contains("#") {
            return .failure(IdentifierError("\"\(text)\" has a fragment (#...); give the URL people open, without it"))
        }
        var hostText = Substring(authority)
        var port: Int?
        if let colon = authority.lastIndex(of: ":") {
            hostText = authority[..<colon]
            guard let number = Int(authority[authority.index(after: colon)...]), (1...65535).contains(number) else {
                return .failure(IdentifierError("\"\(text)\" has no valid port after \":\"; give a port from 1 to 65535, or none for 443"))
            }
            port = number == 443 ? nil : number
        }
        let host = hostText.lowercased()
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ label in
            (1...63).contains(label.count) && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }) else {
            return .failure(IdentifierError("\"\(text)\" has no valid host name; give the company's own host, e.g. \(example)"))
        }
        switch PortalHost.classify(host) {
        case .regional:
            return .failure(IdentifierError("\"\(text)\" is an AWS Regional access portal, not a company start URL; the Regional portals are listed by `idcsync urls`, and instance.startUrl is the company's own domain that redirects to one of them (e.g. \(example))"))
        case .otherAWS:
            return .failure(IdentifierError("\"\(text)\" is an AWS-owned host, not a company start URL; instance.startUrl is the company's own domain that redirects to a healthy Region's portal (e.g. \(example))"))
        case .notAWS:
            break
        }
        var path = String(tail)
        if path == "/" { path = "" }
        let value = "https://\(host)\(port.map { ":\($0)" } ?? "")\(path)"
        return .success(StartURL(value: value, host: host, port: port))
    }
}
