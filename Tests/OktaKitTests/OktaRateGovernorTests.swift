import Foundation
import HTTPKit
import IDCSyncCore
import IDCSyncTestSupport
@testable import OktaKit
import Testing

/// Okta's fixed-window buckets on a fake clock: a window opens with its first request and ends
/// `window` seconds later (`X-Rate-Limit-Reset` rounded up, `Date` rounded down, as Okta sends them);
/// over the limit it answers 429 E0000047. Clients reach it through `ScriptedTransport(handler: answer)`.
final class BucketServer: @unchecked Sendable {
    struct Served: Equatable {
        var time: Double
        var path: String
        var status: Int
    }

    private let lock = NSLock()
    private let time: FakeClock
    private let limits: [String: (limit: Int, window: Double)]
    private var windows: [String: (start: Double, count: Int)] = [:]
    private var log: [Served] = []

    init(time: FakeClock, limits: [String: (limit: Int, window: Double)]) {
        self.time = time
        self.limits = limits
    }

    var served: [Served] { lock.withLock { log } }

    func answer(_ request: HTTPRequest) -> ScriptedTransport.Answer {
        let path = String(request.url.dropFirst("https://example.okta.com".count))
        let bucket = OktaClient.bucket(method: request.method, path: path)
        return lock.withLock {
            let now = time.now()
            let (limit, window) = limits[bucket] ?? (1000, 60)
            var state = windows[bucket] ?? (now, 0)
            if now >= state.start + window { state = (now, 0) }
            let allowed = state.count < limit
            if allowed { state.count += 1 }
            windows[bucket] = state
            let status = allowed ? 200 : 429
            log.append(Served(time: now, path: path, status: status))
            let headers = [
                ("Date", Self.httpDate(now)), ("X-Okta-Request-Id", UUID().uuidString),
                ("X-Rate-Limit-Limit", String(limit)), ("X-Rate-Limit-Remaining", String(limit - state.count)),
                ("X-Rate-Limit-Reset", String(Int((state.start + window).rounded(.up)))),
            ]
            let body = !allowed ? #"{"errorCode":"E0000047","errorSummary":"API call exceeded rate limit due to too many requests."}"#
                : bucket == "apps" ? "[]" : appBody
            return .success(HTTPResponse(status: status, headers: headers, body: Array(body.utf8)))
        }
    }

    static func httpDate(_ epoch: Double) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: Date(timeIntervalSince1970: epoch.rounded(.down)))
    }
}

@Suite("Okta client: rate limits shared by the clients of an org")
struct OktaRateGovernorTests {
    @Test func concurrentClientsOfOneOrgStayWithinTheBucketAndGoAgainTogetherAfterTheReset() async throws {
        let time = FakeClock(now: serverEpoch)
        let server = BucketServer(time: time, limits: ["app": (10, 60)])
        let transport = ScriptedTransport(handler: server.answer)
        let registry = OktaRateLimits()
        // Eight clients, as reconcile makes one per target, all of one org.
        let shared = (0..<8).map { _ in
            OktaClient(configuration: OktaClientConfiguration(orgURL: "https://example.okta.com", credentials: .apiToken(Secret("t")), access: .read),
                       transport: transport, time: time, rateLimits: registry)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<25 {
                let okta = shared[index % shared.count]
                group.addTask { _ = try await okta.app(id: "0oa\(index)") }
            }
            try await group.waitForAll()
        }
        let served = server.served
        #expect(served.filter { $0.status == 429 }.isEmpty)
        #expect(served.count == 25, "one request per read")
        // Each window's budget is used at once; then everybody waits for the reset (+1 s) together, once.
        #expect(Dictionary(grouping: served, by: \.time).mapValues(\.count) == [serverEpoch: 10, serverEpoch + 61: 10, serverEpoch + 122: 5])
        #expect(time.slept == [.seconds(61), .seconds(61)])
        let snapshot = await registry.governor(orgURL: "https://example.okta.com", bucket: "app").snapshot
        #expect(snapshot.resetsWaited == 2)
        #expect(snapshot.inFlight == 0)
    }

    @Test func a429IsStillWaitedOutOnceAndRetriedWithOktaHeaders() async throws {
        let time = FakeClock()
        let registry = OktaRateLimits()
        let transport = ScriptedTransport([
            { _ in response(429, #"{"errorCode":"E0000047","errorSummary":"API call exceeded rate limit due to too many requests."}"#,
                            headers: [("X-Rate-Limit-Limit", "500"), ("X-Rate-Limit-Remaining", "0"), ("X-Rate-Limit-Reset", String(Int(serverEpoch) + 30))],
                            requestId: "limited") },
            { _ in response(200, appBody, headers: [("X-Rate-Limit-Limit", "500"), ("X-Rate-Limit-Remaining", "499"), ("X-Rate-Limit-Reset", String(Int(serverEpoch) + 90))]) },
            { _ in response(200, appBody, headers: [("X-Rate-Limit-Limit", "500"), ("X-Rate-Limit-Remaining", "498"), ("X-Rate-Limit-Reset", String(Int(serverEpoch) + 90))]) },
        ])
        _ = try await client(transport, time: time, rateLimits: registry).app(id: "0oa1")
        // Another client of the org after the reset: no further wait.
        _ = try await client(transport, time: time, rateLimits: registry).app(id: "0oa1")
        #expect(time.slept == [.seconds(31)], "reset - Date + 1 s, once")
        #expect(transport.requests[1].header("X-Okta-Retry-For") == "limited")
        #expect(transport.requests[1].header("X-Okta-Retry-Count") == "1")
        #expect(transport.requests[2].header("X-Okta-Retry-For") == nil)
    }

