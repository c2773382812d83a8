import Foundation
import HTTPKit
import IDCSyncCore

/// What FakeOkta+Lifecycle.swift keeps: group assignments, SAML metadata, created apps.
struct FakeOktaExtras {
    var groups: [String: [String]] = [:]
    var metadata: [String: String] = [:]
    var created = 0
    /// The next POST /api/v1/apps creates the app, then the connection drops before the answer.
    var loseNextCreateAnswer = false
}

/// The app lifecycle and group routes the tiles use, and the SAML metadata the vpn reads, as Okta
/// answers them: POST `/api/v1/apps?activate=` (200 with the new app, defaults filled in), POST
/// `/api/v1/apps/{id}/lifecycle/activate|deactivate`, DELETE `/api/v1/apps/{id}` (403 while
/// ACTIVE), GET `/api/v1/apps/{id}/groups`, PUT and DELETE `/api/v1/apps/{id}/groups/{groupId}`,
/// GET `/api/v1/apps/{id}/sso/saml/metadata?kid=`.
extension FakeOkta {
    // MARK: What tests set and read

    /// A Bookmark app (a dashboard tile) with `note` as its admin note (idcsync's marker, or none).
    func addBookmarkApp(id: String, label: String, url: String, adminNote: String?, status: String = "ACTIVE",
                        created: String = "2026-01-06T09:00:00.000Z") {
        setApp(.object([
            "id": .string(id), "name": "bookmark", "label": .string(label), "status": .string(status),
            "created": .string(created), "lastUpdated": .string(created), "signOnMode": "BOOKMARK",
            "accessibility": .object(["selfService": false, "errorRedirectUrl": .null]),
            "visibility": .object(["autoSubmitToolbar": false, "hide": .object(["iOS": false, "web": false])]),
            "credentials": .object(["userNameTemplate": .object(["template": "${source.login}", "type": "BUILT_IN"]), "signing": .object([:])]),
            "settings": .object(["app": .object(["requestIntegration": false, "url": .string(url)]),
                                 "notes": .object(["admin": adminNote.map(JSONValue.string) ?? .null, "enduser": .null])]),
            "_links": .object(["self": .object(["href": .string("\(orgURL)/api/v1/apps/\(id)")])]),
        ]))
    }

    /// The AWS Client VPN app (`aws_clientvpn`) with signing key `kid-vpn` expiring at
    /// `certificateExpiry`, `settings.app.port` as given, and a memberOf group statement when asked.
    func addClientVPNApp(id: String = "0oavpn1", port: JSONValue = .number("443"), memberOf: Bool = true,
                         certificateExpiry: String = "2028-11-21T10:00:00.000Z") {
        let statements: JSONValue = memberOf
            ? .array([.object(["type": "GROUP", "name": "memberOf", "filterType": "REGEX", "filterValue": "AWS-VPN-.*"])]) : .array([])
        setApp(.object([
            "id": .string(id), "name": "aws_clientvpn", "label": "AWS Client VPN", "status": "ACTIVE",
            "created": "2026-01-05T09:00:00.000Z", "lastUpdated": "2026-01-05T09:00:00.000Z", "signOnMode": "SAML_2_0",
            "accessibility": .object(["selfService": false]), "visibility": .object(["autoSubmitToolbar": false]),
            "credentials": .object(["signing": .object(["kid": "kid-vpn"])]),
            "settings": .object(["app": .object(["port": port]), "signOn": .object(["attributeStatements": statements])]),
            "_links": .object(["self": .object(["href": .string("\(orgURL)/api/v1/apps/\(id)")])]),
        ]))
        lock.withLock {
            keys[id] = [.object(["kid": "kid-vpn", "expiresAt": .string(certificateExpiry), "kty": "RSA", "use": "sig"])]
            extras.metadata[id] = Self.metadata(entityID: "http://www.okta.com/exk\(id)")
        }
    }

