import Crypto
import Foundation
import HTTPKit
import IDCSyncCore
import _CryptoExtras

enum Base64URL {
    static func encode<D: DataProtocol>(_ data: D) -> String {
        Data(data).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func encode(_ json: JSONValue) -> String { encode(Array(JSONWriter.compact(json).utf8)) }
}

/// A key that signs JWTs: RS256 (RSA, PKCS#1 v1.5 with SHA-256) or ES256 (P-256, r||s).
public enum JWTSigningKey: Sendable {
    case rs256(_RSA.Signing.PrivateKey)
    case es256(P256.Signing.PrivateKey)

    /// Reads a PEM private key (PKCS#8, PKCS#1 RSA or SEC1 EC). The error never contains key material.
    public static func load(pem: String) throws(OktaError) -> JWTSigningKey {
        if pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") || pem.contains("Proc-Type: 4,ENCRYPTED") {
            throw .configuration("the private key is encrypted with a passphrase, which idcsync cannot use; write an unencrypted PKCS#8 copy "
                                 + "with `openssl pkey -in key.pem -out key-plain.pem` (it asks for the passphrase), make it readable only by you "
                                 + "(chmod 600 key-plain.pem) and use that file")
        }
        if pem.contains("-----BEGIN OPENSSH PRIVATE KEY-----") {
            throw .configuration("the private key is in OpenSSH format; convert a copy to PEM PKCS#8 with `ssh-keygen -p -m PKCS8 -f COPY_OF_KEY` and use that file")
        }
        if pem.contains("-----BEGIN PUBLIC KEY-----") || pem.contains("-----BEGIN CERTIFICATE-----") || pem.contains("-----BEGIN RSA PUBLIC KEY-----") {
            throw .configuration("this is a public key or certificate, not the private key; give the service app's private key (a PEM whose first line is BEGIN PRIVATE KEY, or BEGIN RSA/EC PRIVATE KEY)")
        }
        if let key = try? P256.Signing.PrivateKey(pemRepresentation: pem) { return .es256(key) }
        if let key = try? _RSA.Signing.PrivateKey(pemRepresentation: pem) {
            guard key.keySizeInBits >= 2048 else {
                throw .configuration("the RSA private key has \(key.keySizeInBits) bits; Okta requires at least 2048")
            }
            return .rs256(key)
        }
        throw .configuration("the private key is not a PEM RSA (2048 bits or more) or P-256 EC private key")
    }

    public var algorithm: String {
        switch self {
        case .rs256: "RS256"
        case .es256: "ES256"
        }
    }

    /// A compact JWS: base64url(header).base64url(claims).base64url(signature).
    public func sign(header: JSONObject, claims: JSONObject) throws(OktaError) -> String {
        var fullHeader = header
        fullHeader["alg"] = .string(algorithm)
        let input = Base64URL.encode(.object(fullHeader)) + "." + Base64URL.encode(.object(claims))
        let bytes = Array(input.utf8)
        let jws: String
        do {
            switch self {
            case .rs256(let key):
                jws = input + "." + Base64URL.encode(try key.signature(for: bytes, padding: .insecurePKCS1v1_5).rawRepresentation)
            case .es256(let key):
                jws = input + "." + Base64URL.encode(try key.signature(for: bytes).rawRepresentation)
            }
        } catch {
            throw .configuration("signing a JWT failed: \(error)")
        }
        // A client assertion or DPoP proof is a credential for its lifetime: never printed.
        Redactor.register(jws)
        return jws
    }
}

/// The key a client proves possession of with DPoP (RFC 9449): generated per run, P-256, never stored.
public struct DPoPKey: Sendable {
    private let key: P256.Signing.PrivateKey

    public init() { key = P256.Signing.PrivateKey() }

    /// The public key as a JWK, members in the order RFC 7638 hashes them.
    public var jwk: JSONObject {
        let raw = key.publicKey.rawRepresentation
        return [
            "crv": "P-256",
            "kty": "EC",
            "x": .string(Base64URL.encode(raw.prefix(32))),
            "y": .string(Base64URL.encode(raw.suffix(32))),
        ]
    }

    /// RFC 7638 thumbprint: base64url(SHA-256(canonical JWK)).
    public var thumbprint: String {
        Base64URL.encode(Array(SHA256.hash(data: Array(JSONWriter.compact(.object(jwk)).utf8))))
    }

    /// A DPoP proof for one request. `htu` is the URL without query and fragment; `accessToken`
    /// adds `ath` (resource requests); `nonce` is the server's latest `DPoP-Nonce`.
    public func proof(method: String, url: String, nonce: String?, accessToken: Secret?, now: Double) throws(OktaError) -> String {
        var claims: JSONObject = [
            "htm": .string(method),
            "htu": .string(Self.htu(url)),
            "iat": .int(Int(now)),
            "jti": .string(UUID().uuidString),
        ]
        if let nonce { claims["nonce"] = .string(nonce) }
        if let accessToken {
            claims["ath"] = .string(Base64URL.encode(Array(SHA256.hash(data: Array(accessToken.reveal().utf8)))))
        }
        let signer = JWTSigningKey.es256(key)
        return try signer.sign(header: ["typ": "dpop+jwt", "jwk": .object(jwk)], claims: claims)
    }

    static func htu(_ url: String) -> String {
        String(url.prefix { $0 != "?" && $0 != "#" })
    }
}
