import Foundation
import HTTPKit
import IDCSyncCore
import Testing

/// Every request has a total deadline (connect, headers and the whole body), a refused connection
/// fails at once, and an oversized answer is refused by size, all through the binary against the
/// Okta fake.
@Suite("bounded time (binary, against the Okta fake)")
struct BoundedTimeTests {
    let environment = ["OKTA_API_TOKEN": OktaFake.token]

    @Test func aBodyThatTricklesCannotKeepOktaPlanRunning() async throws {
        let fake = try OktaFake()
        try await fake.seed()
        // Every GET answers its head at once, then one byte a second.
        try await fake.faults([.object(["method": "GET", "action": "trickle", "bytesPerSecond": .number("1"), "times": .number("20")])])
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", fake.config(extraOkta: "  timeoutSeconds: 2"))
        let run = try workspace.run(["okta", "plan"], environment: environment, bound: 60)
        #expect(!run.killed, "okta plan was still running after 60 s")
        // The documented worst case for one GET: 4 attempts x 2 s + backoff (0.5 + 1 + 2 s at most).
        #expect(run.seconds < 4 * 2 + 3.5 + 3, "took \(run.seconds) s")
        #expect(run.result.status == 1, "\(run.result.stderr)")
        #expect(run.result.stderr.contains("GET /api/v1/apps/0oaidc1: no response from Okta after 4 attempts: the exchange did not finish within its 2 s deadline (connecting, the headers and the whole body)"),
                "\(run.result.stderr)")
        #expect(try await fake.requestLines() == Array(repeating: "GET /api/v1/apps/0oaidc1", count: 4))
    }

    @Test func aRefusedConnectionFailsAtOnceAfterOneAttempt() async throws {
        let closedURL: String
        do {
            // A port that was just listening and is now closed.
            let fake = try OktaFake()
            closedURL = fake.url
        }
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", """
        instance:
          primaryRegion: ap-northeast-1
          regions: [ap-northeast-1, ap-northeast-3]
        okta:
          orgUrl: \(closedURL)
          appId: 0oaidc1
        """)
        let run = try workspace.run(["okta", "plan"], environment: environment, bound: 30)
        #expect(!run.killed)
        #expect(run.seconds < 1, "took \(run.seconds) s")
        #expect(run.result.status == 1, "\(run.result.stderr)")
        let port = closedURL.split(separator: ":").last.map(String.init) ?? ""
        #expect(run.result.stderr.contains("no response from Okta after 1 attempt: could not connect (connection refused (127.0.0.1:\(port)))"),
                "\(run.result.stderr)")
    }

    @Test func aResponseOverTheCapIsRefusedBySize() async throws {
        let fake = try OktaFake()
        let app = try await fake.seed()
        // Seeded with a client that reads big answers: the fake echoes the stored app.
        var big = app.objectValue ?? [:]
        big["customVendorField"] = .string(String(repeating: "x", count: 33 * 1024 * 1024))
        let seeded = try await AsyncHTTPTransport(maximumBodyBytes: 64 * 1024 * 1024).send(
            HTTPRequest(method: "POST", url: fake.url + "/_fake/apps", headers: [("Content-Type", "application/json")],
                        body: Array(JSONWriter.compact(.object(big)).utf8), timeout: .seconds(60)))
        #expect(seeded.status == 200)
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", fake.config())
        let result = try workspace.runFailing(["okta", "plan"], environment: environment)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("GET /api/v1/apps/0oaidc1: no response from Okta after 1 attempt: the response was larger than 32 MiB, the most idcsync reads, and was not read"),
                "\(result.stderr)")
        #expect(!result.stderr.contains("NIOTooManyBytesError"))
    }
}