    static func metadata(entityID: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="\(entityID)">\
        <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"/></md:EntityDescriptor>
        """
    }

    func setGroups(_ groups: [String], of appId: String) { lock.withLock { extras.groups[appId] = groups } }
    func groups(of appId: String) -> [String] { lock.withLock { extras.groups[appId] ?? [] } }
    func loseNextCreateAnswer() { lock.withLock { extras.loseNextCreateAnswer = true } }
    func clearLog() { lock.withLock { log = [] } }

    /// Every Bookmark app, by id.
    var bookmarkApps: [String: JSONValue] { lock.withLock { apps.filter { $0.value["name"]?.stringValue == "bookmark" } } }

    /// Every request that is not a GET.
    var writes: [String] { requests.filter { !$0.hasPrefix("GET ") } }

    // MARK: Serving (called with the lock held)

    func extendedRoute(_ request: HTTPRequest, segments: [String]) -> Result<HTTPResponse, TransportError>? {
        let id = segments.count > 3 ? segments[3] : ""
        switch (request.method, segments.count) {
        case ("POST", 3) where segments == ["api", "v1", "apps"]:
            return create(request)
        case ("DELETE", 4):
            guard let app = apps[id] else { return .success(notFound(id)) }
            guard app["status"]?.stringValue != "ACTIVE" else {
                return .success(error(403, "E0000056", "Delete application forbidden."))
            }
            apps[id] = nil
            extras.groups[id] = nil
            return .success(HTTPResponse(status: 204, headers: [("X-Okta-Request-Id", "req-\(log.count)")]))
        case ("POST", 6) where segments[4] == "lifecycle" && ["activate", "deactivate"].contains(segments[5]):
            guard var app = apps[id] else { return .success(notFound(id)) }
            let status = segments[5] == "activate" ? "ACTIVE" : "INACTIVE"
            if app["status"]?.stringValue != status {
                app.set(.string(status), at: ["status"])
                app.set(.string(nextTimestamp()), at: ["lastUpdated"])
                apps[id] = app
            }
            return .success(ok(.object([:])))
        case ("GET", 5) where segments[4] == "groups":
            guard apps[id] != nil else { return .success(notFound(id)) }
            return .success(ok(.array((extras.groups[id] ?? []).map { .object(["id": .string($0), "priority": .int(0)]) })))
        case ("PUT", 6) where segments[4] == "groups":
            guard apps[id] != nil else { return .success(notFound(id)) }
            if !(extras.groups[id] ?? []).contains(segments[5]) { extras.groups[id, default: []].append(segments[5]) }
            return .success(ok(.object(["id": .string(segments[5]), "priority": .int(0)])))
        case ("DELETE", 6) where segments[4] == "groups":
            guard apps[id] != nil else { return .success(notFound(id)) }
            extras.groups[id]?.removeAll { $0 == segments[5] }
            return .success(HTTPResponse(status: 204, headers: [("X-Okta-Request-Id", "req-\(log.count)")]))
        case ("GET", 7) where segments[4] == "sso" && segments[5] == "saml" && segments[6] == "metadata":
            guard let metadata = extras.metadata[id] else { return .success(notFound(id)) }
            return .success(HTTPResponse(status: 200, headers: [("Content-Type", "application/xml"), ("X-Okta-Request-Id", "req-\(log.count)")],
                                         body: Array(metadata.utf8)))
        default:
            return nil
        }
    }

    private func create(_ request: HTTPRequest) -> Result<HTTPResponse, TransportError> {
        guard case .object(var app)? = try? JSONParser.parse(request.body ?? []), app["name"]?.stringValue != nil else {
            return .success(error(400, "E0000001", "Api validation failed: name"))
        }
        extras.created += 1
        let id = String(format: "0oacreated%03d", extras.created)
        let stamp = nextTimestamp()
        let activate = !request.url.contains("activate=false")
        app["id"] = .string(id)
        app["status"] = .string(activate ? "ACTIVE" : "INACTIVE")
        app["created"] = .string(stamp)
        app["lastUpdated"] = .string(stamp)
        if app["accessibility"] == nil { app["accessibility"] = .object(["selfService": false, "errorRedirectUrl": .null]) }
        if app["visibility"] == nil { app["visibility"] = .object(["autoSubmitToolbar": false, "hide": .object(["iOS": false, "web": false])]) }
        if app["credentials"] == nil {
            app["credentials"] = .object(["userNameTemplate": .object(["template": "${source.login}", "type": "BUILT_IN"]), "signing": .object([:])])
        }
        app["_links"] = .object(["self": .object(["href": .string("\(orgURL)/api/v1/apps/\(id)")])])
        apps[id] = .object(app)
        if extras.loseNextCreateAnswer {
            extras.loseNextCreateAnswer = false
            return .failure(.connectionReset("connection reset by peer"))
        }
        return .success(ok(.object(app)))
    }
}
