import Foundation
import HTTPKit
@testable import IDCSyncTestSupport
import Testing

@Suite("Test support: golden files")
struct GoldenTests {
    @Test func theDiffShowsTheChangedLinesWithTheirNumbersAndContext() {
        let golden = (1...10).map { "line \($0)" }.joined(separator: "\n")
        let actual = golden.replacingOccurrences(of: "line 5", with: "line five") + "\nline 11"
        #expect(lineDiff(from: golden, to: actual) == """
              3: line 3
              4: line 4
            - 5: line 5
            + 5: line five
              6: line 6
              7: line 7
              ...
              9: line 9
              10: line 10
            + 11: line 11
            """)
    }

    @Test func theDiffSplitsCRLFLinesAndIsBounded() {
        let golden = (1...100).map { "a\($0)" }.joined(separator: "\r\n")
        let actual = (1...100).map { "b\($0)" }.joined(separator: "\r\n")
        let diff = lineDiff(from: golden, to: actual, limit: 3)
        #expect(diff.hasPrefix("- 1: a1\n- 2: a2\n- 3: a3\n"))
        #expect(diff.hasSuffix("  ... and 197 more changed lines"))
    }

    @Test func fixturesAreFoundInTheCallingTestTargetsFolder() {
        #expect(testTargetFolder(of: "/repo/Tests/OktaKitTests/Sub/File.swift").path == "/repo/Tests/OktaKitTests")
        #expect(fixtureURL("golden/x.txt").path.hasSuffix("/Tests/IDCSyncTestSupportTests/Fixtures/golden/x.txt"))
    }
}

@Suite("Test support: ScriptedTransport")
struct ScriptedTransportTests {
    @Test func answersInOrderRecordsRequestsAndFailsPastTheEnd() async throws {
        let transport = ScriptedTransport(answers: [ScriptedTransport.reply(200, "one"), .failure(.timeout), ScriptedTransport.reply(204)])
        #expect(try await transport.send(HTTPRequest(method: "POST", url: "https://a.example/1", body: Array("x".utf8))).bodyText == "one")
        await #expect(throws: TransportError.timeout) { try await transport.send(HTTPRequest(method: "GET", url: "https://a.example/2")) }
        #expect(transport.unused == 1)
        #expect(try await transport.send(HTTPRequest(method: "GET", url: "https://a.example/3")).status == 204)
        await #expect(throws: TransportError.other("script exhausted")) { try await transport.send(HTTPRequest(method: "GET", url: "https://a.example/4")) }
        #expect(transport.requests.map(\.url) == ["https://a.example/1", "https://a.example/2", "https://a.example/3", "https://a.example/4"])
        #expect(transport.bodies == ["x", "", "", ""])
    }

    @Test func routesRepeatTheirLastAnswerAndUnknownRoutesFailToConnect() async throws {
        let transport = ScriptedTransport(routes: ["GET https://a.example/x": [ScriptedTransport.reply(500), ScriptedTransport.reply(200, "ok")]])
        let request = HTTPRequest(method: "GET", url: "https://a.example/x")
        #expect(try await transport.send(request).status == 500)
        #expect(try await transport.send(request).bodyText == "ok")
        #expect(try await transport.send(request).bodyText == "ok")
        await #expect(throws: TransportError.connectFailed("no route to PUT https://a.example/x")) {
            try await transport.send(HTTPRequest(method: "PUT", url: "https://a.example/x"))
        }
    }

    @Test func aHandlerAnswersEveryRequest() async throws {
        let transport = ScriptedTransport { request in ScriptedTransport.reply(200, request.method) }
        #expect(try await transport.send(HTTPRequest(method: "DELETE", url: "https://a.example/")).bodyText == "DELETE")
        #expect(try await transport.send(HTTPRequest(method: "HEAD", url: "https://a.example/")).bodyText == "HEAD")
        #expect(transport.requests.count == 2)
    }
}

@Suite("Test support: FakeClock")
struct FakeClockTests {
    @Test func sleepsReturnAtOnceRecordedAndMoveTheClock() async throws {
        let clock = FakeClock()
        #expect(clock.now() == 1_795_255_200)
        try await clock.sleep(for: .seconds(2))
        try await clock.sleep(for: .milliseconds(500))
        clock.advance(by: .seconds(10))
        #expect(clock.now() == 1_795_255_212.5)
        #expect(clock.slept == [.seconds(2), .milliseconds(500)])
        clock.set(5)
        #expect(clock.now() == 5)
    }

    @Test func aSleepInACancelledTaskThrowsAndLeavesTheClock() async {
        let clock = FakeClock(now: 100)
        let result = await Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await clock.sleep(for: .seconds(3))
        }.result
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(clock.now() == 100)
        #expect(clock.slept == [.seconds(3)])
    }

    @Test func interruptedSleepsThrowCancellation() async {
        let clock = FakeClock(interruptSleeps: true)
        await #expect(throws: CancellationError.self) { try await clock.sleep(for: .seconds(1)) }
        #expect(clock.now() == FakeClock.start)
    }
}
