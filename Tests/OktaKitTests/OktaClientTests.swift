import Crypto
import Foundation
import HTTPKit
import IDCSyncCore
import IDCSyncTestSupport
@testable import OktaKit
import Testing
import _CryptoExtras

let serverDate = "Sat, 21 Nov 2026 10:00:00 GMT"
let serverEpoch = 1_795_255_200.0

func response(_ status: Int, _ body: String = "{}", headers: [(String, String)] = [], requestId: String = UUID().uuidString) -> Result<HTTPResponse, TransportError> {
    .success(HTTPResponse(status: status, headers: [("Date", serverDate), ("X-Okta-Request-Id", requestId)] + headers.map { ($0.0, $0.1) }, body: Array(body.utf8)))
}

let appBody = #"{"id":"0oa1","name":"amazon_aws_sso","label":"AWS IAM Identity Center","lastUpdated":"2026-11-21T10:00:00.000Z","settings":{"app":{"acsURL":null}}}"#

func client(_ transport: ScriptedTransport, time: FakeClock = FakeClock(), credentials: OktaCredentials = .apiToken(Secret("tok-SECRET-1")),
            access: OktaAccess = .readWrite, maximumWait: Duration = .seconds(120), rateLimits: OktaRateLimits = OktaRateLimits(),
            orgURL: String = "https://example.okta.com") -> OktaClient {
    // Each test has its own registry: tests run in parallel, each with its own clock.
    OktaClient(configuration: OktaClientConfiguration(
        orgURL: orgURL, credentials: credentials, access: access, maximumRateLimitWait: maximumWait,
        retry: RetryPolicy(maximumAttempts: 4, base: .milliseconds(500), cap: .seconds(8), maximumWaits: 10, jitter: { $0 })),
        transport: transport, time: time, rateLimits: rateLimits)
}

@Suite("Okta client: requests, errors, retries")
struct OktaClientTests {
    @Test func apiTokenIsSentAndErrorsCarryOktaDetailsButNeverTheToken() async throws {
        let transport = ScriptedTransport([{ _ in
            response(404, #"{"errorCode":"E0000007","errorSummary":"Not found: Resource not found: 0oa9 (AppInstance)","errorLink":"E0000007","errorId":"x","errorCauses":[{"errorSummary":"gone"}]}"#, requestId: "req-42")
        }])
        await #expect {
            _ = try await client(transport).app(id: "0oa9")
        } throws: { error in
            guard let error = error as? OktaError, case .api(404, "E0000007", _, ["gone"], let request) = error else { return false }
            return request.requestId == "req-42" && error.description.contains("GET /api/v1/apps/0oa9 (X-Okta-Request-Id req-42)")
                && error.description.contains("check okta.appId") && !error.description.contains("SECRET")
        }
        #expect(transport.requests.first?.header("Authorization") == "SSWS tok-SECRET-1")
        #expect(transport.requests.first?.url == "https://example.okta.com/api/v1/apps/0oa9")
    }

    @Test func a429WaitsUntilTheResetOnTheServersClockAndRetriesWithOktaHeaders() async throws {
        let time = FakeClock()
        let transport = ScriptedTransport([
            { _ in response(429, #"{"errorCode":"E0000047","errorSummary":"API call exceeded rate limit due to too many requests."}"#,
                            headers: [("X-Rate-Limit-Limit", "100"), ("X-Rate-Limit-Remaining", "0"), ("X-Rate-Limit-Reset", String(Int(serverEpoch) + 3))],
                            requestId: "first-429") },
            { _ in response(429, "{}", headers: [("X-Rate-Limit-Reset", String(Int(serverEpoch) + 1))], requestId: "second-429") },
            { _ in response(200, appBody) },
        ])
        let app = try await client(transport, time: time).app(id: "0oa1")
        #expect(app.id == "0oa1")
        #expect(time.slept == [.seconds(4), .seconds(2)], "reset - Date + 1 s")
        let retries = transport.requests.dropFirst()
        #expect(retries.map { $0.header("X-Okta-Retry-For") } == ["first-429", "first-429"])
        #expect(retries.map { $0.header("X-Okta-Retry-Count") } == ["1", "2"])
        #expect(transport.requests.first?.header("X-Okta-Retry-For") == nil)
    }