    @Test func aWaitLongerThanTheMaximumIsAnErrorWithoutSending() async throws {
        let time = FakeClock(now: serverEpoch)
        let registry = OktaRateLimits()
        let transport = ScriptedTransport([
            { _ in response(200, appBody, headers: [("X-Rate-Limit-Limit", "500"), ("X-Rate-Limit-Remaining", "0"), ("X-Rate-Limit-Reset", String(Int(serverEpoch) + 600))]) },
        ])
        _ = try await client(transport, time: time, rateLimits: registry).app(id: "0oa1")
        await #expect {
            _ = try await client(transport, time: time, maximumWait: .seconds(60), rateLimits: registry).app(id: "0oa2")
        } throws: { error in
            guard case .rateLimited(601, 60, _)? = error as? OktaError else { return false }
            return true
        }
        #expect(transport.requests.count == 1)
        #expect(time.slept.isEmpty)
    }

    /// Cancelled while it waits for the reset: cancellation, not a configuration error, and nothing sent.
    @Test func aCancelledWaitForTheResetEndsWithCancellation() async throws {
        let registry = OktaRateLimits()
        let transport = ScriptedTransport([
            { _ in response(200, appBody, headers: [("X-Rate-Limit-Limit", "500"), ("X-Rate-Limit-Remaining", "0"), ("X-Rate-Limit-Reset", String(Int(serverEpoch) + 3000))]) },
            { _ in response(200, appBody) },
        ])
        // The real clock: its sleep is the one a cancelled task cuts short. The reset is far off, so
        // a slow machine never sees the window end before the second request.
        func okta() -> OktaClient {
            OktaClient(configuration: OktaClientConfiguration(orgURL: "https://example.okta.com", credentials: .apiToken(Secret("t")), access: .read,
                                                              maximumRateLimitWait: .seconds(3600)),
                       transport: transport, time: SystemTime(), rateLimits: registry)
        }
        _ = try await okta().app(id: "0oa1")
        let waiting = Task { () async -> OktaError? in
            do throws(OktaError) { _ = try await okta().app(id: "0oa2"); return nil } catch { return error }
        }
        waiting.cancel()
        #expect(await waiting.value == .cancelled(request: .init(method: "GET", path: "/api/v1/apps/0oa2")))
        #expect(transport.requests.count == 1)
        #expect(await registry.governor(orgURL: "https://example.okta.com", bucket: "app").snapshot.inFlight == 0)
    }

    @Test func anEmptyBucketDoesNotHoldUpOtherBucketsOrOtherOrgs() async throws {
        let time = FakeClock(now: serverEpoch)
        let registry = OktaRateLimits()
        let empty = [("X-Rate-Limit-Limit", "500"), ("X-Rate-Limit-Remaining", "0"), ("X-Rate-Limit-Reset", String(Int(serverEpoch) + 60))]
        let transport = ScriptedTransport([
            { _ in response(200, appBody, headers: empty) },
            { _ in response(200, "[]", headers: [("X-Rate-Limit-Limit", "100"), ("X-Rate-Limit-Remaining", "99"), ("X-Rate-Limit-Reset", String(Int(serverEpoch) + 60))]) },
            { _ in response(200, "[]") },
            { _ in response(200, appBody) },
            { _ in response(200, appBody) },
        ])
        let okta = client(transport, time: time, rateLimits: registry)
        _ = try await okta.app(id: "0oa1")
        _ = try await okta.apps(filter: "name eq \"amazon_aws_sso\"")
        _ = try await okta.send("GET", path: "/api/v1/apps/0oa1/credentials/keys")
        _ = try await client(transport, time: time, rateLimits: registry, orgURL: "https://other.okta.com").app(id: "0oa1")
        #expect(time.slept.isEmpty, "the list, an app's keys and another org have their own buckets")
        _ = try await client(transport, time: time, rateLimits: registry, orgURL: "https://EXAMPLE.okta.com/").app(id: "0oa2")
        #expect(time.slept == [.seconds(61)], "the same org however it is spelled shares the bucket")
    }

    @Test func concurrentRequestsWithoutRateLimitHeadersAllGo() async throws {
        let time = FakeClock()
        let transport = ScriptedTransport(Array(repeating: { _ in response(200, appBody) }, count: 12))
        let okta = client(transport, time: time)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<12 { group.addTask { _ = try await okta.app(id: "0oa\(index)") } }
            try await group.waitForAll()
        }
        #expect(transport.requests.count == 12)
        #expect(time.slept.isEmpty)
    }

    @Test func bucketsFollowOktasEndpointFamilies() {
        #expect(OktaClient.bucket(method: "GET", path: "/api/v1/apps/0oa1") == "app")
        #expect(OktaClient.bucket(method: "PUT", path: "/api/v1/apps/0oa1") == "app")
        #expect(OktaClient.bucket(method: "GET", path: "/api/v1/apps?filter=x&limit=200") == "apps")
        #expect(OktaClient.bucket(method: "GET", path: "/api/v1/apps/0oa1/sso/saml/metadata?kid=k") == "apps*")
        #expect(OktaClient.bucket(method: "POST", path: "/oauth2/v1/token") == "token")
    }
}
