import Crypto
import Foundation
import HTTPKit

/// Signs requests with AWS Signature Version 4 (`AWS4-HMAC-SHA256`), either with an `Authorization`
/// header (`sign`) or as a presigned URL (`presign`). Follows "Create a signed AWS API request" in the
/// IAM user guide and the awslabs SigV4 test suite; S3's single-encoding path rules are out of scope.
///
/// The request URL is taken as written: its path is not percent-decoded before signing (each segment is
/// encoded once), its query parameters are percent-decoded and then encoded again, so `ሴ=bar` and
/// `%E1%88%B4=bar` sign the same. A `+` in the query is a literal plus, not a space.
public struct SigV4Signer: Sendable {
    public let credentials: AWSCredentials
    public let region: String
    public let service: String

    public init(credentials: AWSCredentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// Adds X-Amz-Date, X-Amz-Security-Token (unless omitted) and Authorization headers. `date` is seconds since 1970.
    ///
    /// - Parameters:
    ///   - signBody: also send and sign `x-amz-content-sha256` with the payload hash.
    ///   - normalizePath: remove `.`/`..` segments and duplicate slashes from the path before signing
    ///     (every service but S3); the URL itself is never changed.
    ///   - omitSessionToken: add the session token header after signing, so it is sent but not signed
    ///     (the services that want it so).
    public func sign(_ request: HTTPRequest, date: Double, signBody: Bool = false, normalizePath: Bool = true,
                     omitSessionToken: Bool = false) -> HTTPRequest {
        headerSigning(request, date: date, signBody: signBody, normalizePath: normalizePath,
                      omitSessionToken: omitSessionToken).request
    }

    /// Presigned URL (query signing) valid for `expires` seconds.
    ///
    /// The X-Amz-* parameters are appended to the URL's query; the headers are left as they are (every one
    /// of them is signed, so the caller must send them unchanged). With `omitSessionToken` the token is
    /// appended to the URL after signing instead of being signed.
    public func presign(_ request: HTTPRequest, date: Double, expires: Int, normalizePath: Bool = true,
                        omitSessionToken: Bool = false) -> HTTPRequest {
        querySigning(request, date: date, expires: expires, normalizePath: normalizePath,
                     omitSessionToken: omitSessionToken).request
    }

    // MARK: - The stages, for tests

    /// Every stage of one signing. Holds the session token in clear (in the canonical request and the
    /// signed request), so it stays internal and is never printed.
    struct Result {
        var canonicalRequest: String
        var stringToSign: String
        var signature: String
        /// `host;x-amz-date;...`
        var signedHeaders: String
        /// The signed request: headers added (`sign`) or URL with the X-Amz-* query (`presign`).
        var request: HTTPRequest
    }

    static let algorithm = "AWS4-HMAC-SHA256"
    static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// Headers never signed: set or rewritten by the transport or proxies, or the signature itself.
    static let unsignedHeaders: Set<String> = [
        "authorization", "user-agent", "x-amzn-trace-id", "expect", "transfer-encoding", "connection",
    ]

    /// Header signing, with every stage.
    func headerSigning(_ request: HTTPRequest, date: Double, signBody: Bool, normalizePath: Bool,
                       omitSessionToken: Bool) -> Result {
        let stamp = SigV4Signer.timestamp(date)
        let payloadHash = SigV4Signer.hexSHA256(request.body ?? [])
        let token = credentials.sessionToken?.reveal()

        // Drop what an earlier signing may have left, then add the new values in a fixed order.
        var replaced: Set<String> = ["authorization", "x-amz-date"]
        if token != nil { replaced.insert("x-amz-security-token") }
        if signBody { replaced.insert("x-amz-content-sha256") }
        var headers = request.headers.filter { !replaced.contains($0.name.lowercased()) }
        var signable = headers
        if let token {
            headers.append((name: "X-Amz-Security-Token", value: token))
            if !omitSessionToken { signable.append((name: "X-Amz-Security-Token", value: token)) }
        }
        headers.append((name: "X-Amz-Date", value: stamp.dateTime))
        signable.append((name: "X-Amz-Date", value: stamp.dateTime))
        if signBody {
            headers.append((name: "x-amz-content-sha256", value: payloadHash))
            signable.append((name: "x-amz-content-sha256", value: payloadHash))
        }

        let url = SigV4URL(request.url)
        let canonicalHeaders = SigV4Signer.canonicalHeaders(signable, url: url)
        let canonicalRequest = [
            request.method.uppercased(),
            SigV4Signer.canonicalPath(url.path, normalize: normalizePath),
            SigV4Signer.canonicalQuery(SigV4Signer.queryParameters(url.query)),
            canonicalHeaders.text,
            canonicalHeaders.names,
            payloadHash,
        ].joined(separator: "\n")
        let stringToSign = self.stringToSign(canonicalRequest, stamp: stamp)
        let signature = self.signature(stringToSign, stamp: stamp)

        headers.append((name: "Authorization",
                        value: "\(SigV4Signer.algorithm) Credential=\(credentials.accessKeyId)/\(scope(stamp)), "
                            + "SignedHeaders=\(canonicalHeaders.names), Signature=\(signature)"))
        var signed = request
        signed.headers = headers
        return Result(canonicalRequest: canonicalRequest, stringToSign: stringToSign, signature: signature,
                      signedHeaders: canonicalHeaders.names, request: signed)
    }

    /// Query signing (presigning), with every stage.
    func querySigning(_ request: HTTPRequest, date: Double, expires: Int, normalizePath: Bool,
                      omitSessionToken: Bool) -> Result {
        let stamp = SigV4Signer.timestamp(date)
        let payloadHash = SigV4Signer.hexSHA256(request.body ?? [])
        let token = credentials.sessionToken?.reveal()
        let url = SigV4URL(request.url)
        let canonicalHeaders = SigV4Signer.canonicalHeaders(request.headers, url: url)

        // In the order the URL carries them; the canonical query sorts them with the request's own.
        var added: [(key: String, value: String)] = [
            ("X-Amz-Algorithm", SigV4Signer.algorithm),
            ("X-Amz-Credential", "\(credentials.accessKeyId)/\(scope(stamp))"),
            ("X-Amz-Date", stamp.dateTime),
            ("X-Amz-SignedHeaders", canonicalHeaders.names),
            ("X-Amz-Expires", String(expires)),
        ]
        if let token, !omitSessionToken { added.append(("X-Amz-Security-Token", token)) }
        let addedNames: Set<[UInt8]> = Set(added.map { Array($0.key.utf8) } + [Array("X-Amz-Signature".utf8)])
        let own = SigV4Signer.queryParameters(url.query).filter { !addedNames.contains($0.key) }
        let signedParameters: [(key: [UInt8], value: [UInt8])] =
            own + added.map { (key: Array($0.key.utf8), value: Array($0.value.utf8)) }

        let canonicalRequest = [
            request.method.uppercased(),
            SigV4Signer.canonicalPath(url.path, normalize: normalizePath),
            SigV4Signer.canonicalQuery(signedParameters),
            canonicalHeaders.text,
            canonicalHeaders.names,
            payloadHash,
        ].joined(separator: "\n")
        let stringToSign = self.stringToSign(canonicalRequest, stamp: stamp)
        let signature = self.signature(stringToSign, stamp: stamp)

        if let token, omitSessionToken { added.append(("X-Amz-Security-Token", token)) }
        added.append(("X-Amz-Signature", signature))
        let appended = added.map { "\(PercentEncoding.encode($0.key))=\(PercentEncoding.encode($0.value))" }
            .joined(separator: "&")
        var signed = request
        signed.url = url.appendingQuery(appended)
        return Result(canonicalRequest: canonicalRequest, stringToSign: stringToSign, signature: signature,
                      signedHeaders: canonicalHeaders.names, request: signed)
    }

    // MARK: - Keys and strings

    struct Stamp {
        /// `20150830T123600Z`
        var dateTime: String
        /// `20150830`
        var day: String
    }

    func scope(_ stamp: Stamp) -> String {
        "\(stamp.day)/\(region)/\(service)/aws4_request"
    }

    func stringToSign(_ canonicalRequest: String, stamp: Stamp) -> String {
        [SigV4Signer.algorithm, stamp.dateTime, scope(stamp), SigV4Signer.hexSHA256(Array(canonicalRequest.utf8))]
            .joined(separator: "\n")
    }

    func signature(_ stringToSign: String, stamp: Stamp) -> String {
        var key = SymmetricKey(data: Array("AWS4\(credentials.secretAccessKey.reveal())".utf8))
        for part in [stamp.day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        return SigV4Signer.hex(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key))
    }

    /// UTC `yyyyMMdd'T'HHmmss'Z'` for seconds since 1970 (fractions dropped).
    static func timestamp(_ date: Double) -> Stamp {
        let stamp = Timestamp.sigV4(date)
        return Stamp(dateTime: stamp.dateTime, day: stamp.day)
    }

    static func hexSHA256(_ bytes: [UInt8]) -> String {
        hex(SHA256.hash(data: bytes))
    }

    static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: - Canonical parts

    /// `%XX` escapes decoded; a `%` not followed by two hex digits stays as it is.
    static func percentDecode(_ text: Substring) -> [UInt8] {
        let bytes = Array(text.utf8)
        func hexValue(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
               let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) {
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return out
    }

    /// The path, normalized when asked (`.`/`..` resolved, empty segments dropped, a trailing slash kept),
    /// then each segment URI-encoded once. An empty path is `/`.
    static func canonicalPath(_ path: Substring, normalize: Bool) -> String {
        guard !path.isEmpty else { return "/" }
        var segments = path.split(separator: "/", omittingEmptySubsequences: false).map { Array($0.utf8) }
        if normalize {
            var kept: [[UInt8]] = []
            for segment in segments {
                switch segment {
                case [], [UInt8(ascii: ".")]: continue
                case [UInt8(ascii: "."), UInt8(ascii: ".")]: if !kept.isEmpty { kept.removeLast() }
                default: kept.append(segment)
                }
            }
            let trailing = path.hasSuffix("/") && !kept.isEmpty
            segments = [[]] + kept + (trailing ? [[]] : [])
            if kept.isEmpty { return "/" }
        }
        let encoded = PercentEncoding.encode(bytes: Array(segments.joined(separator: [UInt8(ascii: "/")])), keepingSlash: true)
        return encoded.hasPrefix("/") ? encoded : "/" + encoded
    }

    /// The raw query split into decoded `key=value` pairs; `key` alone has an empty value.
    static func queryParameters(_ query: Substring?) -> [(key: [UInt8], value: [UInt8])] {
        guard let query, !query.isEmpty else { return [] }
        return query.split(separator: "&").map { pair in
            if let equals = pair.firstIndex(of: "=") {
                return (percentDecode(pair[..<equals]), percentDecode(pair[pair.index(after: equals)...]))
            }
            return (percentDecode(pair), [])
        }
    }

    /// Encoded `key=value` pairs sorted by encoded key, then encoded value, joined with `&`.
    static func canonicalQuery(_ parameters: [(key: [UInt8], value: [UInt8])]) -> String {
        parameters
            .map { (key: PercentEncoding.encode(bytes: $0.key), value: PercentEncoding.encode(bytes: $0.value)) }
            .sorted { lhs, rhs in
                lhs.key == rhs.key ? lhs.value.utf8.lexicographicallyPrecedes(rhs.value.utf8)
                    : lhs.key.utf8.lexicographicallyPrecedes(rhs.key.utf8)
            }
            .map { "\($0.key)=\($0.value)" }
            .joined(separator: "&")
    }

    /// A header value as signed: line folds and runs of whitespace become one space, ends trimmed.
    static func canonicalHeaderValue(_ value: String) -> String {
        var out: [UInt8] = []
        var pendingSpace = false
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                pendingSpace = !out.isEmpty
            default:
                if pendingSpace { out.append(UInt8(ascii: " ")); pendingSpace = false }
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The canonical header block (`name:value\n` each, sorted by lower-cased name, repeated names joined
    /// with `,` in request order) and the signed header list. Adds `host` from the URL when the request has
    /// no Host header.
    static func canonicalHeaders(_ headers: [(name: String, value: String)], url: SigV4URL)
        -> (text: String, names: String) {
        var values: [String: [String]] = [:]
        for header in headers {
            let name = header.name.lowercased().trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, !unsignedHeaders.contains(name) else { continue }
            values[name, default: []].append(canonicalHeaderValue(header.value))
        }
        if values["host"] == nil { values["host"] = [url.host] }
        let names = values.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let text = names.map { "\($0):\(values[$0, default: []].joined(separator: ","))\n" }.joined()
        return (text, names.joined(separator: ";"))
    }
}

/// The parts of a request URL the signer needs, split by hand so that a path written with spaces or
/// non-ASCII characters (as the URL string may carry it) is taken as it is.
struct SigV4URL {
    var scheme: Substring
    var authority: Substring
    var path: Substring
    var query: Substring?
    /// Everything before the fragment.
    var withoutFragment: Substring
    var fragment: Substring?

    init(_ url: String) {
        var rest = url[...]
        if let hash = rest.firstIndex(of: "#") {
            fragment = rest[rest.index(after: hash)...]
            rest = rest[..<hash]
        } else {
            fragment = nil
        }
        withoutFragment = rest
        if let range = rest.range(of: "://") {
            scheme = rest[..<range.lowerBound]
            rest = rest[range.upperBound...]
            let end = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
            authority = rest[..<end]
            rest = rest[end...]
        } else {
            scheme = ""
            authority = ""
        }
        if let question = rest.firstIndex(of: "?") {
            path = rest[..<question]
            query = rest[rest.index(after: question)...]
        } else {
            path = rest
            query = nil
        }
    }

    /// The host as the Host header carries it: no user info, lower case, no default port.
    var host: String {
        var host = authority
        if let at = host.lastIndex(of: "@") { host = host[host.index(after: at)...] }
        var text = host.lowercased()
        let scheme = scheme.lowercased()
        if scheme == "https", text.hasSuffix(":443") { text.removeLast(4) }
        if scheme == "http", text.hasSuffix(":80") { text.removeLast(3) }
        return text
    }

    /// The URL with `parameters` (already encoded) added to its query, before any fragment.
    func appendingQuery(_ parameters: String) -> String {
        var out = String(withoutFragment)
        if let query {
            if !query.isEmpty && !query.hasSuffix("&") { out += "&" }
        } else {
            out += "?"
        }
        out += parameters
        if let fragment { out += "#" + fragment }
        return out
    }
}
