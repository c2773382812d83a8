import Crypto
import Foundation
import HTTPKit
import IDCSyncCore
import IDCSyncTestSupport
@testable import OktaKit
import Testing
import _CryptoExtras

func base64URLDecode(_ text: Substring) -> [UInt8] {
    var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    while base64.count % 4 != 0 { base64 += "=" }
    return Array(Data(base64Encoded: base64) ?? Data())
}

/// A decoded compact JWS.
struct DecodedJWT {
    var header: JSONValue
    var claims: JSONValue
    var signingInput: [UInt8]
    var signature: [UInt8]

    init(_ token: String) throws {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        try #require(parts.count == 3)
        header = try JSONParser.parse(base64URLDecode(parts[0]))
        claims = try JSONParser.parse(base64URLDecode(parts[1]))
        signingInput = Array("\(parts[0]).\(parts[1])".utf8)
        signature = base64URLDecode(parts[2])
    }

    /// Verifies an ES256 signature with the public key in the header's `jwk` (as a DPoP server does).
    func verifiesWithEmbeddedJWK() throws -> Bool {
        let x = base64URLDecode(Substring(header["jwk"]?["x"]?.stringValue ?? ""))
        let y = base64URLDecode(Substring(header["jwk"]?["y"]?.stringValue ?? ""))
        let key = try P256.Signing.PublicKey(rawRepresentation: x + y)
        return key.isValidSignature(try P256.Signing.ECDSASignature(rawRepresentation: signature), for: signingInput)
    }

    func int(_ claim: String) -> Int? {
        if case .number(let text)? = claims[claim] { return Int(text) }
        return nil
    }
}

private func formFields(_ body: [UInt8]?) -> [String: String] {
    var fields: [String: String] = [:]
    for pair in String(decoding: body ?? [], as: UTF8.self).split(separator: "&") {
        let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
        fields[parts[0]] = parts.count > 1 ? parts[1] : ""
    }
    return fields
}

@Suite("Okta client: OAuth service app with DPoP")
struct OAuthTests {
    let ecKey = P256.Signing.PrivateKey()

