import Crypto
import Foundation
@testable import HTTPKit
import IDCSyncCore
@testable import OktaKit
import Testing

/// The process-wide redactor: registered values, credential patterns and control characters.
@Suite("Redactor")
struct RedactorTests {
    /// A value no other test registers (the registry is shared by the whole test process).
    private func unique(_ prefix: String) -> String { prefix + UUID().uuidString.replacingOccurrences(of: "-", with: "") }

    @Test func aSecretRegistersItselfAndIsScrubbedInEveryForm() {
        let value = unique("00tok/en+") + "\"quoted\""
        let secret = Secret(value)
        #expect("\(secret)" == "<redacted>")
        #expect(Redactor.redact("before \(value) after") == "before <redacted> after")
        let json = JSONWriter.compact(.object(["token": .string(value)]))
        #expect(!Redactor.redact(json).contains(String(value.prefix(20))))
        let form = value.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        #expect(Redactor.redact("client_assertion=\(form)") == "client_assertion=<redacted>")
    }

    @Test func eachLineOfARegisteredPEMIsScrubbedButNotItsArmour() {
        let pem = P256.Signing.PrivateKey().pemRepresentation
        Redactor.register(pem)
        let lines = pem.split(separator: "\n")
        let body = lines.dropFirst().dropLast()
        #expect(!body.isEmpty)
        for line in body where line.count >= 8 {
            #expect(Redactor.redact("key line: \(line)") == "key line: <redacted>")
        }
        #expect(Redactor.redact("-----BEGIN PRIVATE KEY-----") == "-----BEGIN PRIVATE KEY-----", "an .ovpn keeps its own armour lines")
        #expect(Redactor.redact("x" + pem + "y") == "x<redacted>y")
    }

    @Test func shortValuesAreNotRegistered() {
        Redactor.register("abc")
        #expect(Redactor.redact("abc abcdef") == "abc abcdef")
    }

    @Test func aCredentialAfterAnAuthorizationSchemeIsScrubbedEvenWhenNeverRegistered() {
        #expect(Redactor.redact("Invalid token provided: SSWS 00NeverRegisteredTokenValue42") == "Invalid token provided: SSWS <redacted>")
        #expect(Redactor.redact("Authorization: Bearer abcdefghijklmnopqrstuvwxyz0123456789.") == "Authorization: Bearer <redacted>.")
        #expect(Redactor.redact("dpop  QUJDREVGR0hJSktMTU5PUA==") == "dpop  <redacted>")
        // Auth-params and prose stay as they are: the challenge is what tells the user what to fix.
        let challenge = "Bearer authorization_uri=\"https://example.okta.com/oauth2/v1/authorize\", realm=\"IdentityCloud\", error=\"insufficient_scope\""
        #expect(Redactor.redact(challenge) == challenge)
        #expect(Redactor.redact("DPoP algs=\"ES256\", error=\"invalid_dpop_proof\"") == "DPoP algs=\"ES256\", error=\"invalid_dpop_proof\"")
        #expect(Redactor.redact("the service app requires DPoP and rejected the proof") == "the service app requires DPoP and rejected the proof")
        #expect(Redactor.redact("SSWS error=invalid_token_value_here") == "SSWS error=invalid_token_value_here")
    }

    @Test func aJWTIsScrubbedWhereverItIs() {
        let jwt = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIwb2EifQ.c2lnbmF0dXJlLWJ5dGVz"
        #expect(Redactor.redact("proof \(jwt). next") == "proof <redacted>. next")
        #expect(Redactor.redact("{\"access_token\":\"\(jwt)\"}") == "{\"access_token\":\"<redacted>\"}")
        #expect(Redactor.redact("eyJust.a.word") == "eyJust.a.word", "too short for a JWS")
    }

    @Test func signedJWTsAreRegisteredWhenMinted() throws {
        let key = JWTSigningKey.es256(P256.Signing.PrivateKey())
        let jws = try key.sign(header: ["typ": "JWT"], claims: ["jti": .string(UUID().uuidString)])
        #expect(Redactor.isRegistered(jws))
        let proof = try DPoPKey().proof(method: "GET", url: "https://example.okta.com/api/v1/apps", nonce: nil, accessToken: nil, now: 0)
        #expect(Redactor.isRegistered(proof))
    }

    @Test func singleLineEscapesEveryControlCharacter() {
        let forged = "Invalid token\nidcsync: in sync\r\u{1B}[2K\u{1B}[32mok\u{1B}[0m\u{7}\t\u{202E}end"
        #expect(Redactor.singleLine(forged) == "Invalid token\\nidcsync: in sync\\r\\x1b[2K\\x1b[32mok\\x1b[0m\\x07\\t\\u202eend")
        #expect(Redactor.singleLine("plain text, ünïcode ✓") == "plain text, ünïcode ✓")
    }

    @Test func printableKeepsLinesTabsAndIdcsyncsOwnStyling() {
        #expect(Redactor.printable("a\n\tb \u{1B}[1mbold\u{1B}[0m \u{1B}[31;1mred\u{1B}[0m\n") == "a\n\tb \u{1B}[1mbold\u{1B}[0m \u{1B}[31;1mred\u{1B}[0m\n")
        #expect(Redactor.printable("\r\u{1B}[2Kprogress") == "\r\u{1B}[2Kprogress")
        // A title change, a bare carriage return and a cursor move are not idcsync's.
        #expect(Redactor.printable("\u{1B}]0;owned\u{7}x\ry\u{1B}[2Az") == "\\x1b]0;owned\\x07x\\ry\\x1b[2Az")
        #expect(Redactor.printable("\u{1B}[") == "\\x1b[")
    }

    @Test func controlCharactersAreDescribedWithoutTheValue() {
        #expect(Redactor.describeControlCharacter(in: "token\nX-Evil: 1") == "a line break")
        #expect(Redactor.describeControlCharacter(in: "token\r") == "a line break")
        #expect(Redactor.describeControlCharacter(in: "to\u{7}ken") == "the control character U+0007")
        #expect(Redactor.describeControlCharacter(in: "a\tb") == "a tab")
        #expect(Redactor.describeControlCharacter(in: "plain-token_value") == nil)
        #expect(Redactor.containsControlCharacter("x\u{85}y"))
        #expect(!Redactor.containsControlCharacter("ünïcode"))
    }

    @Test func oktaErrorsShowServerTextRedactedOnOneLine() {
        let token = unique("00echoed")
        _ = Secret(token)
        let request = OktaError.RequestInfo(method: "GET", path: "/api/v1/apps/0oa1", requestId: "req\nidcsync: forged")
        let api = OktaError.api(status: 401, code: "E0000011", summary: "Invalid token provided: \(token)\nidcsync: in sync",
                                causes: ["cause with SSWS \(token)"], request: request)
        #expect(api.description == "GET /api/v1/apps/0oa1 (X-Okta-Request-Id req\\nidcsync: forged): Okta answered 401 E0000011: Invalid token provided: <redacted>\\nidcsync: in sync (cause with SSWS <redacted>); check the API token (OKTA_API_TOKEN or OKTA_CLIENT_TOKEN) or the service app credentials")
        let oauth = OktaError.oauth(status: 400, error: "invalid_client", description: "bad assertion eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2ln", request: request)
        #expect(!oauth.description.contains("eyJ"))
        let challenge = OktaError.authenticate(status: 401, challenge: "SSWS realm=\"SSWS \(token)\"", request: request)
        #expect(!challenge.description.contains(token))
    }
}
