import HTTPKit
import IDCSyncCore

/// An app's SAML signing certificate, as `GET /api/v1/apps/{id}/credentials/keys` lists it.
public struct OktaSigningKey: Sendable, Equatable {
    public var kid: String
    /// As Okta wrote it, e.g. `2028-11-21T12:00:00.000Z`.
    public var expiresAt: String?
    /// `expiresAt` in seconds since 1970, when it parses.
    public var expiresAtSeconds: Double?
}

extension OktaClient {
    /// The app's signing keys (certificates) with their expiry.
    public func signingKeys(appId: String) async throws(OktaError) -> [OktaSigningKey] {
        let path = "/api/v1/apps/\(Self.pathComponent(appId))/credentials/keys"
        let response = try await send("GET", path: path)
        let request = OktaError.RequestInfo(method: "GET", path: path, requestId: response.header("X-Okta-Request-Id"))
        guard case .array(let elements) = try Self.json(response.body, request: request) else {
            throw .invalidResponse("the key list is not a JSON array", request: request)
        }
        return elements.compactMap { element in
            guard let kid = element["kid"]?.stringValue else { return nil }
            let expires = element["expiresAt"]?.stringValue
            return OktaSigningKey(kid: kid, expiresAt: expires, expiresAtSeconds: expires.flatMap(Timestamp.parseISO8601))
        }
    }
}

extension OktaClient {
    /// The app's SAML IdP metadata (XML) for its signing key `kid`:
    /// `GET /api/v1/apps/{id}/sso/saml/metadata?kid=` (the kid is required).
    public func samlMetadata(appId: String, kid: String) async throws(OktaError) -> String {
        let path = "/api/v1/apps/\(Self.pathComponent(appId))/sso/saml/metadata?kid=\(Self.queryValue(kid))"
        // Okta serves the metadata as XML only.
        let response = try await send("GET", path: path, accept: "application/xml")
        let request = OktaError.RequestInfo(method: "GET", path: "/api/v1/apps/\(appId)/sso/saml/metadata", requestId: response.header("X-Okta-Request-Id"))
        guard let text = SAMLMetadata.document(response.body) else {
            throw .invalidResponse("the SAML metadata is not an XML EntityDescriptor", request: request)
        }
        return text
    }
}
