import Foundation
import HTTPKit
import IDCSyncCore

/// One group assigned to an app, as `GET /api/v1/apps/{id}/groups` lists it (`id` is the group id).
public struct OktaAppGroup: Sendable, Equatable {
    public var id: String
    public var priority: Int?

    public init(id: String, priority: Int? = nil) {
        self.id = id
        self.priority = priority
    }
}

/// Creating and removing apps (the Bookmark tiles of domain-facts section 5) and their group
/// assignments.
///
/// Retries (by `send`'s rules): every call here is retried after a 429, which Okta answers before
/// doing anything, so that is safe even for `createApp`. Only GETs (`appGroups`) are retried after a
/// 5xx, a timeout or a lost connection. The POST that creates an app is not, on purpose: Okta may
/// have created the app before the answer was lost, and a blind retry would make a second tile; the
/// caller must look for the app (by name and label) before creating it again. Lifecycle calls,
/// `deleteApp`, `assignGroup` and `unassignGroup` are idempotent but are not retried after a 5xx
/// either (`send` retries GETs only); a failed one throws, and running the plan again, which
/// re-reads the state, finishes the job.
///
/// Rate-limit buckets (`OktaClient.bucket(method:path:)`): `POST /api/v1/apps` counts against the
/// `apps` family (the list/create endpoint), `DELETE /api/v1/apps/{id}` against `app` (one app),
/// and lifecycle and group calls (`/api/v1/apps/{id}/...`) against `apps*`, Okta's catch-all.
///
/// Okta's answers, as documented:
/// - `POST /api/v1/apps` answers 200 (not 201) with the whole app, `status` ACTIVE unless
///   `?activate=false` (the parameter defaults to true); an invalid `settings.app` is
///   `400 E0000001`. Source: Okta management OpenAPI spec, `createApplication` and its
///   `BookmarkAppResponseEx` example (../shared/testdata/okta-openapi/management-minimal.yaml).
/// - Lifecycle activate/deactivate answer 200 with `{}`. Source: same spec (`deactivateApplication`)
///   and Okta's Apps API reference (okta/okta.github.io, `_source/_docs/api/resources/apps.md`,
///   "Application Lifecycle Operations": "An empty JSON object `{}`").
/// - `DELETE /api/v1/apps/{id}` deletes an *inactive* app and answers 204. An ACTIVE app is refused
///   with `403 E0000056 "Delete application forbidden."`, cause "The application must be deactivated
///   before deletion." Sources: okta/okta.github.io `_source/_docs/api/resources/apps.md` ("If the
///   application has an `ACTIVE` status you will receive an error response", with that body); the
///   current spec says "Deletes an inactive application" and lists only 204/403/404/429.
/// - `PUT /api/v1/apps/{id}/groups/{groupId}` answers 200 with the assignment (`id`, `priority`,
///   `lastUpdated`, `_links`); `DELETE` of an assignment answers 204; the list is paginated with
///   `limit`/`after` and a `Link: rel="next"` header. Source: the spec (`assignGroupToApplication`,
///   `unassignApplicationFromGroup`, `listApplicationGroupAssignments`).
extension OktaClient {
    /// `POST /api/v1/apps?activate=true|false` with the app JSON; returns the created app as Okta
    /// wrote it (raw JSON, unknown keys kept). Not retried after a 5xx or a lost answer (see above).
    public func createApp(_ app: JSONValue, activate: Bool) async throws(OktaError) -> OktaApp {
        let path = "/api/v1/apps?activate=\(activate)"
        let response = try await send("POST", path: path, body: Array(JSONWriter.compact(app).utf8))
        return try Self.app(from: response.body, request: .init(method: "POST", path: "/api/v1/apps", requestId: response.header("X-Okta-Request-Id")))
    }

    /// `POST /api/v1/apps/{id}/lifecycle/activate` (no body; Okta answers 200 `{}`).
    public func activateApp(id: String) async throws(OktaError) {
        _ = try await send("POST", path: "/api/v1/apps/\(Self.pathComponent(id))/lifecycle/activate")
    }

