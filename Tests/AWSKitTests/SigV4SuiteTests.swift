import Foundation
import HTTPKit
import Testing

@testable import AWSKit

// The awslabs SigV4 test suite (aws-c-auth tests/aws-signing-test-suite/v4), copied unchanged with its
// LICENSE and NOTICE into Tests/Fixtures/aws-sigv4-suite so that a clean clone carries it.

/// Every case of the suite, by folder name. Listed here (not read from the folder) so that a missing
/// folder fails each case instead of leaving nothing to run; `suiteFolderHoldsExactlyTheseCases` checks
/// the list against the folder. All 38 apply to both header and query signing.
private let sigV4SuiteCases = [
    "get-header-key-duplicate",
    "get-header-value-multiline",
    "get-header-value-order",
    "get-header-value-trim",
    "get-relative-normalized",
    "get-relative-relative-normalized",
    "get-relative-relative-unnormalized",
    "get-relative-unnormalized",
    "get-slash-dot-slash-normalized",
    "get-slash-dot-slash-unnormalized",
    "get-slash-normalized",
    "get-slash-pointless-dot-normalized",
    "get-slash-pointless-dot-unnormalized",
    "get-slash-unnormalized",
    "get-slashes-normalized",
    "get-slashes-unnormalized",
    "get-space-normalized",
    "get-space-unnormalized",
    "get-unreserved",
    "get-utf8",
    "get-vanilla",
    "get-vanilla-empty-query-key",
    "get-vanilla-query",
    "get-vanilla-query-order-encoded",
    "get-vanilla-query-order-key-case",
    "get-vanilla-query-unreserved",
    "get-vanilla-utf8-query",
    "get-vanilla-with-session-token",
    "post-header-key-case",
    "post-header-key-sort",
    "post-header-value-case",
    "post-sts-header-after",
    "post-sts-header-before",
    "post-vanilla",
    "post-vanilla-empty-query-value",
    "post-vanilla-query",
    "post-x-www-form-urlencoded",
    "post-x-www-form-urlencoded-parameters",
]

private struct SuiteError: Error, CustomStringConvertible {
    var description: String
}