    @Test func aRateLimitWaitLongerThanTheMaximumIsAnError() async {
        let transport = ScriptedTransport([{ _ in response(429, "{}", headers: [("X-Rate-Limit-Reset", String(Int(serverEpoch) + 600))]) }])
        await #expect {
            _ = try await client(transport, maximumWait: .seconds(60)).app(id: "0oa1")
        } throws: { error in
            guard case .rateLimited(601, 60, _)? = error as? OktaError else { return false }
            return "\(error)".contains("okta.rateLimitMaxWaitSeconds (60 s)")
        }
        #expect(transport.requests.count == 1)
    }

    @Test func requestsArePacedWhenTheBucketIsEmptySoNo429Happens() async throws {
        let time = FakeClock(now: serverEpoch)
        let transport = ScriptedTransport([
            { _ in response(200, appBody, headers: [("X-Rate-Limit-Limit", "2"), ("X-Rate-Limit-Remaining", "0"), ("X-Rate-Limit-Reset", String(Int(serverEpoch) + 5))]) },
            { _ in response(200, appBody, headers: [("X-Rate-Limit-Limit", "2"), ("X-Rate-Limit-Remaining", "1"), ("X-Rate-Limit-Reset", String(Int(serverEpoch) + 65))]) },
            { _ in response(200, appBody) },
        ])
        let okta = client(transport, time: time)
        _ = try await okta.app(id: "0oa1")
        _ = try await okta.app(id: "0oa1")
        _ = try await okta.app(id: "0oa1")
        #expect(time.slept == [.seconds(6)], "only the request after the empty bucket waits, until reset + 1 s")
    }

    @Test func getsAreRetriedAfter5xxAndLostConnectionsWithBackoff() async throws {
        let time = FakeClock()
        let transport = ScriptedTransport([
            { _ in response(500, #"{"errorCode":"E0000009","errorSummary":"Internal Server Error"}"#) },
            { _ in .failure(.connectionReset("eof")) },
            { _ in .failure(.timeout) },
            { _ in response(200, appBody) },
        ])
        _ = try await client(transport, time: time).app(id: "0oa1")
        #expect(transport.requests.count == 4)
        #expect(time.slept == [.milliseconds(500), .seconds(1), .seconds(2)])
    }

    @Test func retriesAreBounded() async {
        let transport = ScriptedTransport(Array(repeating: { _ in .failure(.timeout) }, count: 10))
        await #expect {
            _ = try await client(transport).app(id: "0oa1")
        } throws: { error in
            guard case .transport(.timeout, 4, _)? = error as? OktaError else { return false }
            return "\(error)".contains("after 4 attempts: the request timed out")
        }
        #expect(transport.requests.count == 4)
    }

    /// A run cancelled while a request waits to be retried (after a 5xx, or for a 429's reset) ends
    /// with cancellation, not another kind of error, and sends nothing more.
    @Test(arguments: [500, 429])
    func aCancelledRetryWaitEndsWithCancellation(status: Int) async {
        let time = FakeClock(now: serverEpoch)
        let transport = ScriptedTransport([
            { _ in
                withUnsafeCurrentTask { $0?.cancel() }
                return response(status, "{}", headers: [("X-Rate-Limit-Reset", String(Int(serverEpoch) + 5))])
            },
            { _ in response(200, appBody) },
        ])
        // A task of its own: the cancellation must not reach the test's task.
        let error = await Task { () async -> OktaError? in
            do throws(OktaError) { _ = try await client(transport, time: time).app(id: "0oa1"); return nil } catch { return error }
        }.value
        #expect(error == .cancelled(request: .init(method: "GET", path: "/api/v1/apps/0oa1")))
        #expect(error.map { "\($0)" } == "GET /api/v1/apps/0oa1: cancelled while waiting to send it")
        #expect(transport.requests.count == 1)
        #expect(time.slept == [status == 429 ? .seconds(6) : .milliseconds(500)])
    }

    @Test func aPUTIsNotRetriedAfterA5xxOrALostConnectionButIsAfterA429() async throws {
        let app = try OktaApp(json: JSONParser.parse(appBody))
        let failing = ScriptedTransport([{ _ in response(503, "{}") }, { _ in response(200, appBody) }])
        await #expect(throws: OktaError.self) { _ = try await client(failing).replace(app) }
        #expect(failing.requests.count == 1)
        let reset = ScriptedTransport([{ _ in .failure(.connectionReset("rst")) }, { _ in response(200, appBody) }])
        await #expect(throws: OktaError.self) { _ = try await client(reset).replace(app) }
        #expect(reset.requests.count == 1)
        let limited = ScriptedTransport([{ _ in response(429, "{}", headers: [("X-Rate-Limit-Reset", String(Int(serverEpoch)))]) }, { _ in response(200, appBody) }])
        _ = try await client(limited).replace(app)
        #expect(limited.requests.count == 2)
        #expect(limited.requests[1].method == "PUT")
        #expect(try JSONParser.parse(limited.requests[1].body ?? []) == app.json, "the PUT body is the app as given")
    }

    @Test func listFollowsLinkPaginationAcrossSeveralLinkHeaders() async throws {
        let transport = ScriptedTransport([
            { request in
                #expect(request.url == "https://example.okta.com/api/v1/apps?filter=name%20eq%20%22amazon_aws_sso%22&limit=200")
                return response(200, #"[{"id":"0oa1"}]"#, headers: [
                    ("Link", "<https://example.okta.com/api/v1/apps?limit=200>; rel=\"self\""),
                    ("Link", "<https://example.okta.com/api/v1/apps?after=0oa1&limit=200>; rel=\"next\""),
                ])
            },
            { request in
                #expect(request.url == "https://example.okta.com/api/v1/apps?after=0oa1&limit=200")
                return response(200, #"[{"id":"0oa2"}]"#, headers: [("Link", "<https://example.okta.com/api/v1/apps?after=0oa1&limit=200>; rel=\"self\"")])
            },
        ])
        let apps = try await client(transport).apps(filter: "name eq \"amazon_aws_sso\"")
        #expect(apps.map(\.id) == ["0oa1", "0oa2"])
    }

    @Test func aNextLinkToAnotherHostIsRefused() async {
        let transport = ScriptedTransport([{ _ in response(200, "[]", headers: [("Link", "<https://evil.example/api/v1/apps?after=x>; rel=\"next\"")]) }])
        await #expect(throws: OktaError.self) { _ = try await client(transport).apps(filter: "name eq \"x\"") }
        #expect(transport.requests.count == 1)
    }

    @Test func errorsFromWWWAuthenticateAndOAuthAreReadable() {
        let request = OktaError.RequestInfo(method: "GET", path: "/api/v1/apps/0oa1", requestId: "r1")
        let scope = OktaClient.error(from: HTTPResponse(status: 403, headers: [("WWW-Authenticate", #"Bearer error="insufficient_scope", error_description="The access token provided does not contain the required scopes.""#)]), request: request)
        #expect(scope.description.contains("insufficient_scope"))
        #expect(scope.description.contains("grant the service app the okta.apps.read and okta.apps.manage scopes"))
        let oauth = OktaClient.error(from: HTTPResponse(status: 400, body: Array(#"{"error":"invalid_client","error_description":"The client_assertion signature is invalid."}"#.utf8)), request: request)
        #expect(oauth == .oauth(status: 400, error: "invalid_client", description: "The client_assertion signature is invalid.", request: request))
        #expect(oauth.description.contains("check okta.auth.clientId"))
        let html = OktaClient.error(from: HTTPResponse(status: 502, body: Array("<html>bad gateway</html>".utf8)), request: request)
        #expect(html.description.contains("502: <html>bad gateway</html>"))
    }

    @Test func linkAndDateParsing() {
        #expect(LinkHeader.target(rel: "next", in: [#"<https://a/1>; rel="self", <https://a/2>; rel="next""#]) == "https://a/2")
        #expect(LinkHeader.target(rel: "next", in: [#"<https://a/x?q=1,2>; rel="prev next""#]) == "https://a/x?q=1,2")
        #expect(LinkHeader.target(rel: "next", in: [#"<https://a/1>; rel="self""#]) == nil)
        #expect(Timestamp.parseHTTPDate(serverDate, now: serverEpoch) == serverEpoch)
        #expect(Timestamp.parseHTTPDate("yesterday", now: serverEpoch) == nil)
    }

    @Test func secretsNeverPrint() {
        let secret = Secret("00SSWS-secret")
        #expect("\(secret)" == "<redacted>")
        #expect(String(reflecting: secret) == "<redacted>")
        #expect(!"\(OktaCredentials.apiToken(secret))".contains("00SSWS"))
    }
}