    /// `POST /api/v1/apps/{id}/lifecycle/deactivate` (no body; Okta answers 200 `{}`).
    public func deactivateApp(id: String) async throws(OktaError) {
        _ = try await send("POST", path: "/api/v1/apps/\(Self.pathComponent(id))/lifecycle/deactivate")
    }

    /// `DELETE /api/v1/apps/{id}` (204). Okta refuses an ACTIVE app with `403 E0000056`: deactivate
    /// it first. An app already gone is `404 E0000007`.
    public func deleteApp(id: String) async throws(OktaError) {
        _ = try await send("DELETE", path: "/api/v1/apps/\(Self.pathComponent(id))")
    }

    /// `GET /api/v1/apps/{id}/groups`, following `Link: rel="next"` across all pages.
    public func appGroups(appId: String, limit: Int = 200) async throws(OktaError) -> [OktaAppGroup] {
        let base = "/api/v1/apps/\(Self.pathComponent(appId))/groups"
        var groups: [OktaAppGroup] = []
        var next: String? = "\(base)?limit=\(limit)"
        var pages = 0
        while let path = next {
            pages += 1
            guard pages <= 1000 else { throw .invalidResponse("more than 1000 pages of group assignments", request: .init(method: "GET", path: base)) }
            let response = try await send("GET", path: path)
            let request = OktaError.RequestInfo(method: "GET", path: base, requestId: response.header("X-Okta-Request-Id"))
            guard case .array(let elements) = try Self.json(response.body, request: request) else {
                throw .invalidResponse("the group assignment list is not a JSON array", request: request)
            }
            for element in elements {
                guard let id = element["id"]?.stringValue else {
                    throw .invalidResponse("a group assignment has no id", request: request)
                }
                groups.append(OktaAppGroup(id: id, priority: Self.integer(element["priority"])))
            }
            if let link = LinkHeader.target(rel: "next", in: response.headers("Link")) {
                guard let path = orgRelativePath(link) else {
                    throw .invalidResponse("the next page link \(link) points outside the Okta org; idcsync does not follow it", request: request)
                }
                guard path != next else { throw .invalidResponse("the next page link repeats the current page", request: request) }
                next = path
            } else {
                next = nil
            }
        }
        return groups
    }

    /// `PUT /api/v1/apps/{id}/groups/{groupId}` with `{}` (assign; Okta answers 200 with the
    /// assignment). Assigning a group that is already assigned is harmless.
    public func assignGroup(appId: String, groupId: String) async throws(OktaError) {
        let path = "/api/v1/apps/\(Self.pathComponent(appId))/groups/\(Self.pathComponent(groupId))"
        _ = try await send("PUT", path: path, body: Array("{}".utf8))
    }

    /// `DELETE /api/v1/apps/{id}/groups/{groupId}` (204).
    public func unassignGroup(appId: String, groupId: String) async throws(OktaError) {
        _ = try await send("DELETE", path: "/api/v1/apps/\(Self.pathComponent(appId))/groups/\(Self.pathComponent(groupId))")
    }

    // MARK: Helpers

    /// A `Link` target made relative to the org, or nil when it points at another host. The org URL
    /// comes from a governor (it keeps the org normalised: lower case, no trailing slash), since the
    /// configuration is private to OktaClient.swift.
    private func orgRelativePath(_ link: String) -> String? {
        if link.hasPrefix("/") { return link }
        let org = governor(bucket: "apps*").orgURL
        guard link.lowercased().hasPrefix(org + "/") else { return nil }
        return String(link.dropFirst(org.count))
    }

    static func integer(_ value: JSONValue?) -> Int? {
        guard case .number(let text)? = value else { return nil }
        return Int(text) ?? Double(text).flatMap { $0.rounded() == $0 ? Int(exactly: $0) : nil }
    }
}