/// The suite folder: `SIGV4_SUITE_DIR` when set, else the copy in `Tests/Fixtures/aws-sigv4-suite/v4`.
private func sigV4SuiteFolder(filePath: String = #filePath) throws -> URL {
    var isDirectory: ObjCBool = false
    func isFolder(_ url: URL) -> Bool {
        FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
    if let override = ProcessInfo.processInfo.environment["SIGV4_SUITE_DIR"], !override.isEmpty {
        let url = URL(fileURLWithPath: override).standardizedFileURL
        guard isFolder(url) else {
            throw SuiteError(description: "SIGV4_SUITE_DIR=\(override) is not a folder")
        }
        return url
    }
    let bundled = URL(fileURLWithPath: filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/aws-sigv4-suite/v4").standardizedFileURL
    guard isFolder(bundled) else {
        throw SuiteError(description: """
            the AWS SigV4 test suite is missing: expected it at \(bundled.path); \
            restore Tests/Fixtures/aws-sigv4-suite from git or set SIGV4_SUITE_DIR to a v4 folder
            """)
    }
    return bundled
}

/// One case: its context and its files.
private struct SigV4Case {
    struct Context: Decodable {
        struct Credentials: Decodable {
            var access_key_id: String
            var secret_access_key: String
            var token: String?
        }

        var credentials: Credentials
        var expiration_in_seconds: Int
        var normalize: Bool
        var region: String
        var service: String
        var sign_body: Bool
        var timestamp: String
        var omit_session_token: Bool?
    }

    var name: String
    var folder: URL
    var context: Context
    var date: Double

    init(_ name: String) throws {
        self.name = name
        folder = try sigV4SuiteFolder().appendingPathComponent(name)
        context = try JSONDecoder().decode(Context.self, from: Data(contentsOf: folder.appendingPathComponent("context.json")))
        date = try parseTimestamp(context.timestamp)
    }

    var signer: SigV4Signer {
        SigV4Signer(
            credentials: AWSCredentials(
                accessKeyId: context.credentials.access_key_id,
                secretAccessKey: Secret(context.credentials.secret_access_key),
                sessionToken: context.credentials.token.map(Secret.init),
                source: "test suite"),
            region: context.region,
            service: context.service)
    }

    func text(_ file: String) throws -> String {
        let url = folder.appendingPathComponent(file)
        do {
            return String(decoding: try Data(contentsOf: url), as: UTF8.self)
        } catch {
            throw SuiteError(description: "cannot read \(url.path): \(error)")
        }
    }

    func request(_ file: String) throws -> HTTPRequest {
        try parseHTTPRequest(text(file), file: "\(name)/\(file)")
    }
}

/// `2015-08-30T12:36:00Z` as seconds since 1970.
private func parseTimestamp(_ text: String) throws -> Double {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    guard let date = formatter.date(from: text) else { throw SuiteError(description: "bad timestamp \(text)") }
    return date.timeIntervalSince1970
}

/// An HTTP/1.1 request as the suite writes it: request line (the target may hold spaces), headers
/// (`Name:value`, the value kept as written; a line starting with a space or tab continues the previous
/// value after a line feed), a blank line, the body. The URL is `https://{Host}{target}`.
private func parseHTTPRequest(_ text: String, file: String) throws -> HTTPRequest {
    let normalized = text.replacingOccurrences(of: "\r\n", with: "\n")
    let head: Substring
    let body: Substring
    if let blank = normalized.range(of: "\n\n") {
        head = normalized[..<blank.lowerBound]
        body = normalized[blank.upperBound...]
    } else {
        head = normalized.hasSuffix("\n") ? normalized.dropLast() : normalized[...]
        body = ""
    }
    var lines = head.split(separator: "\n", omittingEmptySubsequences: false)
    guard !lines.isEmpty else { throw SuiteError(description: "\(file): empty request") }
    let requestLine = lines.removeFirst()
    guard let firstSpace = requestLine.firstIndex(of: " "), let lastSpace = requestLine.lastIndex(of: " "),
          firstSpace < lastSpace, requestLine[requestLine.index(after: lastSpace)...].hasPrefix("HTTP/")
    else { throw SuiteError(description: "\(file): bad request line \(requestLine)") }
    let method = String(requestLine[..<firstSpace])
    let target = String(requestLine[requestLine.index(after: firstSpace)..<lastSpace])

    var headers: [(name: String, value: String)] = []
    for line in lines {
        if line.first == " " || line.first == "\t" {
            guard !headers.isEmpty else { throw SuiteError(description: "\(file): continuation before any header") }
            headers[headers.count - 1].value += "\n" + line
        } else {
            guard let colon = line.firstIndex(of: ":") else { throw SuiteError(description: "\(file): bad header \(line)") }
            headers.append((name: String(line[..<colon]), value: String(line[line.index(after: colon)...])))
        }
    }
    guard let host = headers.first(where: { $0.name.lowercased() == "host" })?.value.trimmingCharacters(in: .whitespaces)
    else { throw SuiteError(description: "\(file): no Host header") }
    return HTTPRequest(method: method, url: "https://\(host)\(target)", headers: headers,
                       body: body.isEmpty ? nil : Array(body.utf8))
}

/// The query of a URL (after `?`, before `#`), or "" when it has none.
private func queryString(_ url: String) -> String {
    let noFragment = url.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
    guard let question = noFragment.firstIndex(of: "?") else { return "" }
    return String(noFragment[noFragment.index(after: question)...])
}

/// The raw value of one query parameter.
private func queryParameter(_ name: String, in url: String) -> String? {
    queryString(url).split(separator: "&").first { $0.hasPrefix("\(name)=") }.map { String($0.dropFirst(name.count + 1)) }
}

private func describe(_ request: HTTPRequest) -> String {
    ([request.method + " " + request.url] + request.headers.map { "\($0.name):\($0.value)" }
        + [request.body.map { String(decoding: $0, as: UTF8.self) } ?? "<no body>"]).joined(separator: "\n")
}

@Suite("SigV4 signing test suite")
struct SigV4SuiteTests {
    @Test("suite folder holds exactly the listed cases")
    func suiteFolderHoldsExactlyTheseCases() throws {
        let folder = try sigV4SuiteFolder()
        let found = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { (try? FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent($0).path)) != nil }
            .sorted()
        #expect(found == sigV4SuiteCases.sorted(), "the cases in \(folder.path) changed; update sigV4SuiteCases")
        #expect(sigV4SuiteCases.count == 38)
    }

    @Test("header signing", arguments: sigV4SuiteCases)
    func headerSigning(_ name: String) throws {
        let suiteCase = try SigV4Case(name)
        let request = try suiteCase.request("request.txt")
        let context = suiteCase.context
        let result = suiteCase.signer.headerSigning(
            request, date: suiteCase.date, signBody: context.sign_body, normalizePath: context.normalize,
            omitSessionToken: context.omit_session_token ?? false)

        #expect(result.canonicalRequest == (try suiteCase.text("header-canonical-request.txt")))
        #expect(result.stringToSign == (try suiteCase.text("header-string-to-sign.txt")))
        #expect(result.signature == (try suiteCase.text("header-signature.txt")))

        let expected = try suiteCase.request("header-signed-request.txt")
        let authorization = try #require(expected.header("Authorization"))
        #expect(result.request.header("Authorization") == authorization)
        #expect(result.request == expected, "signed request:\n\(describe(result.request))\nexpected:\n\(describe(expected))")

        // The public entry point gives the same request.
        let public_ = suiteCase.signer.sign(
            request, date: suiteCase.date, signBody: context.sign_body, normalizePath: context.normalize,
            omitSessionToken: context.omit_session_token ?? false)
        #expect(public_ == result.request)
    }

    @Test("query signing", arguments: sigV4SuiteCases)
    func querySigning(_ name: String) throws {
        let suiteCase = try SigV4Case(name)
        let request = try suiteCase.request("request.txt")
        let context = suiteCase.context
        let result = suiteCase.signer.querySigning(
            request, date: suiteCase.date, expires: context.expiration_in_seconds, normalizePath: context.normalize,
            omitSessionToken: context.omit_session_token ?? false)

        #expect(result.canonicalRequest == (try suiteCase.text("query-canonical-request.txt")))
        #expect(result.stringToSign == (try suiteCase.text("query-string-to-sign.txt")))
        let signature = try suiteCase.text("query-signature.txt")
        #expect(result.signature == signature)

        let expected = try suiteCase.request("query-signed-request.txt")
        #expect(queryParameter("X-Amz-Signature", in: result.request.url) == signature)
        #expect(queryParameter("X-Amz-Signature", in: expected.url) == signature)
        #expect(queryString(result.request.url) == queryString(expected.url))
        #expect(result.request == expected, "presigned request:\n\(describe(result.request))\nexpected:\n\(describe(expected))")

        let public_ = suiteCase.signer.presign(
            request, date: suiteCase.date, expires: context.expiration_in_seconds, normalizePath: context.normalize,
            omitSessionToken: context.omit_session_token ?? false)
        #expect(public_ == result.request)
    }
}

@Suite("SigV4 signer")
struct SigV4SignerTests {
    static let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    static let token = "FwoGZXIvYXdzEXAMPLETOKEN+/="
    static let date = 1_440_938_160.0  // 2015-08-30T12:36:00Z

    static func signer(token: String? = SigV4SignerTests.token) -> SigV4Signer {
        SigV4Signer(
            credentials: AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: Secret(secret),
                                        sessionToken: token.map(Secret.init), source: "test"),
            region: "eu-west-1", service: "sso")
    }

    static let request = HTTPRequest(
        method: "POST", url: "https://sso.eu-west-1.amazonaws.com/?Action=ListInstances",
        headers: [("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", "SWBExternalService.ListInstances")],
        body: Array(#"{"MaxResults":10}"#.utf8))

    @Test func signingNeverPutsTheSecretKeyInAHeaderOrTheURL() {
        let signer = Self.signer()
        for signed in [
            signer.sign(Self.request, date: Self.date),
            signer.sign(Self.request, date: Self.date, signBody: true, omitSessionToken: true),
            signer.presign(Self.request, date: Self.date, expires: 300),
        ] {
            for header in signed.headers {
                #expect(!header.value.contains(Self.secret), "header \(header.name) holds the secret key")
                #expect(!header.value.contains("wJalrXUtnFEMI"), "header \(header.name) holds part of the secret key")
            }
            #expect(!signed.url.contains(Self.secret))
            #expect(!signed.url.contains("wJalrXUtnFEMI"))
            #expect(!signed.url.contains(Self.secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? Self.secret))
        }
    }

    @Test func theSessionTokenIsSent() throws {
        let signer = Self.signer()
        let signed = signer.sign(Self.request, date: Self.date)
        #expect(signed.header("X-Amz-Security-Token") == Self.token)
        #expect(try #require(signed.header("Authorization")).contains("x-amz-security-token"))

        // Omitted from the signature, still sent.
        let unsigned = signer.sign(Self.request, date: Self.date, omitSessionToken: true)
        #expect(unsigned.header("X-Amz-Security-Token") == Self.token)
        #expect(try #require(unsigned.header("Authorization")).contains("x-amz-security-token") == false)

        // Presigned: in the query, encoded.
        let presigned = signer.presign(Self.request, date: Self.date, expires: 300)
        #expect(queryParameter("X-Amz-Security-Token", in: presigned.url) == "FwoGZXIvYXdzEXAMPLETOKEN%2B%2F%3D")

        // Without a token there is no header.
        let longLived = Self.signer(token: nil).sign(Self.request, date: Self.date)
        #expect(longLived.header("X-Amz-Security-Token") == nil)
    }

    @Test func signBodyAddsTheContentHash() throws {
        let signer = Self.signer()
        let hash = SigV4Signer.hexSHA256(Self.request.body ?? [])
        let signed = signer.sign(Self.request, date: Self.date, signBody: true)
        #expect(signed.header("x-amz-content-sha256") == hash)
        #expect(try #require(signed.header("Authorization")).contains("x-amz-content-sha256;x-amz-date"))
        #expect(hash != SigV4Signer.emptyPayloadHash)

        let plain = signer.sign(Self.request, date: Self.date)
        #expect(plain.header("x-amz-content-sha256") == nil)
    }

    @Test func signingAgainReplacesTheSignatureHeaders() {
        let signer = Self.signer()
        let once = signer.sign(Self.request, date: Self.date, signBody: true)
        let twice = signer.sign(once, date: Self.date + 60, signBody: true)
        for name in ["Authorization", "X-Amz-Date", "X-Amz-Security-Token", "x-amz-content-sha256"] {
            #expect(twice.headers.filter { $0.name.lowercased() == name.lowercased() }.count == 1, "\(name)")
        }
        #expect(twice.header("X-Amz-Date") == "20150830T123700Z")
        #expect(twice.header("Authorization") != once.header("Authorization"))
    }

    @Test func hostComesFromTheURLWhenNoHostHeader() {
        let request = HTTPRequest(method: "GET", url: "https://Example.AmazonAWS.com:443/a/./b/../c")
        let result = Self.signer(token: nil).headerSigning(
            request, date: Self.date, signBody: false, normalizePath: true, omitSessionToken: false)
        #expect(result.canonicalRequest.split(separator: "\n", omittingEmptySubsequences: false)[1] == "/a/c")
        #expect(result.canonicalRequest.contains("\nhost:example.amazonaws.com\n"))
        #expect(result.signedHeaders == "host;x-amz-date")
    }

    @Test func timestamps() {
        #expect(SigV4Signer.timestamp(0).dateTime == "19700101T000000Z")
        #expect(SigV4Signer.timestamp(Self.date + 0.9).dateTime == "20150830T123600Z")
        #expect(SigV4Signer.timestamp(951_782_400).dateTime == "20000229T000000Z")
        #expect(SigV4Signer.timestamp(4_102_444_799).dateTime == "20991231T235959Z")
    }
}