    @Test func tokenHandshakeProofsAndTokenReuse() async throws {
        let time = FakeClock(now: serverEpoch)
        let transport = ScriptedTransport([
            { _ in response(400, #"{"error":"use_dpop_nonce","error_description":"Authorization server requires nonce in DPoP proof."}"#, headers: [("DPoP-Nonce", "nonce-A")]) },
            { _ in response(200, #"{"token_type":"DPoP","expires_in":3600,"access_token":"at-SECRET-123","scope":"okta.apps.read okta.apps.manage"}"#) },
            { _ in response(401, "", headers: [("WWW-Authenticate", #"DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof.""#), ("DPoP-Nonce", "nonce-R")]) },
            { _ in response(200, appBody) },
            { _ in response(200, appBody) },
        ])
        let okta = client(transport, time: time, credentials: .serviceApp(clientId: "0oaclient", key: .es256(ecKey), keyId: "kid-1"))
        _ = try await okta.app(id: "0oa1")
        _ = try await okta.app(id: "0oa1")
        let sent = transport.requests
        #expect(sent.map(\.method) == ["POST", "POST", "GET", "GET", "GET"], "one token for both calls")

        // The client assertion: signed with the service app's key, claims as Okta requires.
        let form = formFields(sent[1].body)
        #expect(form["grant_type"] == "client_credentials")
        #expect(form["scope"] == "okta.apps.read okta.apps.manage")
        #expect(form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
        let assertion = try DecodedJWT(try #require(form["client_assertion"]))
        #expect(assertion.header["alg"] == "ES256")
        #expect(assertion.header["kid"] == "kid-1")
        #expect(assertion.claims["iss"] == "0oaclient")
        #expect(assertion.claims["sub"] == "0oaclient")
        #expect(assertion.claims["aud"] == "https://example.okta.com/oauth2/v1/token")
        #expect(assertion.int("exp").map { $0 - assertion.int("iat")! } == 300)
        #expect(ecKey.publicKey.isValidSignature(try P256.Signing.ECDSASignature(rawRepresentation: assertion.signature), for: assertion.signingInput))
        let firstAssertion = try DecodedJWT(try #require(formFields(sent[0].body)["client_assertion"]))
        #expect(firstAssertion.claims["jti"] != assertion.claims["jti"], "a new assertion for the retry")

        // DPoP proofs on the token endpoint: no nonce first, then Okta's nonce.
        let tokenProof1 = try DecodedJWT(try #require(sent[0].header("DPoP")))
        let tokenProof2 = try DecodedJWT(try #require(sent[1].header("DPoP")))
        #expect(tokenProof1.claims["nonce"] == nil)
        #expect(tokenProof2.claims["nonce"] == "nonce-A")
        #expect(tokenProof2.header["typ"] == "dpop+jwt")
        #expect(tokenProof2.claims["htm"] == "POST")
        #expect(tokenProof2.claims["htu"] == "https://example.okta.com/oauth2/v1/token")
        #expect(tokenProof2.claims["ath"] == nil)
        #expect(try tokenProof2.verifiesWithEmbeddedJWK())
        #expect(tokenProof2.header["jwk"]?["d"] == nil, "only the public key")

        // Resource calls: DPoP token, proof with ath and the resource nonce once asked for it.
        #expect(sent[2].header("Authorization") == "DPoP at-SECRET-123")
        let resourceProof = try DecodedJWT(try #require(sent[3].header("DPoP")))
        #expect(resourceProof.claims["htm"] == "GET")
        #expect(resourceProof.claims["htu"] == "https://example.okta.com/api/v1/apps/0oa1")
        #expect(resourceProof.claims["nonce"] == "nonce-R")
        #expect(resourceProof.claims["ath"]?.stringValue == Base64URL.encode(Array(SHA256.hash(data: Array("at-SECRET-123".utf8)))))
        #expect(try resourceProof.verifiesWithEmbeddedJWK())
        #expect(resourceProof.header["jwk"] == tokenProof1.header["jwk"], "one DPoP key per run")
        let jtis = try sent.compactMap { $0.header("DPoP") }.map { try DecodedJWT($0).claims["jti"] }
        #expect(Set(jtis.compactMap { $0?.stringValue }).count == jtis.count, "every proof has a fresh jti")
    }

    @Test func readOnlyRunsAskOnlyForTheReadScopeAndExpiredTokensAreRenewed() async throws {
        let time = FakeClock(now: serverEpoch)
        let transport = ScriptedTransport([
            { _ in response(200, #"{"token_type":"DPoP","expires_in":100,"access_token":"at-1"}"#) },
            { _ in response(200, appBody) },
            { _ in response(200, #"{"token_type":"DPoP","expires_in":3600,"access_token":"at-2"}"#) },
            { _ in response(200, appBody) },
        ])
        let okta = client(transport, time: time, credentials: .serviceApp(clientId: "c", key: .es256(ecKey), keyId: nil), access: .read)
        _ = try await okta.app(id: "0oa1")
        try await time.sleep(for: .seconds(50))
        _ = try await okta.app(id: "0oa1")
        #expect(formFields(transport.requests[0].body)["scope"] == "okta.apps.read")
        #expect(transport.requests[3].header("Authorization") == "DPoP at-2", "a token within a minute of expiry is renewed")
        #expect(try DecodedJWT(formFields(transport.requests[0].body)["client_assertion"]!).header["kid"] == nil)
    }

    @Test func bearerTokensWhenTheAppDoesNotUseDPoP() async throws {
        let transport = ScriptedTransport([
            { _ in response(200, #"{"token_type":"Bearer","expires_in":3600,"access_token":"at-b"}"#) },
            { _ in response(200, appBody) },
        ])
        _ = try await client(transport, credentials: .serviceApp(clientId: "c", key: .es256(ecKey), keyId: nil)).app(id: "0oa1")
        #expect(transport.requests[1].header("Authorization") == "Bearer at-b")
        #expect(transport.requests[1].header("DPoP") == nil)
    }

    @Test func rs256ClientAssertions() async throws {
        let rsa = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let key = try JWTSigningKey.load(pem: rsa.pemRepresentation)
        #expect(key.algorithm == "RS256")
        let transport = ScriptedTransport([
            { _ in response(200, #"{"token_type":"DPoP","expires_in":3600,"access_token":"at"}"#) },
            { _ in response(200, appBody) },
        ])
        _ = try await client(transport, credentials: .serviceApp(clientId: "c", key: key, keyId: "r1")).app(id: "0oa1")
        let assertion = try DecodedJWT(formFields(transport.requests[0].body)["client_assertion"]!)
        #expect(assertion.header["alg"] == "RS256")
        #expect(rsa.publicKey.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: assertion.signature), for: assertion.signingInput, padding: .insecurePKCS1v1_5))
    }

    @Test func tokenEndpointErrorsAreTyped() async {
        let transport = ScriptedTransport([{ _ in response(400, #"{"error":"invalid_scope","error_description":"The requested scope is invalid."}"#) }])
        await #expect {
            _ = try await client(transport, credentials: .serviceApp(clientId: "c", key: .es256(ecKey), keyId: nil)).app(id: "0oa1")
        } throws: { error in
            guard case .oauth(400, "invalid_scope", _, _)? = error as? OktaError else { return false }
            return "\(error)".contains("grant the service app")
        }
        #expect(transport.requests.count == 1, "nothing is read without a token")
    }

    @Test func aCancelledRetryWaitAtTheTokenEndpointEndsWithCancellation() async {
        let time = FakeClock(now: serverEpoch)
        let transport = ScriptedTransport([
            { _ in
                withUnsafeCurrentTask { $0?.cancel() }
                return response(503, #"{"error":"server_error"}"#)
            },
            { _ in response(200, #"{"access_token":"SECRET-at","token_type":"Bearer","expires_in":3600}"#) },
        ])
        let okta = client(transport, time: time, credentials: .serviceApp(clientId: "c", key: .es256(ecKey), keyId: nil))
        let error = await Task { () async -> OktaError? in
            do throws(OktaError) { _ = try await okta.app(id: "0oa1"); return nil } catch { return error }
        }.value
        #expect(error == .cancelled(request: .init(method: "POST", path: "/oauth2/v1/token")))
        #expect(transport.requests.count == 1, "no token request after the cancelled wait, and no API call")
    }

    @Test func privateKeysLoadFromPEMAndBadKeysSayWhyWithoutKeyMaterial() throws {
        #expect(try JWTSigningKey.load(pem: P256.Signing.PrivateKey().pemRepresentation).algorithm == "ES256")
        let pkcs1 = try _RSA.Signing.PrivateKey(keySize: .bits2048).pemRepresentation
        #expect(try JWTSigningKey.load(pem: pkcs1).algorithm == "RS256")
        let p384 = P384.Signing.PrivateKey().pemRepresentation
        #expect { try JWTSigningKey.load(pem: p384) } throws: { error in
            let text = "\(error)"
            return text.contains("is not a PEM RSA (2048 bits or more) or P-256 EC private key") && !text.contains("PRIVATE KEY")
        }
        #expect(throws: OktaError.self) { try JWTSigningKey.load(pem: "not a key") }
    }

    @Test func dpopThumbprintIsRFC7638() throws {
        let key = DPoPKey()
        let jwk = key.jwk
        #expect(jwk.keys == ["crv", "kty", "x", "y"])
        let canonical = #"{"crv":"P-256","kty":"EC","x":"\#(jwk["x"]!.stringValue!)","y":"\#(jwk["y"]!.stringValue!)"}"#
        #expect(key.thumbprint == Base64URL.encode(Array(SHA256.hash(data: Array(canonical.utf8)))))
        #expect(DPoPKey.htu("https://a.example/x?y=1#z") == "https://a.example/x")
    }
}
