import Foundation
import HTTPKit
import IDCSyncCore
import IDCSyncTestSupport
@testable import OktaKit
import Testing

let bookmarkBody = #"{"id":"0oaB1","name":"bookmark","label":"AWS access portal (eu-central-1)","status":"INACTIVE","signOnMode":"BOOKMARK","created":"2026-11-21T10:00:00.000Z","lastUpdated":"2026-11-21T10:00:00.000Z","settings":{"app":{"url":"https://d-1.awsapps.com/start","requestIntegration":false},"notes":{"admin":"managed by idcsync","enduser":null}},"_links":{"self":{"href":"https://example.okta.com/api/v1/apps/0oaB1"}}}"#

@Suite("Okta client: app lifecycle and group assignments")
struct OktaLifecycleTests {
    @Test func createAppPostsTheJSONWithActivateAndReturnsTheAppAsWritten() async throws {
        let app: JSONValue = try JSONParser.parse(Array(#"{"name":"bookmark","label":"AWS access portal (eu-central-1)","signOnMode":"BOOKMARK","settings":{"app":{"url":"https://d-1.awsapps.com/start","requestIntegration":false},"notes":{"admin":"managed by idcsync","enduser":null}}}"#.utf8))
        let transport = ScriptedTransport([
            { _ in response(200, bookmarkBody) },
            { _ in response(200, bookmarkBody) },
        ])
        let okta = client(transport)
        let created = try await okta.createApp(app, activate: false)
        #expect(created.id == "0oaB1")
        #expect(created.status == "INACTIVE")
        #expect(created.json.value(at: ["settings", "notes", "admin"]) == .string("managed by idcsync"))
        _ = try await okta.createApp(app, activate: true)
        let sent = transport.requests
        #expect(sent.map(\.method) == ["POST", "POST"])
        #expect(sent.map(\.url) == ["https://example.okta.com/api/v1/apps?activate=false", "https://example.okta.com/api/v1/apps?activate=true"])
        #expect(sent[0].header("Content-Type") == "application/json")
        #expect(try JSONParser.parse(sent[0].body ?? []) == app, "the body is the app as given, explicit nulls included")
    }

    @Test func createAppIsRetriedAfterA429ButNeverAfterA5xxOrALostAnswer() async throws {
        let app: JSONValue = try JSONParser.parse(Array(#"{"name":"bookmark","label":"x","signOnMode":"BOOKMARK","settings":{"app":{"url":"https://x.example"}}}"#.utf8))
        let limited = ScriptedTransport([
            { _ in response(429, #"{"errorCode":"E0000047","errorSummary":"API call exceeded rate limit due to too many requests."}"#, headers: [("X-Rate-Limit-Reset", String(Int(serverEpoch)))], requestId: "r429") },
            { _ in response(200, bookmarkBody) },
        ])
        _ = try await client(limited).createApp(app, activate: true)
        #expect(limited.requests.count == 2)
        #expect(limited.requests[1].header("X-Okta-Retry-For") == "r429")

        let failing = ScriptedTransport([{ _ in response(500, #"{"errorCode":"E0000009","errorSummary":"Internal Server Error"}"#) }, { _ in response(200, bookmarkBody) }])
        await #expect { _ = try await client(failing).createApp(app, activate: true) } throws: { ($0 as? OktaError)?.status == 500 }
        #expect(failing.requests.count == 1, "Okta may have created the app: a blind retry could make a second tile")

        let lost = ScriptedTransport([{ _ in .failure(.timeout) }, { _ in response(200, bookmarkBody) }])
        await #expect { _ = try await client(lost).createApp(app, activate: true) } throws: { error in
            guard case .transport(.timeout, 1, let request)? = error as? OktaError else { return false }
            return request.method == "POST" && request.path == "/api/v1/apps"
        }
        #expect(lost.requests.count == 1)
    }

    @Test func lifecycleCallsArePOSTsWithoutABody() async throws {
        let transport = ScriptedTransport([{ _ in response(200, "{}") }, { _ in response(200, "{}") }])
        let okta = client(transport)
        try await okta.activateApp(id: "0oaB1")
        try await okta.deactivateApp(id: "0oa/B 2")
        #expect(transport.requests.map(\.method) == ["POST", "POST"])
        #expect(transport.requests.map(\.url) == [
            "https://example.okta.com/api/v1/apps/0oaB1/lifecycle/activate",
            "https://example.okta.com/api/v1/apps/0oa%2FB%202/lifecycle/deactivate",
        ])
        #expect(transport.requests.allSatisfy { $0.body == nil && $0.header("Content-Type") == nil })
    }

    @Test func deleteAcceptsA204WithNoBody() async throws {
        let transport = ScriptedTransport([{ _ in .success(HTTPResponse(status: 204, headers: [("X-Okta-Request-Id", "r1")], body: [])) }])
        try await client(transport).deleteApp(id: "0oaB1")
        #expect(transport.requests.first?.method == "DELETE")
        #expect(transport.requests.first?.url == "https://example.okta.com/api/v1/apps/0oaB1")
        #expect(transport.requests.first?.body == nil)
    }

    /// The body Okta documents for deleting an ACTIVE app (okta/okta.github.io, apps.md).
    @Test func deletingAnActiveAppIsATypedErrorWithOktasCode() async {
        let transport = ScriptedTransport([{ _ in
            response(403, #"{"errorCode":"E0000056","errorSummary":"Delete application forbidden.","errorLink":"E0000056","errorId":"oaeHifznCllQ26xcRsO5vAk7A","errorCauses":[{"errorSummary":"The application must be deactivated before deletion."}]}"#, requestId: "req-del")
        }])
        await #expect {
            try await client(transport).deleteApp(id: "0oaB1")
        } throws: { error in
            guard let error = error as? OktaError, case .api(403, "E0000056", "Delete application forbidden.", let causes, let request) = error else { return false }
            return causes == ["The application must be deactivated before deletion."] && request.method == "DELETE"
                && request.path == "/api/v1/apps/0oaB1" && request.requestId == "req-del" && error.code == "E0000056"
                && error.description.contains("must be deactivated before deletion")
        }
        #expect(transport.requests.count == 1)
    }

    @Test func aValidationErrorOnCreateCarriesItsCauses() async throws {
        let app: JSONValue = try JSONParser.parse(Array(#"{"name":"bookmark","label":"x","signOnMode":"BOOKMARK","settings":{"app":{}}}"#.utf8))
        let transport = ScriptedTransport([{ _ in
            response(400, #"{"errorCode":"E0000001","errorSummary":"Api validation failed: url","errorCauses":[{"errorSummary":"url: The field cannot be left blank"}]}"#)
        }])
        await #expect { _ = try await client(transport).createApp(app, activate: true) } throws: { error in
            guard case .api(400, "E0000001", _, let causes, _)? = error as? OktaError else { return false }
            return causes == ["url: The field cannot be left blank"]
        }
    }

    @Test func appGroupsFollowsLinkPaginationAcrossTwoPages() async throws {
        let transport = ScriptedTransport([
            { request in
                #expect(request.method == "GET")
                #expect(request.url == "https://example.okta.com/api/v1/apps/0oaB1/groups?limit=2")
                return response(200, #"[{"id":"00g1","priority":0,"lastUpdated":"2026-11-21T10:00:00.000Z","_links":{}},{"id":"00g2","priority":1}]"#, headers: [
                    ("Link", "<https://example.okta.com/api/v1/apps/0oaB1/groups?limit=2>; rel=\"self\""),
                    ("Link", "<https://example.okta.com/api/v1/apps/0oaB1/groups?after=00g2&limit=2>; rel=\"next\""),
                ])
            },
            { request in
                #expect(request.url == "https://example.okta.com/api/v1/apps/0oaB1/groups?after=00g2&limit=2")
                return response(200, #"[{"id":"00g3"}]"#, headers: [("Link", "<https://example.okta.com/api/v1/apps/0oaB1/groups?after=00g2&limit=2>; rel=\"self\"")])
            },
        ])
        let groups = try await client(transport).appGroups(appId: "0oaB1", limit: 2)
        #expect(groups == [OktaAppGroup(id: "00g1", priority: 0), OktaAppGroup(id: "00g2", priority: 1), OktaAppGroup(id: "00g3", priority: nil)])
        #expect(transport.requests.count == 2)
    }

    @Test func appGroupsRefusesANextLinkToAnotherHostAndRetriesGETsAfter5xx() async throws {
        let evil = ScriptedTransport([{ _ in response(200, "[]", headers: [("Link", "<https://evil.example/api/v1/apps/0oaB1/groups?after=x>; rel=\"next\"")]) }])
        await #expect(throws: OktaError.self) { _ = try await client(evil).appGroups(appId: "0oaB1") }
        #expect(evil.requests.count == 1)

        let flaky = ScriptedTransport([{ _ in response(503, "{}") }, { _ in response(200, #"[{"id":"00g1"}]"#) }])
        #expect(try await client(flaky).appGroups(appId: "0oaB1").map(\.id) == ["00g1"])
        #expect(flaky.requests.count == 2)
        #expect(flaky.requests[0].url == "https://example.okta.com/api/v1/apps/0oaB1/groups?limit=200")
    }

    @Test func assignAndUnassignAGroup() async throws {
        let transport = ScriptedTransport([
            { _ in response(200, #"{"id":"00g1","priority":0,"lastUpdated":"2026-11-21T10:00:00.000Z","_links":{}}"#) },
            { _ in .success(HTTPResponse(status: 204, headers: [], body: [])) },
        ])
        let okta = client(transport)
        try await okta.assignGroup(appId: "0oaB1", groupId: "00g1")
        try await okta.unassignGroup(appId: "0oaB1", groupId: "00g1")
        let sent = transport.requests
        #expect(sent.map(\.method) == ["PUT", "DELETE"])
        #expect(sent.map(\.url) == ["https://example.okta.com/api/v1/apps/0oaB1/groups/00g1", "https://example.okta.com/api/v1/apps/0oaB1/groups/00g1"])
        #expect(sent[0].body.map { String(decoding: $0, as: UTF8.self) } == "{}")
        #expect(sent[0].header("Content-Type") == "application/json")
        #expect(sent[1].body == nil)
    }

    @Test func unassigningAnUnknownGroupIsANotFoundError() async {
        let transport = ScriptedTransport([{ _ in response(404, #"{"errorCode":"E0000007","errorSummary":"Not found: Resource not found: 00g9 (ApplicationGroupAssignment)"}"#) }])
        await #expect { try await client(transport).unassignGroup(appId: "0oaB1", groupId: "00g9") } throws: { error in
            (error as? OktaError)?.code == "E0000007" && (error as? OktaError)?.status == 404
        }
    }

    @Test func bucketsOfTheNewPaths() {
        #expect(OktaClient.bucket(method: "POST", path: "/api/v1/apps?activate=true") == "apps")
        #expect(OktaClient.bucket(method: "DELETE", path: "/api/v1/apps/0oaB1") == "app")
        #expect(OktaClient.bucket(method: "POST", path: "/api/v1/apps/0oaB1/lifecycle/deactivate") == "apps*")
        #expect(OktaClient.bucket(method: "GET", path: "/api/v1/apps/0oaB1/groups?limit=200") == "apps*")
        #expect(OktaClient.bucket(method: "PUT", path: "/api/v1/apps/0oaB1/groups/00g1") == "apps*")
    }
}
